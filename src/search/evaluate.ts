/**
 * Running a query: over the index's segments, and — the reference the
 * property test holds the index to — by a plain scan over the events. Both
 * score with ./rank.ts in the same order, filter the same way, and return
 * the same hits. Pure.
 */
import { eventTypes, type JournalEvent } from '../events.js';
import { prepare } from '../../projections/order.js';
import type { Corpus, SessionEntry } from './corpus.js';
import type { Clause, SearchFilters } from './query.js';
import { B, K1, PREFIX_WEIGHT, averageLength, compareHits, idf, termScore, type CorpusStats } from './rank.js';
import { atOf, dfAt, docId, docText, inflateAll, lowerBound, postingsOf, termAt, vocabSize, type Segment } from './segment.js';
import { eventText, terms } from './text.js';

/** One result before it is dressed for display. */
export interface RawHit {
  id: string;
  type: string;
  session: string | undefined;
  actor: { name: string; email: string; agent?: string };
  /** Epoch ms. */
  at: number;
  score: number;
  text: string;
}

export interface Evaluated {
  total: number;
  hits: RawHit[];
}

/** The filters, as a test on a document's fields. */
function matcher(f: SearchFilters, sessionOf: (ix: number) => SessionEntry | undefined) {
  const types = f.types ? new Set<string>(f.types) : undefined;
  const sessions = f.sessions ? new Set(f.sessions) : undefined;
  const actor = f.actor?.toLowerCase();
  const agent = f.agent?.toLowerCase();
  return (d: { type: string; session: number; actor: { name: string; email: string; agent?: string }; at: number }): boolean => {
    if (types && !types.has(d.type)) return false;
    if (f.since !== undefined && d.at < f.since) return false;
    if (f.until !== undefined && d.at >= f.until) return false;
    if (actor !== undefined && d.actor.name.toLowerCase() !== actor && d.actor.email.toLowerCase() !== actor) return false;
    if (agent !== undefined && (d.actor.agent ?? '').toLowerCase() !== agent) return false;
    if (sessions || f.status) {
      const s = sessionOf(d.session);
      if (sessions && (!s || !sessions.has(s.id))) return false;
      if (f.status && (!s || !s.started || s.closed !== (f.status === 'closed'))) return false;
    }
    return true;
  };
}

/** Whether `words` holds `phrase` as consecutive words. */
export function hasPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  outer: for (let i = 0; i + phrase.length <= words.length; i++) {
    for (let k = 0; k < phrase.length; k++) if (words[i + k] !== phrase[k]) continue outer;
    return true;
  }
  return false;
}

/** A match kept for the results: where it is, and its id once a tie needed it. */
interface Candidate {
  seg: Segment;
  doc: number;
  score: number;
  at: number;
  id: string;
}

/** Per segment and clause, the vocabulary entries the clause touches; and each word's document frequency over every segment. */
function vocabularyOf(segments: readonly Segment[], clauses: readonly Clause[]): { ranges: Array<Array<Array<[t: number, term: string]>>>; df: Map<string, number> } {
  const df = new Map<string, number>();
  const ranges = segments.map((s) => {
    const counted = new Set<number>();
    return clauses.map((cl) => {
      const found: Array<[t: number, term: string]> = [];
      if (cl.kind === 'term') {
        for (let t = lowerBound(s, cl.term), v = vocabSize(s); t < v; t++) {
          const w = termAt(s, t);
          if (!w.startsWith(cl.term)) break;
          found.push([t, w]);
        }
      } else {
        for (const w of new Set(cl.terms)) {
          const t = lowerBound(s, w);
          if (t < vocabSize(s) && termAt(s, t) === w) found.push([t, w]);
        }
      }
      for (const [t, w] of found) {
        // A word two clauses touch (`lock lock`, `lo lock`) is counted once.
        if (counted.has(t)) continue;
        counted.add(t);
        df.set(w, (df.get(w) ?? 0) + dfAt(s, t));
      }
      return found;
    });
  });
  return { ranges, df };
}

/** Keep `hit` among the best `keep` of `found`, in rank order: most candidates lose one comparison with the last kept. */
function keepBest(found: Candidate[], hit: Candidate, keep: number): void {
  if (found.length >= keep && rank(hit, found[found.length - 1]!) >= 0) return;
  let i = found.length;
  while (i > 0 && rank(hit, found[i - 1]!) < 0) i--;
  found.splice(i, 0, hit);
  if (found.length > keep) found.pop();
}

/** Evaluate over the index. */
export function evaluate(c: Corpus, clauses: readonly Clause[], filters: SearchFilters, limit: number): Evaluated {
  const stats: CorpusStats = { n: 0, totalLength: 0 };
  const segments = c.segments.map((ref) => ref.get());
  for (const s of segments) {
    stats.n += s.n;
    stats.totalLength += s.totalLength;
  }
  const { ranges, df } = vocabularyOf(segments, clauses);
  const test = matcher(filters, (ix) => (ix ? c.sessions[ix - 1] : undefined));
  const filtered = Object.keys(filters).length > 0;
  const found: Candidate[] = [];
  // A few more than asked for, in case the same event reached the index twice (through two refs).
  const keep = limit + 8;
  let total = 0;
  // Newest segments and documents first: on equal scores the more recent wins, so older ties are turned away at once.
  for (let si = segments.length - 1; si >= 0; si--) {
    const s = segments[si]!;
    const only = clauses.length === 1 && clauses[0]!.kind === 'term' && ranges[si]![0]!.length === 1 ? ranges[si]![0]![0]! : undefined;
    if (only && !filtered) {
      // One word matching one vocabulary entry, no filter (the common search): its postings scored straight into the best few.
      total += oneWord(s, clauses[0] as Extract<Clause, { kind: 'term' }>, only, df, stats, found, keep);
      continue;
    }
    // Per clause, a score per document (0: no match), so that scores add up in clause order as the reference adds them.
    const perClause = clauses.map((cl, ci) => clauseScores(s, cl, ranges[si]![ci]!, df, stats));
    let fewest = perClause[0]!;
    for (const p of perClause) if (p.docs.length < fewest.docs.length) fewest = p;
    for (let j = fewest.docs.length - 1; j >= 0; j--) {
      const doc = fewest.docs[j]!;
      let score = 0;
      let all = true;
      for (const p of perClause) {
        const v = p.scores[doc]!;
        if (v === 0) {
          all = false;
          break;
        }
        score += v;
      }
      if (!all) continue;
      if (filtered && !test({ type: eventTypes[s.types[doc]!]!, session: s.sessions[doc]!, actor: c.actors[s.actors[doc]!]!, at: atOf(s, doc) })) continue;
      total++;
      const at = atOf(s, doc);
      const last = found.length >= keep ? found[found.length - 1]! : undefined;
      // Most candidates lose on score or date alone: no need to build one.
      if (last && (score < last.score || (score === last.score && at < last.at))) continue;
      keepBest(found, { seg: s, doc, score, at, id: '' }, keep);
    }
  }
  const hits = rawHits(c, found, limit);
  // Inflated text is for this query only: an index kept in memory (serve) does not grow with every query.
  for (const seg of segments) seg.blocks.clear();
  return { total, hits };
}

/** The matches of one word in `s` (vocabulary entry `t`), newest first, kept among the best in `found`; returns how many. */
function oneWord(s: Segment, cl: Extract<Clause, { kind: 'term' }>, [t, w]: [number, string], df: Map<string, number>, stats: CorpusStats, found: Candidate[], keep: number): number {
  const { lengths } = s;
  const avg = averageLength(stats);
  const wi = (w === cl.term ? 1 : PREFIX_WEIGHT) * idf(stats, df.get(w)!);
  const p = postingsOf(s, t);
  for (let k = p.docs.length - 1; k >= 0; k--) {
    const doc = p.docs[k]!;
    const tf = p.tfs[k]!;
    // termScore, inline, as clauseScores adds it to 0: the same bits.
    const score = 0 + wi * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * lengths[doc]!) / avg)));
    const at = atOf(s, doc);
    const last = found.length >= keep ? found[found.length - 1]! : undefined;
    if (last && (score < last.score || (score === last.score && at < last.at))) continue;
    keepBest(found, { seg: s, doc, score, at, id: '' }, keep);
  }
  return p.docs.length;
}

/** The best `limit` of `found` as results, each event once (it may have reached the index through two refs). */
function rawHits(c: Corpus, found: readonly Candidate[], limit: number): RawHit[] {
  const seen = new Set<string>();
  const hits: RawHit[] = [];
  for (const f of found) {
    if (hits.length >= limit) break;
    const s = f.seg;
    const id = f.id || docId(s, f.doc);
    if (seen.has(id)) continue;
    seen.add(id);
    const session = s.sessions[f.doc]! ? c.sessions[s.sessions[f.doc]! - 1]!.id : undefined;
    hits.push({ id, type: eventTypes[s.types[f.doc]!]!, session, actor: c.actors[s.actors[f.doc]!]!, at: f.at, score: f.score, text: docText(s, f.doc) });
  }
  return hits;
}

/** compareHits over index positions: ids are only cut out of a segment where a tie on score and date needs them. */
function rank(a: Candidate, b: Candidate): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.at !== b.at) return b.at - a.at;
  if (!a.id) a.id = docId(a.seg, a.doc);
  if (!b.id) b.id = docId(b.seg, b.doc);
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The best `limit` hits, with their text. */
function top(hits: RawHit[], limit: number): Evaluated {
  hits.sort(compareHits);
  return { total: hits.length, hits: hits.slice(0, limit) };
}

/** One clause's score per document of a segment (0 where it does not match), and the documents it matches. */
function clauseScores(s: Segment, cl: Clause, found: Array<[number, string]>, df: Map<string, number>, stats: CorpusStats): { scores: Float64Array; docs: number[] } {
  const scores = new Float64Array(s.n);
  const docs: number[] = [];
  const { lengths } = s;
  const avg = averageLength(stats);
  if (cl.kind === 'term') {
    for (const [t, w] of found) {
      const weight = w === cl.term ? 1 : PREFIX_WEIGHT;
      const wi = weight * idf(stats, df.get(w)!);
      const p = postingsOf(s, t);
      for (let k = 0, end = p.docs.length; k < end; k++) {
        const doc = p.docs[k]!;
        const tf = p.tfs[k]!;
        if (scores[doc] === 0) docs.push(doc);
        // termScore, inline: the same operations in the same order, so the same bits.
        scores[doc] = scores[doc]! + wi * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * lengths[doc]!) / avg)));
      }
    }
    return { scores, docs };
  }
  const distinct = new Set(cl.terms);
  if (found.length < distinct.size) return { scores, docs };
  const tfs = new Map<string, Uint8Array>();
  let rarest: number = found[0]![0];
  for (const [t, w] of found) {
    const m = new Uint8Array(s.n);
    const p = postingsOf(s, t);
    for (let k = 0; k < p.docs.length; k++) m[p.docs[k]!] = p.tfs[k]!;
    tfs.set(w, m);
    if (dfAt(s, t) < dfAt(s, rarest)) rarest = t;
  }
  const candidates = postingsOf(s, rarest).docs;
  // Many documents to read: every block in one call rather than one by one.
  if (candidates.length * 4 > s.storedOff.length) inflateAll(s);
  for (const doc of candidates) {
    let all = true;
    for (const m of tfs.values()) if (!m[doc]) all = false;
    if (!all || !hasPhrase(terms(docText(s, doc)), cl.terms)) continue;
    let score = 0;
    for (const w of cl.terms) score += termScore(stats, df.get(w)!, tfs.get(w)![doc]!, lengths[doc]!, 1);
    scores[doc] = score;
    docs.push(doc);
  }
  return { scores, docs };
}

/**
 * The reference: the same query by reading every event, with no index. What
 * the index must answer, hit for hit (test/search/property.test.ts).
 */
export function scan(events: readonly JournalEvent[], clauses: readonly Clause[], filters: SearchFilters, limit: number): Evaluated {
  const ordered = prepare(events);
  const hidden = new Set(ordered.filter((e) => e.type === 'redaction').map((e) => (e.data as { event: string }).event));
  const sessions = new Map<string, SessionEntry>();
  for (const e of ordered) {
    if (!e.session) continue;
    if (e.type === 'session.started' && !sessions.has(e.session)) sessions.set(e.session, { id: e.session, shortname: e.data.shortname, started: true, closed: false });
    if (e.type === 'session.closed' && sessions.has(e.session)) sessions.get(e.session)!.closed = true;
  }
  const docs = ordered
    .filter((e) => !hidden.has(e.id))
    .map((e) => ({ e, text: eventText(e) }))
    .filter((d) => d.text)
    .map((d) => ({ ...d, words: terms(d.text) }));
  const stats: CorpusStats = { n: docs.length, totalLength: docs.reduce((n, d) => n + d.words.length, 0) };
  const df = new Map<string, number>();
  for (const d of docs) for (const w of new Set(d.words)) df.set(w, (df.get(w) ?? 0) + 1);
  const known = [...sessions.values()];
  const ix = new Map(known.map((s, i) => [s.id, i + 1]));
  const test = matcher(filters, (i) => (i ? known[i - 1] : undefined));
  const hits: RawHit[] = [];
  for (const { e, text, words } of docs) {
    const tf = new Map<string, number>();
    for (const w of words) tf.set(w, Math.min(255, (tf.get(w) ?? 0) + 1));
    let score = 0;
    let all = true;
    for (const cl of clauses) {
      let part = 0;
      if (cl.kind === 'term') {
        const matched = [...tf.keys()].filter((w) => w.startsWith(cl.term)).sort();
        if (!matched.length) all = false;
        for (const w of matched) part += termScore(stats, df.get(w)!, tf.get(w)!, words.length, w === cl.term ? 1 : PREFIX_WEIGHT);
      } else if (hasPhrase(words, cl.terms)) {
        for (const w of cl.terms) part += termScore(stats, df.get(w)!, tf.get(w)!, words.length, 1);
      } else all = false;
      if (!all) break;
      score += part;
    }
    if (!all) continue;
    const at = Date.parse(e.at);
    if (!test({ type: e.type, session: e.session ? ix.get(e.session) ?? -1 : 0, actor: e.actor, at })) continue;
    hits.push({ id: e.id, type: e.type, session: e.session, actor: e.actor, at, score, text });
  }
  return top(hits, limit);
}

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
import { PREFIX_WEIGHT, compareHits, termScore, type CorpusStats } from './rank.js';
import { docId, docText, forPostings, lowerBound, termAt, vocabSize, type Segment } from './segment.js';
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

/** Evaluate over the index. */
export function evaluate(c: Corpus, clauses: readonly Clause[], filters: SearchFilters, limit: number): Evaluated {
  const stats: CorpusStats = { n: 0, totalLength: 0 };
  for (const s of c.segments) {
    stats.n += s.n;
    stats.totalLength += s.totalLength;
  }
  // Document frequencies over every segment, of each vocabulary word a clause touches.
  const df = new Map<string, number>();
  const ranges = c.segments.map((s) =>
    clauses.map((cl) => {
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
      for (const [t, w] of found) df.set(w, (df.get(w) ?? 0) + forPostings(s, t));
      return found;
    }),
  );
  const test = matcher(filters, (ix) => (ix ? c.sessions[ix - 1] : undefined));
  const hits: Array<RawHit & { seg: Segment; doc: number }> = [];
  c.segments.forEach((s, si) => {
    const perClause = clauses.map((cl, ci) => clauseScores(s, cl, ranges[si]![ci]!, df, stats));
    const bySize = [...perClause].sort((a, b) => a.size - b.size);
    for (const doc of bySize[0]!.keys()) {
      if (!bySize.every((m) => m.has(doc))) continue;
      const fields = { type: eventTypes[s.types[doc]!]!, session: s.sessions[doc]!, actor: c.actors[s.actors[doc]!]!, at: s.at[doc]! };
      if (!test(fields)) continue;
      let score = 0;
      for (const m of perClause) score += m.get(doc)!;
      const session = fields.session ? c.sessions[fields.session - 1]!.id : undefined;
      hits.push({ id: docId(s, doc), type: fields.type, session, actor: fields.actor, at: fields.at, score, text: '', seg: s, doc });
    }
  });
  return top(hits, limit, (h) => docText(h.seg, h.doc));
}

/** The best `limit` hits (one per event id), with their text. */
function top<H extends RawHit>(hits: H[], limit: number, textOf: (h: H) => string): Evaluated {
  hits.sort(compareHits);
  const seen = new Set<string>();
  const unique = hits.filter((h) => !seen.has(h.id) && (seen.add(h.id), true));
  return {
    total: unique.length,
    hits: unique.slice(0, limit).map((h) => ({ id: h.id, type: h.type, session: h.session, actor: h.actor, at: h.at, score: h.score, text: textOf(h) })),
  };
}

/** One clause's score per matching document of a segment. */
function clauseScores(s: Segment, cl: Clause, found: Array<[number, string]>, df: Map<string, number>, stats: CorpusStats): Map<number, number> {
  const out = new Map<number, number>();
  if (cl.kind === 'term') {
    for (const [t, w] of found) {
      const weight = w === cl.term ? 1 : PREFIX_WEIGHT;
      const d = df.get(w)!;
      forPostings(s, t, (doc, tf) => out.set(doc, (out.get(doc) ?? 0) + termScore(stats, d, tf, s.lengths[doc]!, weight)));
    }
  } else {
    const tfs = new Map<string, Map<number, number>>();
    for (const [t, w] of found) {
      const m = new Map<number, number>();
      forPostings(s, t, (doc, tf) => m.set(doc, tf));
      tfs.set(w, m);
    }
    if (tfs.size === new Set(cl.terms).size) {
      const first = [...tfs.values()].sort((a, b) => a.size - b.size)[0]!;
      for (const doc of first.keys()) {
        if (![...tfs.values()].every((m) => m.has(doc))) continue;
        if (!hasPhrase(terms(docText(s, doc)), cl.terms)) continue;
        let score = 0;
        for (const w of cl.terms) score += termScore(stats, df.get(w)!, tfs.get(w)!.get(doc)!, s.lengths[doc]!, 1);
        out.set(doc, score);
      }
    }
  }
  return out;
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
    for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
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
  return top(hits, limit, (h) => h.text);
}

/**
 * The search index in memory: segments plus the small tables their documents
 * point into (sessions, actors), and how events become documents. Pure: the
 * cache (./cache.ts) reads and writes it.
 */
import { eventTypes, type JournalEvent } from '../events.js';
import { orderEvents } from '../../projections/order.js';
import { buildSegment, docsOf, type Doc, type Segment } from './segment.js';
import { eventText } from './text.js';

export interface SessionEntry {
  id: string;
  shortname: string;
  /** Its session.started is in the journal (a session whose start we do not hold is no session yet). */
  started: boolean;
  closed: boolean;
  /** The session.started event, so that redacting it hides the short name. */
  startedBy?: string;
}

export interface ActorEntry {
  name: string;
  email: string;
  agent?: string;
}

/**
 * A segment as the corpus holds it: its size at hand, its content read on
 * first use (an update touches only the newest, small segments).
 */
export interface SegmentRef {
  n: number;
  /** Its file, once saved. */
  file?: string;
  /** The segment; throws a DamagedIndex when its file turned out to be damaged. */
  get(): Segment;
}

export class DamagedIndex extends Error {}

export const refOf = (s: Segment): SegmentRef => ({ n: s.n, get: () => s });

export interface Corpus {
  tips: Record<string, string>;
  segments: SegmentRef[];
  sessions: SessionEntry[];
  actors: ActorEntry[];
  /** Every event a redaction hides (its text is in no segment). */
  hidden: Set<string>;
}

export const emptyCorpus = (): Corpus => ({ tips: {}, segments: [], sessions: [], actors: [], hidden: new Set() });

const typeCode = new Map(eventTypes.map((t, i) => [t as string, i]));

/** Lookups from ids to table rows, built on first need (an update, not a query). */
class Tables {
  private readonly sessionIx: Map<string, number>;
  private readonly actorIx: Map<string, number>;
  constructor(private readonly c: Corpus) {
    this.sessionIx = new Map(c.sessions.map((s, i) => [s.id, i]));
    this.actorIx = new Map(c.actors.map((a, i) => [actorKey(a), i]));
  }
  session(id: string): number {
    let i = this.sessionIx.get(id);
    if (i === undefined) {
      i = this.c.sessions.push({ id, shortname: '', started: false, closed: false }) - 1;
      this.sessionIx.set(id, i);
    }
    return i;
  }
  actor(a: ActorEntry): number {
    const key = actorKey(a);
    let i = this.actorIx.get(key);
    if (i === undefined) {
      i = this.c.actors.push({ name: a.name, email: a.email, ...(a.agent ? { agent: a.agent } : {}) }) - 1;
      this.actorIx.set(key, i);
    }
    return i;
  }
}

const actorKey = (a: ActorEntry) => `${a.name}\u0000${a.email}\u0000${a.agent ?? ''}`;

/**
 * Fold `events` (new since `c.tips`, any order) into the corpus: session
 * and actor tables, hidden ids, and one new segment for their documents.
 * A redaction of an event already indexed rewrites the segment holding it,
 * so the hidden text leaves the index at once. Returns whether segments
 * other than the new one changed.
 */
export function addEvents(c: Corpus, events: readonly JournalEvent[], tips: Record<string, string>): { rewritten: boolean } {
  const tables = new Tables(c);
  const fresh = new Set<string>();
  for (const e of events) {
    if (e.type === 'redaction' && !c.hidden.has(e.data.event)) {
      c.hidden.add(e.data.event);
      fresh.add(e.data.event);
    }
  }
  let rewritten = false;
  if (fresh.size) {
    c.segments = c.segments
      .map((ref) => {
        const all = docsOf(ref.get());
        const keep = all.filter((d) => !fresh.has(d.id));
        if (keep.length === all.length) return ref;
        rewritten = true;
        return refOf(buildSegment(keep));
      })
      .filter((s) => s.n > 0);
    for (const s of c.sessions) if (s.startedBy && fresh.has(s.startedBy)) s.shortname = '[redacted]';
  }
  const docs: Doc[] = [];
  // A hidden event keeps its place in the views, and nothing of its text here.
  for (const e of orderEvents(events)) {
    const session = e.session ? tables.session(e.session) + 1 : 0;
    if (e.session && e.type === 'session.started') {
      const s = c.sessions[session - 1]!;
      if (!s.started) {
        s.started = true;
        s.shortname = c.hidden.has(e.id) ? '[redacted]' : e.data.shortname;
        s.startedBy = e.id;
      }
    }
    if (e.session && e.type === 'session.closed') c.sessions[session - 1]!.closed = true;
    if (c.hidden.has(e.id)) continue;
    const text = eventText(e);
    if (!text) continue;
    docs.push({ id: e.id, type: typeCode.get(e.type)!, session, actor: tables.actor(e.actor), at: Date.parse(e.at), text });
  }
  if (docs.length) c.segments.push(refOf(buildSegment(docs)));
  c.tips = tips;
  mergeSegments(c);
  return { rewritten };
}

/**
 * Keep few segments: merge the newest two while the newer is at least half
 * the older (a binary counter: log₂ segments, each document merged log₂
 * times), so an update costs what the new events cost, not the journal's size.
 */
export function mergeSegments(c: Corpus): void {
  const segs = c.segments;
  while (segs.length >= 2 && (segs.at(-1)!.n * 2 >= segs.at(-2)!.n || segs.length > 16)) {
    const b = segs.pop()!.get();
    const a = segs.pop()!.get();
    segs.push(refOf(buildSegment([...docsOf(a), ...docsOf(b)])));
  }
}

/** A corpus built from scratch from every event of the journal. */
export function corpusOf(events: readonly JournalEvent[], tips: Record<string, string>): Corpus {
  const c = emptyCorpus();
  addEvents(c, events, tips);
  return c;
}

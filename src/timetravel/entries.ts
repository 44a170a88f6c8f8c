/**
 * The ordered journal as entries known by their order key and the few fields
 * a cut looks at (id, clock, time, type, session), each event's full body
 * parsed only when a fold needs it. Read from the git store's event cache
 * lines, a cut of a 100k-event journal parses the events it folds, not all
 * of them. Pure apart from the reader it is given.
 */
import type { JournalEvent } from '../events.js';
import { applyRedactions, orderEvents } from '../../projections/order.js';

export interface Entry {
  id: string;
  clock: number;
  at: string;
  type: string;
  session?: string;
  /** `at` in epoch ms, where the entry knows `at` is in toISOString's form (so that numbers order as the text does). */
  readonly atMs?: number | undefined;
  /** An `item.linked` event's item key (undefined for other events). */
  readonly itemKey?: string | undefined;
  /** The whole event (parsed on first use). */
  event(): JournalEvent;
  /** Its actor, read without parsing the rest of the event where the entry can. */
  author?(): JournalEvent['actor'];
}

const keyOf = (e: JournalEvent) => (e.type === 'item.linked' ? e.data.key : undefined);

/** Entries of events already parsed and ordered (a snapshot's `events`). */
export function entriesOf(events: readonly JournalEvent[]): Entry[] {
  return events.map((e) => ({ id: e.id, clock: e.clock, at: e.at, type: e.type, ...(e.session ? { session: e.session } : {}), ...(e.type === 'item.linked' ? { itemKey: e.data.key } : {}), event: () => e }));
}

// The cache writes an event's keys in schema order: id, v, at, session?, actor{…}, clock, replica, type, data.
// Inside a JSON string every `"` is escaped, so `},"clock":` first occurs where the (flat) actor object ends.
const ID = '","e":{"id":"';
const AT = '","v":1,"at":"';
const SESSION = '","session":"';
const ACTOR = '","actor":{';
const CLOCK = '},"clock":';
const TYPE = ',"type":"';

/** An entry read from a cache line; the event is parsed from the line on first use. */
class LineEntry implements Entry {
  private body: JournalEvent | undefined;
  constructor(
    readonly id: string,
    readonly clock: number,
    readonly at: string,
    readonly type: string,
    readonly session: string | undefined,
    private readonly line: string,
    /** Where the actor object `{…}` is in the line. */
    private readonly actorAt: number,
    private readonly actorEnd: number,
  ) {}

  author(): JournalEvent['actor'] {
    return this.body ? this.body.actor : (JSON.parse(this.line.slice(this.actorAt, this.actorEnd)) as JournalEvent['actor']);
  }

  get itemKey(): string | undefined {
    return this.type === 'item.linked' ? keyOf(this.event()) : undefined;
  }

  event(): JournalEvent {
    return (this.body ??= (JSON.parse(this.line) as { e: JournalEvent }).e);
  }
}

function parsedEntry(line: string): Entry | undefined {
  const parsed = JSON.parse(line) as { e?: JournalEvent };
  return parsed.e ? entriesOf([parsed.e])[0] : undefined;
}

/** One cache line as an entry, reading the order key without parsing the event; undefined for an unreadable commit. */
export function entryOfLine(line: string): Entry | undefined {
  // {"c":"<commit id>","e":{"id":"<26>","v":1,"at":"<time>"[,"session":"<id>"],"actor":{…},"clock":N,"replica":"…","type":"…","data":…}}
  const idAt = line.startsWith('{"c":"') ? line.indexOf(ID, 6) : -1;
  if (idAt < 0 || line.charCodeAt(idAt + ID.length + 26) !== 34) return parsedEntry(line);
  const id = line.slice(idAt + ID.length, idAt + ID.length + 26);
  let i = idAt + ID.length + 26;
  if (!line.startsWith(AT, i)) return parsedEntry(line);
  i += AT.length;
  const atEnd = line.indexOf('"', i);
  const at = line.slice(i, atEnd);
  i = atEnd;
  let session: string | undefined;
  if (line.startsWith(SESSION, i)) {
    const end = line.indexOf('"', i + SESSION.length);
    session = line.slice(i + SESSION.length, end);
    i = end;
  }
  if (!line.startsWith(ACTOR, i)) return parsedEntry(line);
  const clockAt = line.indexOf(CLOCK, i + ACTOR.length);
  if (clockAt < 0) return parsedEntry(line);
  const comma = line.indexOf(',', clockAt + CLOCK.length);
  const clock = Number(line.slice(clockAt + CLOCK.length, comma));
  const typeAt = line.indexOf(TYPE, comma);
  if (!Number.isInteger(clock) || typeAt < 0) return parsedEntry(line);
  const type = line.slice(typeAt + TYPE.length, line.indexOf('"', typeAt + TYPE.length));
  return new LineEntry(id, clock, at, type, session, line, i + ACTOR.length - 1, clockAt + 1);
}

/**
 * The journal's cache lines as ordered entries: the order and deduplication
 * of `prepare` (projections/order.ts). A journal holding a redaction is
 * parsed whole and redacted, as every view sees it.
 */
export function entriesOfLines(lines: readonly string[]): Entry[] {
  const entries: Entry[] = [];
  for (const line of lines) {
    if (!line) continue;
    const e = entryOfLine(line);
    if (e) entries.push(e);
  }
  return orderEntries(entries);
}

/**
 * Entries of every replica, unordered, in the order and deduplication of
 * `prepare` (projections/order.ts); redacted as every view sees it when the
 * journal holds a redaction (then every body is parsed). Sorts in place.
 */
export function orderEntries(entries: Entry[]): Entry[] {
  const before = (a: Entry, b: Entry) => a.clock - b.clock || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  // One replica's lines are already in order: sort only when they are not.
  let sorted = true;
  for (let i = 1; i < entries.length && sorted; i++) sorted = before(entries[i - 1]!, entries[i]!) <= 0;
  if (!sorted) entries.sort(before);
  // The same event through two refs has the same order key, so duplicates sit next to each other (same clock first).
  const unique = entries.filter((e, i) => i === 0 || entries[i - 1]!.clock !== e.clock || entries[i - 1]!.id !== e.id);
  if (!unique.some((e) => e.type === 'redaction')) return unique;
  return entriesOf(applyRedactions(orderEvents(unique.map((e) => e.event()))));
}

/**
 * previousSessionEnd read backwards: merge each ref's cache lines (newest
 * first, see CachingStore.rawLinesBackward) in the journal's order, newest
 * first, back to the last event `me` wrote in a session other than
 * `current`. Returns that event's time and the events after it, in order
 * and redacted (a redaction names an event it has seen, so it sorts after
 * it: the redactions of these events are among them); `at` is absent when
 * `me` never wrote such an event. Undefined when a ref's lines are not in
 * order (the caller reads the whole journal instead). With `mark`, back to
 * that event instead (wherever `me` wrote it).
 */
export function tailSince(sources: Array<Iterable<string>>, me: { email: string; agent?: string }, current: string, mark?: { id: string }): { at?: string; events: JournalEvent[] } | undefined {
  const before = (a: Entry, b: Entry) => a.clock - b.clock || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const heads = sources.map((source) => {
    const it = source[Symbol.iterator]();
    const head = { it, entry: undefined as Entry | undefined, disordered: false };
    return head;
  });
  const advance = (h: (typeof heads)[number]) => {
    const prev = h.entry;
    h.entry = undefined;
    for (let r = h.it.next(); !r.done; r = h.it.next()) {
      const e = r.value ? entryOfLine(r.value) : undefined;
      if (!e) continue;
      if (prev && before(e, prev) > 0) h.disordered = true;
      h.entry = e;
      return;
    }
  };
  for (const h of heads) advance(h);
  const newestFirst: Entry[] = [];
  let at: string | undefined;
  for (;;) {
    if (heads.some((h) => h.disordered)) return undefined;
    let top: (typeof heads)[number] | undefined;
    for (const h of heads) if (h.entry && (!top || before(h.entry, top.entry!) > 0)) top = h;
    if (!top) break;
    const e = top.entry!;
    advance(top);
    if (newestFirst.length && newestFirst[newestFirst.length - 1]!.id === e.id) continue; // the same event through two refs
    if (mark) {
      if (e.id === mark.id) {
        at = e.event().at;
        break;
      }
    } else if (e.session && e.session !== current) {
      // Only the actor is read here: a journal whose newest events are all by others is walked without parsing them.
      const actor = e.author ? e.author() : e.event().actor;
      if (actor.email === me.email && (actor.agent ?? '') === (me.agent ?? '')) {
        at = e.event().at;
        break;
      }
    }
    newestFirst.push(e);
  }
  const events = newestFirst.reverse().map((e) => e.event());
  return { ...(at !== undefined ? { at } : {}), events: events.some((e) => e.type === 'redaction') ? applyRedactions(events) : events };
}
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
  /** The whole event (parsed on first use). */
  event(): JournalEvent;
}

/** Entries of events already parsed and ordered (a snapshot's `events`). */
export function entriesOf(events: readonly JournalEvent[]): Entry[] {
  return events.map((e) => ({ id: e.id, clock: e.clock, at: e.at, type: e.type, ...(e.session ? { session: e.session } : {}), event: () => e }));
}

// The cache writes an event's keys in schema order: id, v, at, session?, actor{…}, clock, replica, type, data.
const HEAD = /^\{"c":"[0-9a-f]{40,64}","e":\{"id":"([0-9A-Z]{26})","v":\d+,"at":"([^"\\]+)",(?:"session":"([^"\\]+)",)?"actor":\{/;
const TAIL = /\},"clock":(\d+),"replica":"[^"\\]*","type":"([a-z.]+)","data":/y;

function parsedEntry(line: string): Entry | undefined {
  const parsed = JSON.parse(line) as { e?: JournalEvent };
  return parsed.e ? entriesOf([parsed.e])[0] : undefined;
}

/** One cache line as an entry, reading the order key without parsing the event; undefined for an unreadable commit. */
export function entryOfLine(line: string): Entry | undefined {
  const head = HEAD.exec(line);
  if (!head) return parsedEntry(line);
  // Skip the actor object (flat, its strings escaped): the first `}` outside a string closes it.
  let i = head[0].length;
  let inString = false;
  for (; i < line.length; i++) {
    const ch = line.charCodeAt(i);
    if (inString) {
      if (ch === 92) i++;
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 125) break;
  }
  TAIL.lastIndex = i;
  const tail = TAIL.exec(line);
  if (!tail) return parsedEntry(line);
  let event: JournalEvent | undefined;
  return {
    id: head[1]!,
    clock: Number(tail[1]),
    at: head[2]!,
    type: tail[2]!,
    ...(head[3] ? { session: head[3] } : {}),
    event: () => (event ??= (JSON.parse(line) as { e: JournalEvent }).e),
  };
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
  entries.sort((a, b) => a.clock - b.clock || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const seen = new Set<string>();
  const unique = entries.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
  if (!unique.some((e) => e.type === 'redaction')) return unique;
  return entriesOf(applyRedactions(orderEvents(unique.map((e) => e.event()))));
}

/**
 * The total order every replica agrees on, and redaction applied before any
 * view sees the events. Pure: no I/O.
 */
import { compareEvents, type JournalEvent } from '../src/events.js';

export const REDACTED = '[redacted]';

/** Sort by (clock, id) and drop duplicates (the same event reached through two refs). */
export function orderEvents(events: readonly JournalEvent[]): JournalEvent[] {
  // Already in strict order (one replica read oldest first, or a list prepared before): no duplicate can hide in it.
  let sorted = true;
  for (let i = 1; i < events.length && sorted; i++) sorted = compareEvents(events[i - 1]!, events[i]!) < 0;
  if (sorted) return events.slice();
  const seen = new Set<string>();
  const out: JournalEvent[] = [];
  for (const e of sortedCopy(events)) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
  }
  return out;
}

/** Sorted runs merged, not sorted again, when there are few of them. */
const MAX_RUNS = 16;

/**
 * `[...events].sort(compareEvents)`: where the list is a few sorted runs (each
 * replica's events, read oldest first, one after the other), a merge of them,
 * which gives the same order (ties go to the earlier run, as a stable sort
 * keeps them); otherwise a sort.
 */
function sortedCopy(events: readonly JournalEvent[]): JournalEvent[] {
  const starts: number[] = [0];
  for (let i = 1; i < events.length; i++) {
    if (compareEvents(events[i - 1]!, events[i]!) < 0) continue;
    starts.push(i);
    if (starts.length > MAX_RUNS) return [...events].sort(compareEvents);
  }
  const ends = [...starts.slice(1), events.length];
  const at = starts.slice();
  const out = new Array<JournalEvent>(events.length);
  for (let n = 0; n < events.length; n++) {
    let best = -1;
    for (let r = 0; r < at.length; r++) {
      if (at[r]! < ends[r]! && (best < 0 || compareEvents(events[at[r]!]!, events[at[best]!]!) < 0)) best = r;
    }
    out[n] = events[at[best]!++]!;
  }
  return out;
}

function hideText(value: unknown): unknown {
  if (typeof value === 'string') return REDACTED;
  if (Array.isArray(value)) return value.map(hideText);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hideText(v)]));
  return value;
}

const KEEP = new Set(['status', 'outcome', 'trigger', 'action', 'source', 'sub', 'blocker', 'supersedes', 'key', 'keys', 'from', 'to', 'parentSession', 'agentId', 'success', 'durationMs', 'messages', 'event', 'commit', 'patchId', 'replaces', 'why']);

/** Events named by a `redaction` event keep their place but lose their free text. */
export function applyRedactions(events: readonly JournalEvent[]): JournalEvent[] {
  const hidden = new Set(events.filter((e) => e.type === 'redaction').map((e) => (e.data as { event: string }).event));
  if (hidden.size === 0) return events as JournalEvent[];
  return events.map((e) => {
    // A resolution repeats its blocker's text (`log --resolve` copies it): hiding the blocker hides that copy too.
    if (e.type === 'blocker.resolved' && e.data.text !== undefined && hidden.has(e.data.blocker) && !hidden.has(e.id)) return { ...e, data: { ...e.data, text: REDACTED } };
    if (!hidden.has(e.id)) return e;
    const data = Object.fromEntries(Object.entries(e.data).map(([k, v]) => [k, KEEP.has(k) ? v : hideText(v)]));
    return { ...e, data } as JournalEvent;
  });
}

/** The ordered, redacted event list every projection starts from. */
export function prepare(events: readonly JournalEvent[]): JournalEvent[] {
  return applyRedactions(orderEvents(events));
}

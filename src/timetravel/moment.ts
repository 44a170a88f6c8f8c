/**
 * Time travel: turn a WHEN (`--at WHEN`, `since WHEN`) into a cut point of
 * the ordered events. Every view "as of" a moment is the ordinary fold of the
 * events before the cut, so time travel never reaches inside a projection.
 * Pure: the clock is passed in, so a relative WHEN gives the same cut on
 * every clone for the same events and the same `now`.
 */
import { LogbookError } from '../errors.js';
import { stableId } from '../events.js';

/** What a cut looks at in each event: a journal event, or an entry whose body is not parsed yet. */
export interface Cuttable {
  id: string;
  at: string;
  type: string;
  session?: string | undefined;
  /** `at` in epoch ms, when it is known to be in toISOString's form (an order index entry). */
  atMs?: number | undefined;
  /** The event's data: a journal event's own, or an entry's body, parsed when asked for. */
  data?: unknown;
  event?(): { data?: unknown };
}

/** A `session.compacted` that brings the summary of one counted before (`of`) is not a compaction of its own. */
function countsAsCompaction(e: Cuttable): boolean {
  const data = typeof e.event === 'function' ? e.event().data : e.data;
  return !(data !== null && typeof data === 'object' && (data as { of?: unknown }).of !== undefined);
}

/** A moment of the journal: the events `[0, cut)` of the ordered list are what was known then. */
export interface Moment {
  /** WHEN as given (or `previous` for the default of `since`). */
  when: string;
  kind: 'time' | 'relative' | 'event' | 'checkpoint' | 'compaction' | 'previous' | 'start';
  /** Events kept: the first `cut` of the ordered list. */
  cut: number;
  /** Events the journal holds now. */
  total: number;
  /** The time the moment stands for: the time asked for, or the time of the event it ends with. */
  at: string | undefined;
  /** The last event inside the cut. */
  lastEvent: string | undefined;
  /** The session a `checkpoint:N` / `compaction:N` / previous-session moment belongs to. */
  session?: string;
  /** One line for the top of a view: which moment it shows. */
  label: string;
}

export const WHEN_FORMS =
  'an ISO date or time (2026-01-02, 2026-01-02T15:04Z), today or yesterday (from 00:00 UTC), a relative time (90s, 30m, 2h, 3d, 1w, or 2 hours ago: that long ago), an event id or a unique prefix of one, checkpoint:N or compaction:N (the Nth of the session, 1 = first, -1 = last)';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function badWhen(when: string, why: string): LogbookError {
  return new LogbookError('INVALID_INPUT', `cannot read the moment "${when}": ${why}`, { hint: `WHEN is ${WHEN_FORMS}` });
}

/** The index after the longest prefix whose events all happened at or before `iso`. */
function cutAtTime(events: readonly Cuttable[], iso: string): number {
  // A prefix, not a filter: an event that arrived later (an import of old history, a replica whose clock lagged) was not known yet.
  // `iso` is toISOString's form, so against an entry that knows its time in ms in that form too, numbers compare as the texts do.
  const ms = iso.length === 24 && new Date(Date.parse(iso)).toISOString() === iso ? Date.parse(iso) : undefined;
  let i = 0;
  for (; i < events.length; i++) {
    const e = events[i]!;
    const known = ms === undefined ? undefined : e.atMs;
    if (known !== undefined ? known > ms! : e.at > iso) break;
  }
  return i;
}

function isoOf(text: string): string | undefined {
  // Dates without a zone are UTC, as the journal writes them.
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(\.\d{1,3})?)?)?(Z|[+-]\d\d:?\d\d)?$/i.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const z = zone ? (zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`) : 'Z';
  const ms = Date.parse(`${y}-${mo}-${d}T${h ?? '00'}:${mi ?? '00'}:${s ?? '00'}${frac ?? ''}${z}`);
  // Date.parse rolls 2026-02-31 over to March: a date that is not one is refused.
  if (Number.isNaN(ms) || (!zone && new Date(ms).getUTCDate() !== Number(d))) return undefined;
  return new Date(ms).toISOString();
}

/**
 * The cut point of `events` (ordered, as every view folds them) for `when`.
 * `session` is asked for only when the form needs one (`checkpoint:N`).
 *
 * @example cutFor(snap.events, '2h', { now: new Date(), session: () => s.id }).cut
 */
export function cutFor(events: readonly Cuttable[], when: string, context: { now: Date; session?: () => string }): Moment {
  const text = when.trim();
  const total = events.length;
  const moment = (kind: Moment['kind'], cut: number, at: string | undefined, label: string, session?: string): Moment => ({
    when: text,
    kind,
    cut,
    total,
    at,
    lastEvent: cut > 0 ? events[cut - 1]!.id : undefined,
    ...(session ? { session } : {}),
    label,
  });
  if (!text) throw badWhen(when, 'it is empty');
  // No leading zero: an event id starts with one (its time part), and `0000…9h` is an id, not nine hours.
  // `2h`, and as people also type it, `2h ago` or `2 hours ago`.
  const rel = /^((?:0|[1-9]\d{0,8})(?:\.\d+)?)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)(\s+ago)?$/i.exec(text);
  if (rel) {
    const at = new Date(context.now.getTime() - Number(rel[1]) * UNITS[rel[2]![0]!.toLowerCase()]!).toISOString();
    return moment('relative', cutAtTime(events, at), at, `${rel[3] ? text.slice(0, -rel[3].length) : text} ago, ${at}`);
  }
  const mark = /^(checkpoint|compaction):(-?\d+)$/i.exec(text);
  if (mark) {
    const kind = mark[1]!.toLowerCase() as 'checkpoint' | 'compaction';
    const n = Number(mark[2]);
    if (n === 0) throw badWhen(when, `${kind}s are counted from 1 (or from the end, -1 = the last)`);
    if (!context.session) throw badWhen(when, `${kind}:N names a moment of a session, and this command has none`);
    const session = context.session();
    const type = kind === 'checkpoint' ? 'session.checkpointed' : 'session.compacted';
    const marks: number[] = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.type === type && e.session === session && (kind === 'checkpoint' || countsAsCompaction(e))) marks.push(i);
    }
    const index = n > 0 ? marks[n - 1] : marks[marks.length + n];
    if (index === undefined) {
      throw new LogbookError('INVALID_INPUT', `session ${stableId(session)} has ${marks.length} ${kind}${marks.length === 1 ? '' : 's'}, so there is no ${kind}:${n}`, {
        hint: marks.length ? `pass ${kind}:1 … ${kind}:${marks.length}` : `WHEN is ${WHEN_FORMS}`,
      });
    }
    const e = events[index]!;
    const ordinal = n > 0 ? n : marks.length + n + 1;
    return moment(kind, index + 1, e.at, `${kind} ${ordinal} of ${stableId(session)}, ${e.at} (event ${e.id})`, session);
  }
  const iso = isoOf(text);
  if (iso) return moment('time', cutAtTime(events, iso), iso, iso);
  // The words `logbook search --since` takes too: the start of this day or the one before (UTC, as the journal writes).
  const day = /^(today|yesterday)$/i.exec(text);
  if (day) {
    const start = new Date(Date.UTC(context.now.getUTCFullYear(), context.now.getUTCMonth(), context.now.getUTCDate()));
    if (day[1]!.toLowerCase() === 'yesterday') start.setUTCDate(start.getUTCDate() - 1);
    const at = start.toISOString();
    return moment('time', cutAtTime(events, at), at, `${day[1]!.toLowerCase()}, ${at}`);
  }
  if (/^[0-9A-HJKMNP-TV-Z]{4,26}$/i.test(text)) {
    const ref = text.toUpperCase();
    const hits: number[] = [];
    for (let i = 0; i < events.length; i++) if (events[i]!.id.startsWith(ref)) hits.push(i);
    if (hits.length === 1) {
      const e = events[hits[0]!]!;
      return moment('event', hits[0]! + 1, e.at, `event ${e.id} (${e.type}), ${e.at}`);
    }
    if (hits.length > 1) {
      throw new LogbookError('AMBIGUOUS_REFERENCE', `"${text}" is the start of ${hits.length} event ids: ${hits.slice(0, 5).map((i) => events[i]!.id).join(', ')}${hits.length > 5 ? ', …' : ''}`, {
        hint: 'give more characters of the event id (`logbook view --json` shows them)',
      });
    }
    if (text.length >= 10) throw badWhen(when, 'no event has this id');
  }
  throw badWhen(when, 'it is none of the accepted forms');
}

/** The moment at the end of everything: what a view without `--at` shows. */
export function latestMoment(events: readonly Cuttable[]): Moment {
  const last = events.at(-1);
  return { when: 'now', kind: 'time', cut: events.length, total: events.length, at: last?.at, lastEvent: last?.id, label: 'now' };
}

/** The line at the top of a view as of a moment. */
export function momentBanner(m: Moment): string {
  return `> As of ${m.label}: the first ${m.cut} event${m.cut === 1 ? '' : 's'} of the journal; later events are not shown.\n\n`;
}

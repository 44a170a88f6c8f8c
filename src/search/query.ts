/**
 * The query language and the filters of `logbook search`, parsed once at the
 * edge into values the index and the reference scan both take. Pure.
 *
 *   lock order          both words, each also as a prefix (`sweep` finds `sweeper`)
 *   "lock order"        the words next to each other, exactly
 *   task:42  s_pjcc     a word with punctuation inside is a phrase of its parts
 */
import { LogbookError } from '../errors.js';
import { eventTypes, type EventType } from '../events.js';
import { terms } from './text.js';

/** One part of a query: every clause must match. */
export type Clause = { kind: 'term'; term: string } | { kind: 'phrase'; terms: string[] };

export function parseQuery(query: string): Clause[] {
  const clauses: Clause[] = [];
  const re = /"([^"]*)"?|[^\s"]+/g;
  for (const m of query.matchAll(re)) {
    const quoted = m[1] !== undefined;
    const words = terms(quoted ? m[1]! : m[0]);
    if (!words.length) continue;
    if (!quoted && words.length === 1) clauses.push({ kind: 'term', term: words[0]! });
    else clauses.push({ kind: 'phrase', terms: words });
  }
  if (!clauses.length) {
    throw new LogbookError('INVALID_INPUT', `the query ${JSON.stringify(query)} has no word to search for`, {
      hint: 'search for words (letters or digits), e.g. logbook search "lock order"',
    });
  }
  return clauses;
}

export interface SearchFilters {
  /** Only these event types. */
  types?: EventType[];
  /** Only events of these sessions (full ids). */
  sessions?: string[];
  /** Person: name or email, case-insensitive. */
  actor?: string;
  /** Agent (`claude-code`, a subagent type), case-insensitive. */
  agent?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  /** The session's status now: open (active, paused) or closed (completed, abandoned). */
  status?: 'open' | 'closed';
}

export function parseTypes(values: string[] | undefined): EventType[] | undefined {
  if (!values?.length) return undefined;
  const all = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  for (const t of all) {
    if (!(eventTypes as string[]).includes(t)) {
      throw new LogbookError('INVALID_INPUT', `unknown event type "${t}"`, { hint: `use one of: ${eventTypes.join(', ')}` });
    }
  }
  return all as EventType[];
}

export function parseStatus(value: string | undefined): 'open' | 'closed' | undefined {
  if (value === undefined) return undefined;
  if (value === 'open' || value === 'closed') return value;
  throw new LogbookError('INVALID_INPUT', `--status must be open or closed, got "${value}"`, { hint: 'open: active or paused sessions; closed: completed or abandoned' });
}

const UNIT: Record<string, number> = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const DAY = 86_400_000;

/**
 * A date bound: `7d`, `2w`, `12h`, `30m` (that long ago), `today`,
 * `yesterday`, an ISO date (`2026-01-02`, the whole day: `--until` takes in
 * that day) or an ISO date-time (UTC unless it says otherwise). Epoch ms.
 */
export function parseDate(value: string, now: Date, edge: 'since' | 'until'): number {
  const v = value.trim().toLowerCase();
  const rel = /^(\d+(?:\.\d+)?)\s*(min|m|h|d|w)$/.exec(v);
  if (rel) return now.getTime() - Number(rel[1]) * UNIT[rel[2]!]!;
  const startOfToday = Math.floor(now.getTime() / DAY) * DAY;
  if (v === 'today') return edge === 'since' ? startOfToday : startOfToday + DAY;
  if (v === 'yesterday') return edge === 'since' ? startOfToday - DAY : startOfToday;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const day = Date.parse(`${v}T00:00:00Z`);
    if (!Number.isNaN(day)) return edge === 'since' ? day : day + DAY;
  }
  if (/^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}/.test(v)) {
    const iso = v.replace(' ', 't').toUpperCase();
    const t = Date.parse(/(z|[+-]\d{2}:?\d{2})$/i.test(iso) ? iso : `${iso}Z`);
    if (!Number.isNaN(t)) return t;
  }
  throw new LogbookError('INVALID_INPUT', `--${edge} must be a date, got "${value}"`, {
    hint: 'use an ISO date (2026-01-02), a date-time (2026-01-02T10:00), today, yesterday, or an age: 30m, 12h, 7d, 2w',
  });
}

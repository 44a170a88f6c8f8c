/**
 * Session statistics: how many sessions are active, paused, completed,
 * abandoned and stale, the average duration of closed sessions and the
 * completion rate. A fold `{ initial, evolve }` plus a pure `renderStats`
 * that takes the reference time as an argument (the CLI passes the clock;
 * `rebuild` passes the latest event time so every replica writes the same
 * bytes). Pure: no I/O.
 */
import type { JournalEvent } from '../src/events.js';
import type { SessionStatus } from './sessions.js';

interface SessionFacts {
  status: SessionStatus;
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  group?: string;
}

export interface StatsState {
  sessions: Map<string, SessionFacts>;
  /** The latest `at` of any event: the reference time of a replica-independent view. */
  latestAt: string | null;
  events: number;
}

export const statsProjection = {
  initial: (): StatsState => ({ sessions: new Map(), latestAt: null, events: 0 }),

  /** Apply one event (mutates and returns `state`: a fold step). */
  evolve(state: StatsState, e: JournalEvent): StatsState {
    state.events++;
    if (state.latestAt === null || e.at > state.latestAt) state.latestAt = e.at;
    if (e.type === 'session.started') {
      if (e.session && !state.sessions.has(e.session)) {
        state.sessions.set(e.session, { status: 'active', createdAt: e.at, updatedAt: e.at, ...(e.data.group ? { group: e.data.group } : {}) });
      }
      return state;
    }
    const s = e.session ? state.sessions.get(e.session) : undefined;
    if (!s) return state;
    if (e.at > s.updatedAt) s.updatedAt = e.at;
    switch (e.type) {
      case 'session.paused':
        if (s.status === 'active') s.status = 'paused';
        break;
      case 'session.resumed':
        if (s.status === 'paused') s.status = 'active';
        break;
      case 'session.closed':
        s.status = e.data.outcome;
        s.closedAt = e.at;
        break;
      case 'session.checkpointed':
      case 'session.compacted':
      case 'subsession.started':
      case 'subsession.ended':
      case 'progress':
      case 'decision':
      case 'discovery':
      case 'blocker':
      case 'blocker.resolved':
      case 'next':
      case 'context':
      case 'item.linked':
      case 'items.migrated':
      case 'agent.started':
      case 'agent.finished':
      case 'tool.used':
      case 'transcript.linked':
      case 'message.sent':
      case 'message.read':
      case 'state.set':
      case 'redaction':
        break;
      default: {
        const never: never = e;
        return never;
      }
    }
    return state;
  },
};

export function projectStats(events: readonly JournalEvent[]): StatsState {
  const state = statsProjection.initial();
  for (const e of events) statsProjection.evolve(state, e);
  return state;
}

export interface Stats {
  total: number;
  active: number;
  paused: number;
  completed: number;
  abandoned: number;
  /** Open (active or paused) sessions with no event for longer than `stale_after_ms` before `as_of`. */
  stale: number;
  stale_after_ms: number;
  /** The reference time for staleness. */
  as_of: string | null;
  /** Mean of closed-at minus created-at over completed and abandoned sessions; null when none is closed. */
  average_duration_ms: number | null;
  average_duration: string | null;
  /** completed / (completed + abandoned), rounded to 4 decimals; null when none is closed. */
  completion_rate: number | null;
  events: number;
  groups: Record<string, { total: number; active: number; paused: number; completed: number; abandoned: number }>;
}

/** `3d 4h`, `2h 13m`, `45m`, `12s`: the two largest units. */
export function formatDuration(ms: number): string {
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms));
  let first = -1;
  for (const [i, [name, size]] of units.entries()) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (first < 0 && n > 0) first = i;
    if (n > 0 && first >= 0 && i <= first + 1) parts.push(`${n}${name}`);
  }
  return parts.length ? parts.join(' ') : '0s';
}

/**
 * The statistics as of `asOf` (default: the latest event time, which keeps
 * the view identical on every replica). `staleAfterMs` defaults to 24 h.
 */
export function renderStats(state: StatsState, options: { asOf?: Date; staleAfterMs?: number } = {}): Stats {
  const staleAfterMs = options.staleAfterMs ?? 24 * 60 * 60 * 1000;
  const asOf = options.asOf ? options.asOf.toISOString() : state.latestAt;
  const asOfMs = asOf ? Date.parse(asOf) : 0;
  const counts = { active: 0, paused: 0, completed: 0, abandoned: 0 };
  const groups: Stats['groups'] = {};
  let stale = 0;
  let closedCount = 0;
  let closedMs = 0;
  for (const s of state.sessions.values()) {
    counts[s.status]++;
    if ((s.status === 'active' || s.status === 'paused') && asOf && asOfMs - Date.parse(s.updatedAt) > staleAfterMs) stale++;
    if (s.closedAt) {
      closedCount++;
      closedMs += Math.max(0, Date.parse(s.closedAt) - Date.parse(s.createdAt));
    }
    if (s.group) {
      const g = (groups[s.group] ??= { total: 0, active: 0, paused: 0, completed: 0, abandoned: 0 });
      g.total++;
      g[s.status]++;
    }
  }
  const average = closedCount ? Math.round(closedMs / closedCount) : null;
  const decided = counts.completed + counts.abandoned;
  return {
    total: state.sessions.size,
    ...counts,
    stale,
    stale_after_ms: staleAfterMs,
    as_of: asOf,
    average_duration_ms: average,
    average_duration: average === null ? null : formatDuration(average),
    completion_rate: decided ? Math.round((counts.completed / decided) * 10_000) / 10_000 : null,
    events: state.events,
    groups: Object.fromEntries(Object.entries(groups).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

export function renderStatsJson(stats: Stats): string {
  return `${JSON.stringify(stats, null, 2)}\n`;
}

/** The statistics as a short text table, for `logbook stats`. */
export function renderStatsText(stats: Stats): string {
  const rate = stats.completion_rate === null ? 'n/a' : `${Math.round(stats.completion_rate * 1000) / 10}%`;
  const lines = [
    `Sessions: ${stats.total} (${stats.active} active, ${stats.paused} paused, ${stats.completed} completed, ${stats.abandoned} abandoned)`,
    `Stale: ${stats.stale} open session(s) with no event for more than ${formatDuration(stats.stale_after_ms)}`,
    `Average duration of closed sessions: ${stats.average_duration ?? 'n/a'}`,
    `Completion rate: ${rate}`,
    `Events: ${stats.events}`,
  ];
  const groups = Object.entries(stats.groups);
  if (groups.length) {
    lines.push('Groups:', ...groups.map(([name, g]) => `  ${name}: ${g.total} (${g.active} active, ${g.paused} paused, ${g.completed} completed, ${g.abandoned} abandoned)`));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Session statistics: how many sessions are active, paused, completed,
 * abandoned and stale, the average duration of closed sessions and the
 * completion rate — derived from the session model (projections/sessions.ts),
 * which already knows each session's status and times. The reference time
 * for staleness is an argument (the CLI passes the clock; `rebuild` leaves
 * the default, the latest activity, so every replica writes the same bytes).
 * Pure: no I/O.
 */
import { closedAtOf, sessionHeaders, type SessionsState } from './sessions.js';

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
 * The statistics as of `asOf` (default: the latest activity of any session,
 * which keeps the view identical on every replica). `staleAfterMs` defaults to 24 h.
 */
export function renderStats(model: SessionsState, options: { asOf?: Date; staleAfterMs?: number } = {}): Stats {
  const staleAfterMs = options.staleAfterMs ?? 24 * 60 * 60 * 1000;
  // Headers only: a cache keeps closed sessions' logs aside, and the statistics need none of them.
  const all = sessionHeaders(model);
  let latestAt: string | null = null;
  for (const s of all) if (latestAt === null || s.updatedAt > latestAt) latestAt = s.updatedAt;
  // Every event of the journal (messages, project state and all), as `rebuild` counts them.
  const events = model.eventCount;
  const asOf = options.asOf ? options.asOf.toISOString() : latestAt;
  const asOfMs = asOf ? Date.parse(asOf) : 0;
  const counts = { active: 0, paused: 0, completed: 0, abandoned: 0 };
  const groups: Stats['groups'] = {};
  let stale = 0;
  let closedCount = 0;
  let closedMs = 0;
  for (const s of all) {
    counts[s.status]++;
    if ((s.status === 'active' || s.status === 'paused') && asOf && asOfMs - Date.parse(s.updatedAt) > staleAfterMs) stale++;
    const closedAt = closedAtOf(s);
    if (closedAt !== undefined) {
      closedCount++;
      closedMs += Math.max(0, Date.parse(closedAt) - Date.parse(s.createdAt));
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
    total: all.length,
    ...counts,
    stale,
    stale_after_ms: staleAfterMs,
    as_of: asOf,
    average_duration_ms: average,
    average_duration: average === null ? null : formatDuration(average),
    completion_rate: decided ? Math.round((counts.completed / decided) * 10_000) / 10_000 : null,
    events,
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

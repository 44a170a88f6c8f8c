import { describe, expect, it } from 'vitest';
import { projectSessions } from '../../projections/sessions.js';
import { formatDuration, renderStats, renderStatsText } from '../../projections/stats.js';
import { Story } from '../helpers/story.js';

const A = '20260102_1000_aaaa';
const B = '20260102_1100_bbbb';
const C = '20260102_1200_cccc';
const D = '20260102_1300_dddd';

function story() {
  const s = new Story('2026-01-02T10:00:00.000Z');
  s.start(A, 'a', { group: 'api' });
  s.add('session.closed', A, { outcome: 'completed', learnings: [], tasksCompleted: [] }, { minutes: 60 });
  s.start(B, 'b', { group: 'api' });
  s.add('session.closed', B, { outcome: 'abandoned', reason: 'dup', learnings: [], tasksCompleted: [] }, { minutes: 120 });
  s.start(C, 'c');
  s.add('session.paused', C, {});
  s.start(D, 'd', {}, { minutes: 60 * 30 }); // 30 h later: C has been idle for 30 h
  return s;
}

describe('stats', () => {
  it('counts by status, stale relative to the reference time, average duration and completion rate', () => {
    const stats = renderStats(projectSessions(story().events));
    expect(stats).toMatchObject({
      total: 4,
      active: 1,
      paused: 1,
      completed: 1,
      abandoned: 1,
      stale: 1,
      average_duration_ms: 90 * 60_000,
      average_duration: '1h 30m',
      completion_rate: 0.5,
      events: 7,
      groups: { api: { total: 2, active: 0, paused: 0, completed: 1, abandoned: 1 } },
    });
    expect(stats.as_of).toBe(story().events.at(-1)!.at);
  });

  it('takes the reference time and the timeout as arguments', () => {
    const state = projectSessions(story().events);
    expect(renderStats(state, { staleAfterMs: 31 * 3_600_000 }).stale).toBe(0);
    expect(renderStats(state, { asOf: new Date('2026-02-01T00:00:00Z') }).stale).toBe(2);
  });

  it('with no closed session, average and rate are null', () => {
    const s = new Story();
    s.start(A, 'a');
    const stats = renderStats(projectSessions(s.events));
    expect([stats.average_duration_ms, stats.completion_rate, stats.stale]).toEqual([null, null, 0]);
    expect(renderStatsText(stats)).toMatchInlineSnapshot(`
      "Sessions: 1 (1 active, 0 paused, 0 completed, 0 abandoned)
      Stale: 0 open session(s) with no event for more than 1d
      Average duration of closed sessions: n/a
      Completion rate: n/a
      Events: 1
      "
    `);
  });

  it('formats durations with the two largest units', () => {
    expect([formatDuration(0), formatDuration(12_000), formatDuration(45 * 60_000), formatDuration(133 * 60_000), formatDuration(3 * 86_400_000 + 4 * 3_600_000 + 5000)]).toEqual([
      '0s',
      '12s',
      '45m',
      '2h 13m',
      '3d 4h',
    ]);
  });
});

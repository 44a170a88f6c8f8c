/** Fitting the resume context to its budget: least important first, whole lines, and saying what was left out. */
import { describe, expect, it } from 'vitest';
import type { Draft } from '../../src/events.js';
import { fitResume } from '../../projections/resume.js';
import { projectSessions } from '../../projections/sessions.js';
import { ev } from '../helpers/events.js';

const S = '20260102_1000_abcd';
const long = (label: string, i: number) => `${label} ${i}: ${'x'.repeat(280)}`;

function session(drafts: Draft[]) {
  const events = [ev({ type: 'session.started', session: S, data: { title: 'Fix the sweep', shortname: 'fix-sweep', goal: 'Fix the race in the sweeper', taskIds: [], meta: {} } }), ...drafts.map((d) => ev(d))];
  return projectSessions(events).sessions.get(S)!;
}

describe('fitting the resume context', () => {
  it('shrinks long lists instead of dropping every section, and uses the budget', () => {
    const drafts: Draft[] = [];
    for (let i = 1; i <= 41; i++) {
      drafts.push({ type: 'blocker', session: S, data: { text: long('B', i) } });
      drafts.push({ type: 'next', session: S, data: { text: long('N', i) } });
      drafts.push({ type: 'decision', session: S, data: { text: long('D', i), rationale: 'why' } });
    }
    drafts.push({ type: 'context', session: S, data: { objective: 'Keep the sweeper correct', keyFiles: ['sweep/sweeper.go'], keyFacts: ['lock order: watcher then sweeper'] } });
    const { text, omitted } = fitResume({ session: session(drafts) });
    expect(text.length).toBeLessThanOrEqual(10_000);
    expect(text.length).toBeGreaterThan(9_000);
    for (const heading of ['## TL;DR', '## Open blockers', '## Next steps']) expect(text).toContain(heading);
    expect(text).toContain('**Blocker**: #41 B 41');
    expect(text).toContain('(+40 more)');
    expect(text).toContain('1. N 1:'); // the first next steps are kept
    expect(text).not.toContain('## Recent decisions'); // the least important list went first
    expect(omitted).toContain('recent decisions');
    expect(omitted.some((o) => /of 41 next steps/.test(o))).toBe(true);
    expect(text).toMatch(/_Left out to fit 10000 characters: .*recent decisions.*_\n$/);
  });

  it('at a small budget keeps whole lines and still says what was left out', () => {
    const drafts: Draft[] = [
      { type: 'progress', session: S, data: { text: 'Reproduce the bug', status: 'done' } },
      { type: 'progress', session: S, data: { text: 'Write the fix without breaking the watcher', status: 'current' } },
      { type: 'blocker', session: S, data: { text: 'Waiting on the API docs' } },
      { type: 'next', session: S, data: { text: 'Add a regression test' } },
      { type: 'context', session: S, data: { objective: 'Fix the race', keyFiles: ['a.go', 'b.go'], keyFacts: ['fact one', 'fact two'] } },
    ];
    const full = fitResume({ session: session(drafts) }).text.length;
    for (const budget of [200, 300, 500, full - 1]) {
      const { text, omitted } = fitResume({ session: session(drafts), budget });
      expect(text.length, `budget ${budget}`).toBeLessThanOrEqual(budget);
      expect(omitted.length).toBeGreaterThan(0);
      expect(text).toMatch(/_Left out to fit \d+ characters: [^\n]+_\n$/);
      for (const line of text.split('\n')) expect(line.endsWith('…'), line).toBe(false);
    }
    const roomy = fitResume({ session: session(drafts), budget: full - 1 }).text;
    expect(roomy).toContain('**Current**: Write the fix without breaking the watcher');
    expect(roomy).toContain('## Open blockers');
  });
});

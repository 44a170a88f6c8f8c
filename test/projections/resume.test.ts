import { describe, expect, it } from 'vitest';
import { openItemsFor } from '../../projections/items.js';
import { fitResume, renderResume, unreadMessagesFor } from '../../projections/resume.js';
import { projectSessions } from '../../projections/sessions.js';
import { ADA, Story } from '../helpers/story.js';

const A = '20260102_1000_aaaa';

function story() {
  const s = new Story();
  s.start(A, 'fix-sweep', { title: 'Fix sweep trigger', goal: 'Fix the race in the sweep trigger' });
  s.add('context', A, { keyFiles: ['sweep/sweeper.go'], keyFacts: ['watcher locks before sweeper'] });
  s.add('progress', A, { text: 'Reproduce bug', status: 'done' });
  s.add('progress', A, { text: 'Implement fix', status: 'current' });
  const d = s.add('decision', A, { text: 'Atomic state', rationale: 'no lock' });
  s.add('decision', A, { text: 'Lock before check', rationale: 'simplest', supersedes: d.id });
  s.add('discovery', A, { text: 'Lock ordering matters' });
  s.add('blocker', A, { text: 'API docs missing' });
  s.add('next', A, { text: 'Add regression test' });
  s.add('subsession.started', A, { sub: 'sub_001', name: 'Mutex' });
  s.link(A, 'task:42', 'created', 'the bug');
  s.add('message.sent', undefined, { to: { session: 's_aaaa' }, text: 'check the mutex' });
  s.add('message.sent', undefined, { to: { actor: 'someone else' }, text: 'not for us' });
  s.add('session.paused', A, { note: 'halfway through the mutex' });
  s.add('session.resumed', A, {});
  return s;
}

function input(s: Story, budget?: number) {
  const state = projectSessions(s.events);
  const session = state.sessions.get(A)!;
  return { session, messages: unreadMessagesFor(state.messages, session, ADA), items: openItemsFor(s.events, A), ...(budget ? { budget } : {}) };
}

describe('resume context', () => {
  it('has the TL;DR, where the last worker stopped, blockers, next steps, messages, context, live decisions and open items', () => {
    expect(renderResume(input(story()))).toMatchInlineSnapshot(`
      "# Resume: Fix sweep trigger
      Session 20260102_1000_aaaa (s_aaaa, fix-sweep) · active · started 2026-01-02 10:01 · last activity 2026-01-02 10:15
      **Work block**: sub_001 Mutex (since 2026-01-02 10:10)
      **Where you left off**: halfway through the mutex (2026-01-02 10:14)

      ## TL;DR
      Fix the race in the sweep trigger. Last done: Reproduce bug. Currently: Implement fix. Next: Add regression test.

      **Progress**: 1/3 steps complete
      **Current**: Implement fix (step 2)
      **Blocker**: #1 API docs missing

      ## Open blockers
      - #1 API docs missing (since 2026-01-02 10:08)

      ## Next steps
      1. Add regression test

      ## Unread messages
      - from Ada at 2026-01-02 10:12: check the mutex

      ## Key context
      **Objective**: Fix the race in the sweep trigger
      **Key files**:
      - sweep/sweeper.go
      **Key facts**:
      - watcher locks before sweeper

      ## Recent decisions
      - Lock before check — simplest (2026-01-02 10:06)

      ## Recent discoveries
      - Lock ordering matters

      ## Open linked items
      - task:42 (created): the bug

      ## Progress
      - [x] Reproduce bug
      - [ ] Implement fix  <- CURRENT
      - [ ] Add regression test
      "
    `);
  });

  it('fits a budget by dropping the least important parts first, says so, and never cuts a line', () => {
    const full = renderResume(input(story()));
    expect(full.length).toBeGreaterThan(900);
    for (const budget of [full.length - 1, 700, 500]) {
      const { text, omitted } = fitResume(input(story(), budget));
      expect(text.length).toBeLessThanOrEqual(budget);
      expect(omitted.length).toBeGreaterThan(0);
      // The progress, current step and blocker lines are the last to go.
      for (const kept of ['**Progress**: 1/3 steps complete', '**Current**: Implement fix (step 2)', '**Blocker**: #1 API docs missing']) expect(text).toContain(kept);
      for (const line of text.split('\n')) if (line && !line.startsWith('_Left out')) expect(full.split('\n')).toContain(line);
    }
    const { text, omitted } = fitResume(input(story(), 900));
    expect(omitted).toEqual(['4 of 5 key context', 'progress', 'open linked items', 'recent discoveries', 'recent decisions']);
    expect(text).toContain('## Unread messages'); // more important than progress, so still there
    expect(text).toMatch(/_Left out to fit 900 characters: .*progress/);
  });

  it('shortens a line too long for the budget visibly, and says so', () => {
    const s = story();
    s.add('next', A, { text: `paste ${'x'.repeat(3000)}` });
    const { text, omitted } = fitResume(input(s, 2000));
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(text).toMatch(/paste x+…\n/);
    expect(omitted[0]).toBe('the end of very long lines');
  });
});

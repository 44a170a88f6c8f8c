/**
 * The session model of SPEC 6, bullet by bullet (issue 10): steps, blocker
 * numbers, the close summary, the timeline and "where you left off", small
 * budgets, the agenda after a migration, and an imported seed-002 file.
 */
import { describe, expect, it } from 'vitest';
import { agendaFor, projectAgenda } from '../../projections/agenda.js';
import { closeSummary, renderCloseSummary } from '../../projections/closeSummary.js';
import { fitResume, renderResume, tldr } from '../../projections/resume.js';
import { blockersSection, progressSection, renderSessionFile, timelineSection } from '../../projections/sessionFile.js';
import { projectSessions, stepKey } from '../../projections/sessions.js';
import { renderStats } from '../../projections/stats.js';
import { importDrafts, importedSessionId, parseSessionFile } from '../../src/importSessions.js';
import type { Draft } from '../../src/events.js';
import { ev, ulidOf } from '../helpers/events.js';
import { SEED_002_FILE } from '../fixtures/seed002.js';
import { Story } from '../helpers/story.js';

const A = '20260102_1000_aaaa';
const B = '20260102_1000_bbbb';
const session = (s: Story, id = A) => projectSessions(s.events).sessions.get(id)!;

function fresh(): Story {
  const s = new Story();
  s.start(A, 'fix-sweep', { title: 'Fix sweep trigger', goal: 'Fix the race in the sweep trigger', taskIds: ['42'] });
  return s;
}

describe('steps (SPEC 6)', () => {
  it('the issue 10 sequence: notes stay on their step, --done completes it, 1/2 not 1/5', () => {
    const s = fresh();
    s.add('next', A, { text: 'Add test' });
    s.add('progress', A, { text: 'Identify root cause', status: 'current' });
    s.add('progress', A, { text: 'Narrowed it to the sweeper', status: 'current' });
    s.add('progress', A, { text: 'It is the lock order', status: 'current' });
    s.add('progress', A, { text: 'Identify root cause', status: 'done' });
    expect(progressSection(session(s)).join('\n')).toMatchInlineSnapshot(`
      "### Completed
      - [x] Identify root cause (2026-01-02T10:06)
        - Narrowed it to the sweeper (2026-01-02T10:04)
        - It is the lock order (2026-01-02T10:05)

      ### In Progress
      - None

      ### Remaining
      - [ ] Add test"
    `);
    expect(tldr(session(s))).toMatchInlineSnapshot(`
      "Fix the race in the sweep trigger. Last done: Identify root cause. Next: Add test.

      **Progress**: 1/2 steps complete
      **Current**: none
      **Blocker**: None"
    `);
  });

  it('thirty progress notes on one step are one step with thirty notes', () => {
    const s = fresh();
    s.add('progress', A, { text: 'Port the lexer', status: 'current' });
    for (let i = 1; i <= 30; i++) s.add('progress', A, { text: `token kind ${i} done`, status: 'current' });
    const x = session(s);
    expect(x.steps).toHaveLength(1);
    expect(x.steps[0]!.notes).toHaveLength(30);
    expect(tldr(x)).toContain('**Progress**: 0/1 steps complete');
  });

  it('a step is named by --step KEY or by its text, ignoring case, surrounding white space and trailing punctuation', () => {
    expect(stepKey('  Add   the Test.  ')).toBe('add the test');
    expect(stepKey('Add the test!?')).toBe(stepKey('add the test'));
    const s = fresh();
    s.add('next', A, { text: 'Add the test' });
    s.add('next', A, { text: 'Write docs' });
    s.add('progress', A, { text: '  add THE test. ', status: 'current' }); // the remaining step becomes current
    s.add('progress', A, { text: 'wrote half of it', step: 'add the test', status: 'current' }); // a note on it
    s.add('progress', A, { text: 'Write docs', status: 'current' }); // another named step: the one current step moves
    s.add('progress', A, { text: 'started the README', status: 'current' }); // a note on "Write docs"
    s.add('progress', A, { text: 'ADD the test', status: 'done' }); // a remaining step completed, no twin
    s.add('progress', A, { text: 'Fix the flaky CI', status: 'done' }); // unnamed before: a new step done at once
    expect(progressSection(session(s)).join('\n')).toMatchInlineSnapshot(`
      "### Completed
      - [x] Add the test (2026-01-02T10:08)
        - wrote half of it (2026-01-02T10:05)
      - [x] Fix the flaky CI (2026-01-02T10:09)

      ### In Progress
      - [ ] Write docs (2026-01-02T10:06)          <- CURRENT
        - started the README (2026-01-02T10:07)

      ### Remaining
      - None"
    `);
    expect(session(s).steps.filter((st) => st.status === 'current')).toHaveLength(1);
  });

  it("the TL;DR's Next: is a step still to start, not the one that is current", () => {
    const s = fresh();
    s.add('next', A, { text: 'Implement fix' });
    s.add('next', A, { text: 'Add regression test' });
    s.add('progress', A, { text: 'implement fix', status: 'current' });
    expect(tldr(session(s)).split('\n')[0]).toBe('Fix the race in the sweep trigger. Currently: Implement fix. Next: Add regression test.');
  });

  it('a closed session has no current step, no Currently: and no <- CURRENT', () => {
    const s = fresh();
    s.add('progress', A, { text: 'Reproduce bug', status: 'done' });
    s.add('progress', A, { text: 'Implement fix', status: 'current' });
    s.add('session.closed', A, { outcome: 'abandoned', reason: 'superseded', learnings: [], tasksCompleted: [] });
    s.add('progress', A, { text: 'late progress from another replica', step: 'implement fix', status: 'current' });
    const x = session(s);
    expect(x.currentStep).toBeUndefined();
    const file = renderSessionFile(x);
    expect(file).not.toContain('<- CURRENT');
    expect(file).not.toContain('Currently:');
    expect(renderResume({ session: x })).not.toContain('<- CURRENT');
    expect(tldr(x)).toMatchInlineSnapshot(`
      "Fix the race in the sweep trigger. Last done: Reproduce bug.

      **Progress**: 1/2 steps complete
      **Current**: none
      **Blocker**: None"
    `);
  });
});

describe('blockers keep their number (SPEC 6)', () => {
  it('numbers in the order raised, kept when others are resolved, in the session file, resume and agenda', () => {
    const s = fresh();
    s.add('blocker', A, { text: 'API docs missing' });
    const two = s.add('blocker', A, { text: 'CI is red' });
    s.add('blocker', A, { text: 'Need review' });
    s.add('blocker.resolved', A, { blocker: two.id, note: 'fixed the runner' });
    s.add('blocker.resolved', A, { blocker: two.id, note: 'a second resolution (another replica) changes nothing' });
    const x = session(s);
    expect(blockersSection(x).join('\n')).toMatchInlineSnapshot(`
      "- [ ] #1 API docs missing (since 2026-01-02T10:02)
      - [x] #2 ~~CI is red~~ (resolved 2026-01-02T10:05: fixed the runner)
      - [ ] #3 Need review (since 2026-01-02T10:04)"
    `);
    expect(fitResume({ session: x }).text).toContain('## Open blockers\n- #1 API docs missing (since 2026-01-02 10:02)\n- #3 Need review (since 2026-01-02 10:04)\n');
    expect(tldr(x)).toContain('**Blocker**: #3 Need review (+1 more)');
    expect(agendaFor(projectAgenda(s.events), A).blockers).toEqual(['#1 API docs missing', '#3 Need review']);
  });
});

describe('the close summary (seed 002 /session-close)', () => {
  it('outcome, duration, compactions, steps done of total, decisions and discoveries, tasks completed', () => {
    const s = fresh();
    s.add('progress', A, { text: 'Reproduce bug', status: 'done' });
    s.add('decision', A, { text: 'Lock before check', rationale: 'simplest' });
    s.add('decision', A, { text: 'Keep the watcher as is' });
    s.add('discovery', A, { text: 'Lock ordering matters' });
    s.add('session.compacted', A, { trigger: 'auto' }, { minutes: 60 * 24 });
    s.add('progress', A, { text: 'Implement fix', status: 'done' }, { minutes: 60 * 5 });
    s.add('session.closed', A, { outcome: 'completed', summary: 'Fixed the race in the sweep trigger', learnings: ['lock first'], tasksCompleted: ['42'] });
    const summary = closeSummary(session(s))!;
    expect(summary).toMatchObject({ outcome: 'completed', compactions: 1, steps: { done: 2, total: 2 }, decisions: 2, discoveries: 1, tasks_completed: ['task:42'] });
    expect(renderCloseSummary(summary)).toMatchInlineSnapshot(`
      "Session Completed: fix-sweep (s_aaaa)
         Duration: 1d 5h
         Compactions: 1
         Progress: 2/2 steps

         ## Summary
         Fixed the race in the sweep trigger

         ## Decisions Made
         2 decisions recorded

         ## Discoveries
         1 discovery logged

         ## Learnings
         - lock first

         Linked task 42: completed
      "
    `);
    expect(closeSummary(session(fresh()))).toBeUndefined();
  });
});

describe('timeline and where you left off', () => {
  it('checkpoint, pause and compaction notes are in the session file; a hook note is never "where you left off"', () => {
    const s = fresh();
    s.add('progress', A, { text: 'Found root cause: race condition in sweeper.go:245', status: 'current' });
    s.add('session.checkpointed', A, { note: 'Found race condition. Ready to implement fix.' });
    s.add('session.checkpointed', A, { note: 'before auto compaction', auto: true });
    s.add('session.compacted', A, { trigger: 'auto', summary: 'We found the race;\nthe fix is next.' });
    s.add('session.paused', A, { note: 'lunch' });
    s.add('session.resumed', A, {});
    s.add('session.checkpointed', A, { note: 'claude-code conversation ended (exit)', auto: true });
    const x = session(s);
    expect(timelineSection(x).join('\n')).toMatchInlineSnapshot(`
      "- 2026-01-02T10:03 checkpoint: Found race condition. Ready to implement fix.
      - 2026-01-02T10:04 checkpoint (auto): before auto compaction
      - 2026-01-02T10:05 compaction #1 (auto): We found the race; the fix is next.
      - 2026-01-02T10:06 paused: lunch
      - 2026-01-02T10:07 resumed
      - 2026-01-02T10:08 checkpoint (auto): claude-code conversation ended (exit)"
    `);
    expect(renderResume({ session: x }).split('\n').find((l) => l.startsWith('**Where you left off**'))).toBe('**Where you left off**: lunch (2026-01-02 10:06)');
  });

  it('where you left off is the latest progress when it came after the last note', () => {
    const s = fresh();
    s.add('session.checkpointed', A, { note: 'before refactor' });
    s.add('progress', A, { text: 'Implement fix', status: 'current' });
    s.add('session.checkpointed', A, { note: 'before manual compaction', auto: true });
    expect(session(s).lastWords).toEqual({ at: '2026-01-02T10:03:00.000Z', text: 'Implement fix' });
  });
});

describe('small budgets keep the progress and blocker lines', () => {
  function busy(): Story {
    const s = fresh();
    s.add('context', A, { objective: 'Fix the race', keyFiles: ['sweep/sweeper.go - main logic', 'contractcourt/chain_watcher.go - triggers sweeps'], keyFacts: ['Lock ordering: chain_watcher -> sweeper'] });
    s.add('progress', A, { text: 'Reproduce bug in test', status: 'done' });
    s.add('progress', A, { text: 'Implement the mutex fix in sweeper.go', status: 'current' });
    s.add('decision', A, { text: 'Lock before check', rationale: 'Simplest fix, performance impact minimal' });
    s.add('discovery', A, { text: 'chain_watcher must acquire the lock before sweeper to avoid deadlock' });
    s.add('blocker', A, { text: 'Waiting on API docs' });
    s.add('next', A, { text: 'Add regression test' });
    s.add('next', A, { text: 'Document lock ordering in CONTRIBUTING.md' });
    s.add('session.checkpointed', A, { note: 'Mutex half done; tests next.' });
    return s;
  }

  it('at 300 characters', () => {
    const { text } = fitResume({ session: session(busy()), budget: 300 });
    expect(text.length).toBeLessThanOrEqual(300);
    expect(text).toMatchInlineSnapshot(`
      "# Resume: Fix sweep trigger

      **Progress**: 1/4 steps complete
      **Current**: Implement the mutex fix in sweeper.go (step 2)
      **Blocker**: #1 Waiting on API docs

      ## Open blockers
      - #1 Waiting on API docs (since 2026-01-02 10:07)

      _Left out to fit 300 characters: 8 part(s); \`logbook view\` shows all._
      "
    `);
  });

  it('at 600 characters', () => {
    const { text } = fitResume({ session: session(busy()), budget: 600 });
    expect(text.length).toBeLessThanOrEqual(600);
    expect(text).toMatchInlineSnapshot(`
      "# Resume: Fix sweep trigger
      Session 20260102_1000_aaaa (s_aaaa, fix-sweep) · active · started 2026-01-02 10:01 · last activity 2026-01-02 10:10
      **Where you left off**: Mutex half done; tests next. (2026-01-02 10:10)

      **Progress**: 1/4 steps complete
      **Current**: Implement the mutex fix in sweeper.go (step 2)
      **Blocker**: #1 Waiting on API docs

      ## Open blockers
      - #1 Waiting on API docs (since 2026-01-02 10:07)

      ## Next steps
      1. Add regression test

      _Left out to fit 600 characters: 6 part(s); \`logbook view\` shows all._
      "
    `);
  });

  it('the left-out note stays short at every budget from 300 to 1500', () => {
    for (let budget = 300; budget <= 1500; budget += 50) {
      const { text } = fitResume({ session: session(busy()), budget });
      const note = text.split('\n').find((l) => l.startsWith('_Left out')) ?? '';
      expect(note.length, `budget ${budget}`).toBeLessThanOrEqual(Math.max(90, budget / 4));
      expect(text, `budget ${budget}`).toContain('**Progress**: 1/4 steps complete');
      expect(text, `budget ${budget}`).toContain('**Blocker**: #1 Waiting on API docs');
    }
  });
});

describe('after migrate', () => {
  it('track_projects and context_keys leave the origin session with the items', () => {
    const s = fresh();
    s.link(A, 'track:project:c3c5', 'created');
    s.link(A, 'kb:node:37be', 'referenced');
    s.start(B, 'next-one');
    s.add('items.migrated', B, { from: A, to: B, keys: ['kb:node:37be', 'task:42', 'track:project:c3c5'] });
    const agenda = projectAgenda(s.events);
    expect(agendaFor(agenda, A)).toMatchObject({ track_projects: [], context_keys: [] });
    expect(agendaFor(agenda, B)).toMatchObject({ track_projects: ['track:project:c3c5'], context_keys: ['kb:node:37be'] });
  });
});

describe('one event count', () => {
  it('stats count every event: messages, project state and events of no session too', () => {
    const s = fresh();
    s.add('message.sent', A, { to: { actor: 'Bob' }, text: 'hi' });
    s.add('state.set', undefined, { focus: 'the sweeper' });
    s.add('message.read', A, { messages: ['x'] });
    expect(renderStats(projectSessions(s.events)).events).toBe(s.events.length);
  });
});

describe('an imported seed-002 file', () => {
  it('keeps its hand-written TL;DR and its fraction (3/5), Next Steps are not steps', () => {
    const p = parseSessionFile(SEED_002_FILE, 'active/fix-sweep-bug-abc123.md');
    const id = importedSessionId(p, new Set());
    const events = importDrafts(p, id, (() => { let n = 1_000_000; return () => ulidOf(n++); })()).drafts.map((d, i) => ev(d as Draft, { at: d.at, clock: i + 1 }));
    const x = projectSessions(events).sessions.get(id)!;
    expect(tldr(x)).toMatchInlineSnapshot(`
      "Fixing race condition in sweep trigger. Found root cause in sweeper.go:245. Currently implementing mutex fix. Next: complete mutex, add tests.

      **Progress**: 3/5 steps complete
      **Current**: Implement fix (step 4)
      **Blocker**: None"
    `);
    expect(x.timeline.map((t) => t.note ?? t.kind)).not.toContainEqual(expect.stringContaining('TL;DR'));
    // Once the steps move on, the hand-written paragraph no longer describes them.
    const later = ev({ type: 'progress', session: id, data: { text: 'Implement fix', status: 'done' } }, { clock: events.length + 1, at: '2025-01-16T09:00:00.000Z' });
    const after = projectSessions([...events, later]).sessions.get(id)!;
    expect(tldr(after)).toContain('**Progress**: 4/5 steps complete');
    expect(tldr(after)).not.toContain('Currently implementing mutex fix');
  });
});

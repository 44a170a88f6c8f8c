import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Draft, JournalEvent } from '../../src/events.js';
import { rebuildPlan } from '../../projections/rebuild.js';
import { ev } from '../helpers/events.js';
import { Story } from '../helpers/story.js';

const A = '20260102_1000_aaaa';
const B = '20260102_1100_bbbb';
const C = '20260102_1200_cccc';

function twoSessions() {
  const s = new Story();
  s.start(A, 'fix-sweep', { title: 'Fix sweep trigger', goal: 'Fix the race in the sweep trigger', taskIds: ['42'], gitBranch: 'fix/sweep', gitCommit: 'abc123f' });
  s.link(A, 'task:42', 'created');
  s.add('context', A, { keyFiles: ['sweep/sweeper.go - main logic'], keyFacts: ['lock ordering: watcher before sweeper'] });
  s.add('progress', A, { text: 'Reproduce bug', status: 'done' });
  s.add('progress', A, { text: 'Implement fix', status: 'current' });
  const d1 = s.add('decision', A, { text: 'Atomic state', rationale: 'no lock needed' });
  s.add('decision', A, { text: 'Lock before check', rationale: 'simplest', options: ['Lock before check', 'Atomic state'], supersedes: d1.id });
  s.add('discovery', A, { text: 'Lock ordering matters', evidence: 'deadlock in test' });
  const b = s.add('blocker', A, { text: 'API docs missing' });
  s.add('blocker.resolved', A, { blocker: b.id, note: 'docs arrived' });
  s.add('next', A, { text: 'Add regression test' });
  s.link(A, 'kb:node:37be', 'created');
  s.add('session.compacted', A, { trigger: 'auto' });
  s.add('session.paused', A, { note: 'switching' });
  s.start(B, 'fix-sweep-2', { title: 'Continue the sweep fix' });
  s.add('items.migrated', B, { from: A, to: B, keys: ['kb:node:37be', 'task:42'] });
  s.add('tool.used', B, { tool: 'Bash', success: true, durationMs: 12 });
  s.link(B, 'task:42', 'completed');
  s.add('session.closed', B, { outcome: 'completed', summary: 'fixed', learnings: ['lock first'], tasksCompleted: [] });
  s.add('state.set', undefined, { focus: 'release' });
  return s;
}

describe('rebuild plan', () => {
  it('lays out the whole tree: open sessions in active/, closed ones in archive/, one progress file each', () => {
    const plan = rebuildPlan(twoSessions().events);
    expect([...plan.keys()].sort()).toEqual([
      'agenda.json',
      'agenda.md',
      'items.json',
      'items.md',
      'sessions/active/fix-sweep-aaaa.md',
      'sessions/archive/fix-sweep-2-bbbb.md',
      'sessions/journal/aaaa/progress.md',
      'sessions/journal/bbbb/progress.md',
      'state.json',
      'stats.json',
    ]);
    expect(JSON.parse(plan.get('state.json')!).focus).toBe('release');
    expect(JSON.parse(plan.get('stats.json')!)).toMatchObject({ total: 2, paused: 1, completed: 1, completion_rate: 1 });
    expect(JSON.parse(plan.get('items.json')!).items.find((i: { key: string }) => i.key === 'task:42')).toMatchObject({ session_ids: ['s_aaaa', 's_bbbb'], status: 'completed' });
  });

  it('renders the seed-002 session file, with frontmatter a YAML parser reads back', () => {
    const file = rebuildPlan(twoSessions().events).get('sessions/active/fix-sweep-aaaa.md')!;
    const fm = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(file)![1]!);
    expect(fm).toEqual({
      id: A,
      stable_id: 's_aaaa',
      shortname: 'fix-sweep',
      title: 'Fix sweep trigger',
      status: 'paused',
      task_ids: ['42'],
      created_at: '2026-01-02T10:01:00.000Z',
      updated_at: '2026-01-02T10:14:00.000Z',
      compaction_count: 1,
      git_branch: 'fix/sweep',
      git_last_commit: 'abc123f',
    });
    expect(file.slice(file.indexOf('# Session'))).toMatchInlineSnapshot(`
      "# Session: Fix sweep trigger

      ## TL;DR (Read This First)
      Fix the race in the sweep trigger. Last done: Reproduce bug. Currently: Implement fix. Next: Add regression test.

      **Progress**: 1/3 steps complete
      **Current**: Implement fix (step 2)
      **Blocker**: None

      ## Context
      **Objective**: Fix the race in the sweep trigger

      **Key Files**:
      - \`sweep/sweeper.go\` - main logic

      **Key Context** (survives compaction):
      - lock ordering: watcher before sweeper

      ## Progress
      ### Completed
      - [x] Reproduce bug (2026-01-02T10:04)

      ### In Progress
      - [ ] Implement fix (2026-01-02T10:05)          <- CURRENT

      ### Remaining
      - [ ] Add regression test

      ## Decisions
      ### 1. Atomic state (2026-01-02T10:06) — superseded by #2
      **Choice**: Atomic state
      **Rationale**: no lock needed

      ### 2. Lock before check (2026-01-02T10:07)
      **Options**: (1) Lock before check, (2) Atomic state
      **Choice**: Lock before check
      **Rationale**: simplest
      **Supersedes**: #1

      ## Discoveries
      1. Lock ordering matters (2026-01-02T10:08). Evidence: deadlock in test

      ## Blockers
      - [x] #1 ~~API docs missing~~ (resolved 2026-01-02T10:10: docs arrived)

      ## Next Steps
      1. Add regression test

      ## Timeline
      - 2026-01-02T10:13 compaction #1 (auto)
      - 2026-01-02T10:14 paused: switching

      ## Linked Items
      - kb:node:37be (migrated to s_bbbb)
      - task:42 (migrated to s_bbbb)
      "
    `);
  });

  it('renders the quick context file (progress.md) without tool-call noise', () => {
    const file = rebuildPlan(twoSessions().events).get('sessions/journal/bbbb/progress.md')!;
    expect(file).toMatchInlineSnapshot(`
      "# Progress: Continue the sweep fix

      20260102_1100_bbbb (s_bbbb, fix-sweep-2) · completed · started 2026-01-02T10:15 · updated 2026-01-02T10:19

      ## TL;DR
      Continue the sweep fix.

      **Progress**: 0/0 steps complete
      **Current**: none
      **Blocker**: None

      ## Next Steps
      - None recorded

      ## Log
      - 2026-01-02T10:15 session.started: Continue the sweep fix
      - 2026-01-02T10:16 items.migrated: 2 item(s) 20260102_1000_aaaa -> 20260102_1100_bbbb
      - 2026-01-02T10:18 item.linked: task:42 completed
      - 2026-01-02T10:19 session.closed: completed: fixed

      _1 tool call(s), 0 failed._
      "
    `);
  });

  it('gives two sessions with the same shortname and suffix two files', () => {
    const s = new Story();
    s.start(A, 'same');
    s.start('20260103_0900_aaaa', 'same', {}, { minutes: 5 });
    const keys = [...rebuildPlan(s.events).keys()].filter((k) => k.startsWith('sessions/'));
    expect(keys.sort()).toEqual([
      'sessions/active/same-20260103_0900_aaaa.md',
      'sessions/active/same-aaaa.md',
      'sessions/journal/20260103_0900_aaaa/progress.md',
      'sessions/journal/aaaa/progress.md',
    ]);
  });

  it('redacted events lose their text in every file', () => {
    const s = twoSessions();
    const secret = s.add('discovery', A, { text: 'the staging password is hunter22' });
    s.add('redaction', A, { event: secret.id, reason: 'oops' });
    const all = [...rebuildPlan(s.events).values()].join('\n');
    expect(all).not.toContain('hunter22');
    expect(all).toContain('[redacted]');
  });
});

// --- delivery order -------------------------------------------------------

const sessions = [A, B, C] as const;
const keys = ['task:1', 'task:2', 'kb:node:1', 'track:project:1'] as const;
const session = fc.constantFrom(...sessions);
const draftArb: fc.Arbitrary<Draft> = fc.oneof(
  fc.record({ type: fc.constant('progress' as const), session, data: fc.record({ text: fc.constantFrom('a', 'b', 'c'), status: fc.constantFrom('done' as const, 'current' as const, 'todo' as const) }) }),
  fc.record({ type: fc.constant('decision' as const), session, data: fc.record({ text: fc.constantFrom('x', 'y'), rationale: fc.constantFrom('r', 's') }) }),
  fc.record({ type: fc.constant('blocker' as const), session, data: fc.record({ text: fc.constantFrom('p', 'q') }) }),
  fc.record({ type: fc.constant('next' as const), session, data: fc.record({ text: fc.constantFrom('a', 'n') }) }),
  fc.record({ type: fc.constant('item.linked' as const), session, data: fc.record({ key: fc.constantFrom(...keys), action: fc.constantFrom('created' as const, 'completed' as const, 'blocked' as const, 'referenced' as const) }) }),
  fc.tuple(session, session).map(([from, to]): Draft => ({ type: 'items.migrated', session: to, data: { from, to, keys: [...keys] } })),
  fc.record({ type: fc.constant('session.paused' as const), session, data: fc.constant({}) }),
  fc.record({ type: fc.constant('session.resumed' as const), session, data: fc.constant({}) }),
  fc.record({ type: fc.constant('session.closed' as const), session, data: fc.record({ outcome: fc.constantFrom('completed' as const, 'abandoned' as const), learnings: fc.constant([] as string[]), tasksCompleted: fc.constant([] as string[]) }) }),
  fc.record({ type: fc.constant('state.set' as const), data: fc.record({ focus: fc.constantFrom('f', 'g') }) }),
  fc.record({ type: fc.constant('context' as const), session, data: fc.record({ keyFiles: fc.constantFrom<string[]>([], ['a.ts']), keyFacts: fc.constantFrom<string[]>([], ['fact']) }) }),
  fc.record({ type: fc.constant('subsession.started' as const), session, data: fc.record({ sub: fc.constantFrom('sub_001', 'sub_002'), name: fc.constantFrom('one', 'two') }) }),
);

const bytes = (plan: Map<string, string>) => JSON.stringify([...plan].sort(([a], [b]) => (a < b ? -1 : 1)));

describe('rebuild plan and delivery order', () => {
  it('the same events shuffled, and delivered twice through two refs, give byte-identical plans', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(draftArb, fc.integer({ min: 2, max: 8 }), fc.constantFrom('replicaaaaaa', 'replicabbbbb'), fc.integer({ min: 0, max: 600 })), { maxLength: 40 }),
        fc.infiniteStream(fc.nat()),
        (drafts, randomness) => {
          const events: JournalEvent[] = [
            ...sessions.map((id, i) => ev({ type: 'session.started', session: id, data: { title: id, shortname: `s${i}`, taskIds: [], meta: {} } }, { clock: 1, id: `01J000000000000000000000${i}S`, at: '2026-01-02T10:00:00.000Z' })),
            ...drafts.map(([d, clock, replica, minute]) => ev(d, { clock, replica, at: new Date(Date.UTC(2026, 0, 2, 10, minute)).toISOString() })),
          ];
          const expected = bytes(rebuildPlan(events));
          const shuffled = [...events];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = randomness.next().value % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          expect(bytes(rebuildPlan(shuffled))).toBe(expected);
          expect(bytes(rebuildPlan([...shuffled, ...shuffled.slice(0, 5)]))).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the property can fail: a different event changes the bytes', () => {
    const s = twoSessions();
    const before = bytes(rebuildPlan(s.events));
    s.add('next', A, { text: 'one more thing' });
    expect(bytes(rebuildPlan(s.events))).not.toBe(before);
  });
});

import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/events.js';
import { importDrafts, importedSessionId, normaliseTime, parseSessionFile } from '../../src/importSessions.js';
import { rebuildPlan } from '../../projections/rebuild.js';
import { projectSessions } from '../../projections/sessions.js';
import { ev, ulidOf } from '../helpers/events.js';
import { Journal } from '../../src/journal.js';
import { Logbook } from '../../src/logbook.js';
import { MemoryStore } from '../../src/store/memory.js';
import { Story } from '../helpers/story.js';
import { SEED_002_FILE } from '../fixtures/seed002.js';


let nextId = 1_000_000;
/** Event ids given in advance, as the journal's `newEventId` gives them. */
const newId = () => ulidOf(nextId++);

/** Drafts to events the way the journal would append them, in one batch (clock order = draft order; resolutions last). */
function toEvents(drafts: ReturnType<typeof importDrafts>, clock0 = 100): JournalEvent[] {
  let clock = clock0;
  return [...drafts.drafts, ...drafts.resolutions].map((d) => ev(d, { at: d.at, clock: clock++, ...(d.id ? { id: d.id } : {}) }));
}

describe('parsing a seed-002 session file', () => {
  it('reads frontmatter and every section', () => {
    const p = parseSessionFile(SEED_002_FILE, 'active/fix-sweep-bug-abc123.md');
    expect(p).toMatchObject({
      originalId: '019abc12-3456-7def-8901-234567890abc',
      shortname: 'fix-sweep-bug',
      title: 'Fix Sweep Trigger Bug',
      status: 'active',
      taskIds: ['019def45-6789-7abc-0123-456789abcdef'],
      createdAt: '2025-01-15T10:00:00.000Z',
      updatedAt: '2025-01-15T14:30:00.000Z',
      compactionCount: 2,
      gitBranch: 'fix/sweep-trigger',
      gitCommit: 'abc123f',
      objective: 'Fix race condition causing intermittent sweep failures',
      keyFiles: ['sweep/sweeper.go - Main sweeper logic', 'contractcourt/chain_watcher.go - Triggers sweeps'],
      keyFacts: ['Race condition: state check before lock acquisition', 'Lock ordering: chain_watcher -> sweeper (not reverse!)', 'Test command: `go test -v -run TestSweepTrigger ./itest`'],
      tldr: 'Fixing race condition in sweep trigger. Found root cause in sweeper.go:245. Currently implementing mutex fix. Next: complete mutex, add tests.',
      steps: [
        { text: 'Reproduce bug in test', status: 'done', at: '2025-01-15T10:30:00.000Z' },
        { text: 'Identify root cause', status: 'done', at: '2025-01-15T11:00:00.000Z' },
        { text: 'Draft fix approach', status: 'done', at: '2025-01-15T12:00:00.000Z' },
        { text: 'Implement fix', status: 'current' },
        { text: 'Add regression test', status: 'todo' },
      ],
      decisions: [
        {
          text: 'Lock-first approach: Lock before check',
          rationale: 'Simplest fix, performance impact minimal (context: Need to fix race without major refactor)',
          options: ['Lock before check', 'Atomic state', 'Separate mutex'],
          at: '2025-01-15T12:15:00.000Z',
        },
      ],
      discoveries: [{ text: 'Lock ordering: chain_watcher must acquire lock before sweeper to avoid deadlock. Document this!', at: '2025-01-15T13:00:00.000Z' }],
      blockers: [],
      next: ['Complete mutex implementation in sweeper.go', 'Add regression test', 'Document lock ordering in CONTRIBUTING.md'],
    });
  });

  it('an archived file without a closed status counts as completed; times without a zone are UTC', () => {
    expect(parseSessionFile('---\nid: x\nstatus: active\n---\n# Session: Old\n', 'archive/old-abc123.md').status).toBe('completed');
    expect(parseSessionFile('# Session: No frontmatter\n', 'active/plain-abc123.md')).toMatchObject({ originalId: 'plain-abc123', shortname: 'plain', title: 'No frontmatter', status: 'active' });
    expect(normaliseTime('2025-01-15T10:30')).toBe('2025-01-15T10:30:00.000Z');
    expect(normaliseTime('2025-01-15 10:30:05+02:00')).toBe('2025-01-15T08:30:05.000Z');
    expect(normaliseTime('yesterday')).toBeUndefined();
  });

  it('reports broken YAML with the file name', () => {
    expect(() => parseSessionFile('---\nid: [unclosed\n---\n', 'active/bad-abc123.md')).toThrow(/active\/bad-abc123\.md: the frontmatter is not valid YAML/);
  });

  it('imported events keep the history: same session file sections as the original', () => {
    const p = parseSessionFile(SEED_002_FILE, 'active/fix-sweep-bug-abc123.md');
    const id = importedSessionId(p, new Set());
    expect(id).toMatch(/^20250115_1000_[0-9a-z]{4}$/);
    expect(importedSessionId(p, new Set())).toBe(id); // the same original id gives the same session id everywhere
    const s = projectSessions(toEvents(importDrafts(p, id, newId))).sessions.get(id)!;
    expect(s).toMatchObject({ status: 'active', compactionCount: 2, gitBranch: 'fix/sweep-trigger', meta: { imported_from: p.originalId, imported_file: p.file } });
    // Remaining steps carry no time: they are placed at the session's start.
    expect(s.steps.map((st) => [st.text, st.status])).toEqual([
      ['Add regression test', 'todo'],
      ['Reproduce bug in test', 'done'],
      ['Identify root cause', 'done'],
      ['Draft fix approach', 'done'],
      ['Implement fix', 'current'],
    ]);
    expect(s.currentStep).toBe('implement fix');
    expect(s.steps.find((st) => st.text === 'Identify root cause')!.doneAt).toBe('2025-01-15T11:00:00.000Z');
    expect(s.decisions[0]!.at).toBe('2025-01-15T12:15:00.000Z');
    expect(s.next.map((n) => n.text)).toEqual(['Complete mutex implementation in sweeper.go', 'Add regression test', 'Document lock ordering in CONTRIBUTING.md']);
  });

  it('round-trips Logbook\'s own session files: rebuild, parse, import, rebuild gives the same sections', () => {
    const A = '20260102_1000_aaaa';
    const st = new Story();
    st.start(A, 'round', { title: 'Round trip', goal: 'Survive a round trip' });
    st.add('context', A, { keyFiles: ['src/a.ts - entry'], keyFacts: ['fact one'] });
    st.add('progress', A, { text: 'first', status: 'done' });
    st.add('progress', A, { text: 'second', status: 'current' });
    st.add('decision', A, { text: 'Use X', rationale: 'because', options: ['X', 'Y'] });
    st.add('discovery', A, { text: 'Found Z', evidence: 'log line' });
    const b = st.add('blocker', A, { text: 'waiting' });
    st.add('blocker.resolved', A, { blocker: b.id, note: 'came' });
    st.add('blocker', A, { text: 'still waiting' });
    st.add('next', A, { text: 'third' });
    st.link(A, 'task:1', 'created');
    st.add('session.closed', A, { outcome: 'abandoned', reason: 'priorities', learnings: ['keep it small'], tasksCompleted: [] });
    const original = rebuildPlan(st.events).get('sessions/archive/round-aaaa.md')!;
    const parsed = parseSessionFile(original, 'archive/round-aaaa.md');
    const id = importedSessionId(parsed, new Set(['aaaa']));
    const again = [...rebuildPlan(toEvents(importDrafts(parsed, id, newId))).entries()].find(([k]) => k.startsWith('sessions/archive/'))![1];
    const body = (f: string) => f.slice(f.indexOf('## Context'));
    expect(body(again)).toBe(body(original));
  });
});

describe('reading a .sessions tree whose files name no time', () => {
  it('dates a file by its first journal entry, else by its mtime, never 1970', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, utimesSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { readSessionsTree } = await import('../../src/importSessions.js');
    const root = mkdtempSync(path.join(tmpdir(), 'logbook-import-'));
    try {
      mkdirSync(path.join(root, 'active'));
      mkdirSync(path.join(root, 'journal', 'abc123', 'entries'), { recursive: true });
      writeFileSync(path.join(root, 'active', 'tiny-xyz789.md'), '---\nid: tiny-1\nstatus: paused\n---\n');
      writeFileSync(path.join(root, 'active', 'dated-abc123.md'), '# Session: Entries only\n');
      writeFileSync(path.join(root, 'journal', 'abc123', 'entries', '2025-03-04T10:00:00.md'), 'later\n');
      writeFileSync(path.join(root, 'journal', 'abc123', 'entries', '2025-03-02T09:30:00.md'), 'first\n');
      const mtime = new Date('2024-07-08T12:34:56.789Z');
      utimesSync(path.join(root, 'active', 'tiny-xyz789.md'), mtime, mtime);
      const byFile = Object.fromEntries(readSessionsTree(root).map((p) => [p.file, p]));
      expect(byFile['active/dated-abc123.md']!.createdAt).toBe('2025-03-02T09:30:00.000Z');
      expect(byFile['active/tiny-xyz789.md']!.createdAt).toBe('2024-07-08T12:34:56.000Z');
      expect(byFile['active/tiny-xyz789.md']!.updatedAt).toBe('2024-07-08T12:34:56.000Z');
      // A file that says when it was made keeps its own time.
      expect(parseSessionFile('---\ncreated_at: 2025-01-15T10:00:00Z\n---\n', 'active/x-aaaa.md', '2030-01-01T00:00:00.000Z').createdAt).toBe('2025-01-15T10:00:00.000Z');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/** A store that counts appends and refuses every one after the first `allowed`. */
class CountingStore extends MemoryStore {
  appends = 0;
  constructor(private readonly allowed: number) {
    super();
  }
  override async append(args: Parameters<MemoryStore['append']>[0]) {
    this.appends++;
    if (this.appends > this.allowed) throw new Error('disk full');
    return super.append(args);
  }
}

const RBF_FILE =
  '---\nid: rbf-1\nshortname: implement-rbf\nstatus: completed\ncreated_at: 2025-01-10T09:00:00Z\nupdated_at: 2025-01-12T17:00:00Z\n---\n\n# Session: Implement RBF\n\n## Progress\n### Completed\n- [x] Fee bumping (2025-01-11T10:00)\n\n## Blockers\n- [x] ~~Waiting on API docs~~ (resolved 2025-01-11T12:00: docs arrived)\n- [x] ~~Waiting on API docs~~ (resolved 2025-01-11T13:00: the same text, raised twice)\n- [ ] Review pending\n';

describe('importing through the journal', () => {
  const actor = { name: 'Ada', email: 'ada@example.com' };
  const parsed = () => [parseSessionFile(SEED_002_FILE, 'active/fix-sweep-bug-abc123.md'), parseSessionFile(RBF_FILE, 'archive/implement-rbf-def456.md')];

  it('writes blockers and their resolutions in one append, so no failure can fall between them', async () => {
    const store = new CountingStore(1);
    const logbook = new Logbook(new Journal({ store, replica: 'aaaaaaaaaaaa', actor }));
    const report = await logbook.importParsed(parsed());
    expect(store.appends).toBe(1);
    expect(report.imported.map((i) => i.file)).toEqual(['active/fix-sweep-bug-abc123.md', 'archive/implement-rbf-def456.md']);
    const snap = await logbook.load();
    const rbf = snap.sessions.sessions.get(report.imported[1]!.session)!;
    expect(rbf.blockers.map((b) => [b.number, b.text, b.resolution ?? null])).toEqual([
      [1, 'Waiting on API docs', 'docs arrived'],
      [2, 'Waiting on API docs', 'the same text, raised twice'],
      [3, 'Review pending', null],
    ]);
    expect(report.imported[1]!.events).toBe((await logbook.journal.events(snap)).filter((e) => e.session === rbf.id).length);
  });

  it('a failed import writes nothing, a retry imports everything, and importing again adds nothing', async () => {
    const store = new CountingStore(0);
    const logbook = new Logbook(new Journal({ store, replica: 'aaaaaaaaaaaa', actor }));
    await expect(logbook.importParsed(parsed())).rejects.toThrow('disk full');
    expect((await store.read()).events).toEqual([]);

    const retry = new CountingStore(1);
    retry.absorb(store);
    const again = new Logbook(new Journal({ store: retry, replica: 'aaaaaaaaaaaa', actor }));
    const first = await again.importParsed(parsed());
    const count = (await again.journal.events()).length;
    expect(count).toBe(first.imported.reduce((n, i) => n + i.events, 0));
    expect((await again.journal.events()).filter((e) => e.type === 'blocker.resolved')).toHaveLength(2);
    const second = await again.importParsed(parsed());
    expect(second.imported).toEqual([]);
    expect(second.skipped.map((s) => s.session)).toEqual(first.imported.map((i) => i.session));
    expect(retry.appends).toBe(1);
    expect((await again.journal.events())).toHaveLength(count);
  });
});

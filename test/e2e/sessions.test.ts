/**
 * The whole session model through the built CLI, as a user runs it: a
 * two-session story (start, log, link tasks and kb items, pause, migrate,
 * close, rebuild) checked file by file; rebuild idempotence down to mtimes;
 * two clones holding the same events writing identical trees; messages read
 * once; import of a seed-002 .sessions tree (twice); tail --follow picking up
 * events from another process and from a plain git fetch.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { BIN, ok, run } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/repo.js';
import { SEED_002_FILE } from '../fixtures/seed002.js';

const json = <T = any>(cwd: string, args: string[]): T => JSON.parse(ok(cwd, [...args, '--json'])) as T;

/** Every file under `dir`: relative path -> contents. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of (readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const file = path.join(dir, rel);
    if (statSync(file).isFile()) out[rel.split(path.sep).join('/')] = readFileSync(file, 'utf8');
  }
  return out;
}

function frontmatter(text: string): Record<string, unknown> {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!m) throw new Error(`no frontmatter in:\n${text}`);
  return parseYaml(m[1]!) as Record<string, unknown>;
}

/** `## ` headings of a markdown file, in order. */
const headings = (text: string) => text.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3));

describe('two sessions, end to end', () => {
  let repo: string;
  let A: { id: string; stable: string; suffix: string };
  let B: { id: string; stable: string; suffix: string };
  let migratedAt: string;

  beforeAll(() => {
    repo = makeRepo();
    ok(repo, ['init']);
    A = json(repo, ['start', '--goal', 'Fix sweep trigger bug', '--name', 'fix-sweep', '--task', '42']);
    ok(repo, ['log', '--done', 'Reproduce bug', '--decision', 'Lock before check', '--rationale', 'simplest fix', '--blocker', 'API docs missing', '--next', 'Add regression test']);
    ok(repo, ['log', '--progress', 'Implement fix', '--discovery', 'Lock ordering matters', '--evidence', 'deadlock in TestSweep']);
    ok(repo, ['link', 'kb:node:37be', '--action', 'created', '--note', 'lock ordering notes']);
    ok(repo, ['link', 'track:project:c3c5', '--action', 'created']);
    ok(repo, ['link', 'task:43', '--action', 'created']);
    ok(repo, ['link', 'task:44', '--action', 'blocked', '--note', 'needs review']);
    ok(repo, ['context', '--file', 'sweep/sweeper.go - main logic', '--fact', 'watcher locks before sweeper']);
    ok(repo, ['subsession', 'start', 'Phase 1']);
    ok(repo, ['subsession', 'start', 'Phase 2']);
    ok(repo, ['subsession', 'end', '--summary', 'mutex in place']);
    ok(repo, ['log', '--resolve', '1', '--note', 'docs arrived']);
    ok(repo, ['pause', '--note', 'switching machines']);
    B = json(repo, ['start', '--goal', 'Finish the sweep fix', '--name', 'sweep-2', '--group', 'sweep']);
    const migrated = json<{ keys: string[]; events: Array<{ at: string }> }>(repo, ['migrate', 'fix-sweep', 'sweep-2']);
    expect(migrated.keys).toEqual(['kb:node:37be', 'task:42', 'task:43', 'task:44', 'track:project:c3c5']);
    migratedAt = migrated.events[0]!.at;
    ok(repo, ['link', 'task:43', '--action', 'completed']);
    ok(repo, ['message', 'send', '--to', 'fix-sweep', 'please double-check the mutex']);
    ok(repo, ['state', 'set', '--todo', 'ship 1.0', '--todo', 'write docs', '--focus', 'sweep bug', '--next', 'release']);
    ok(repo, ['close', '--complete', '--summary', 'sweep fixed', '--learning', 'lock first']);
  });

  it('rebuild writes the whole tree from the events', () => {
    const r = json<{ written: string[]; removed: string[] }>(repo, ['rebuild']);
    const files = [
      'agenda.json',
      'agenda.md',
      'items.json',
      'items.md',
      `sessions/active/fix-sweep-${A.suffix}.md`,
      `sessions/archive/sweep-2-${B.suffix}.md`,
      `sessions/journal/${A.suffix}/progress.md`,
      `sessions/journal/${B.suffix}/progress.md`,
      'state.json',
      'stats.json',
    ].sort();
    expect(r.written.sort()).toEqual(files);
    // …and the manifest of what it wrote, the only files a later rebuild may overwrite or remove.
    expect(Object.keys(tree(path.join(repo, '.logbook')))).toEqual(['.logbook-rebuild.json', ...files]);
    expect(Object.keys(JSON.parse(tree(path.join(repo, '.logbook'))['.logbook-rebuild.json']!).files)).toEqual(files);
    expect(git(repo, 'status', '--porcelain')).toBe(''); // .logbook/ is git-ignored by init
  });

  it('the paused session file: frontmatter a YAML parser reads, every seed-002 section, filled from events', () => {
    const text = readFileSync(path.join(repo, `.logbook/sessions/active/fix-sweep-${A.suffix}.md`), 'utf8');
    const fm = frontmatter(text);
    expect(fm).toMatchObject({ id: A.id, shortname: 'fix-sweep', status: 'paused', task_ids: ['42'], compaction_count: 0, git_branch: 'main' });
    expect(fm.git_last_commit).toBe(git(repo, 'rev-parse', '--short=12', 'HEAD').trim());
    expect(Date.parse(fm.created_at as string)).toBeLessThanOrEqual(Date.parse(fm.updated_at as string));
    expect(headings(text)).toEqual(['TL;DR (Read This First)', 'Context', 'Progress', 'Decisions', 'Discoveries', 'Blockers', 'Next Steps', 'Timeline', 'Work Blocks', 'Linked Items']);
    expect(text).toContain('**Progress**: 1/3 steps complete');
    expect(text).toContain('**Current**: Implement fix');
    expect(text).toContain('**Blocker**: None');
    expect(text).toMatch(/- \[x\] Reproduce bug \(\d{4}-\d\d-\d\dT\d\d:\d\d\)/);
    expect(text).toMatch(/- \[ \] Implement fix \(.+\) +<- CURRENT/);
    expect(text).toMatch(/### 1\. Lock before check \(.+\)\n\*\*Choice\*\*: Lock before check\n\*\*Rationale\*\*: simplest fix/);
    expect(text).toContain('1. Lock ordering matters');
    expect(text).toContain('Evidence: deadlock in TestSweep');
    expect(text).toMatch(/- \[x\] #1 ~~API docs missing~~ \(resolved .+: docs arrived\)/);
    expect(text).toMatch(/## Timeline\n- \d{4}-\d\d-\d\dT\d\d:\d\d paused: switching machines\n/);
    expect(text).toContain('- `sweep/sweeper.go` - main logic');
    expect(text).toContain('- watcher locks before sweeper');
    expect(text).toMatch(/- sub_001: Phase 1 \(.+ – .+\)\n- sub_002: Phase 2 \(.+ – .+\) — mutex in place/);
    expect(text).toContain(`- task:42 (migrated to ${B.stable})`);
  });

  it('the completed session file is archived with its outcome; progress.md is the quick context', () => {
    const text = readFileSync(path.join(repo, `.logbook/sessions/archive/sweep-2-${B.suffix}.md`), 'utf8');
    expect(frontmatter(text)).toMatchObject({ id: B.id, status: 'completed', group: 'sweep' });
    expect(text).toContain('**Outcome**: completed');
    expect(text).toContain('**Summary**: sweep fixed');
    expect(text).toContain('- lock first');
    expect(text).toContain('- task:43 (completed)');
    const progress = readFileSync(path.join(repo, `.logbook/sessions/journal/${A.suffix}/progress.md`), 'utf8');
    expect(headings(progress)).toEqual(['TL;DR', 'Next Steps', 'Log']);
    expect(progress).toMatch(/session\.paused: switching machines/);
  });

  it('agenda, items, state and stats follow seed 000 and the migration', () => {
    const agenda = JSON.parse(readFileSync(path.join(repo, '.logbook/agenda.json'), 'utf8'));
    const byId = Object.fromEntries(agenda.sessions.map((s: { id: string }) => [s.id, s]));
    expect(byId[A.id]).toMatchObject({ completed: [], in_progress: [], blockers: [], track_projects: [], context_keys: [] }); // all migrated to B
    expect(byId[B.id]).toMatchObject({ completed: ['task:43'], in_progress: ['task:42'], blockers: ['task:44'], track_projects: ['track:project:c3c5'], context_keys: ['kb:node:37be'] });
    expect(json(repo, ['agenda', B.stable])).toEqual(byId[B.id]);

    const items = JSON.parse(readFileSync(path.join(repo, '.logbook/items.json'), 'utf8')).items;
    const task42 = items.find((i: { key: string }) => i.key === 'task:42');
    expect(task42).toMatchObject({ origin_session: A.stable, session_ids: [A.stable, B.stable], current_session: B.id, migrated_from: A.id, migrated_at: migratedAt, status: 'created', open: true });
    expect(json(repo, ['item', 'task:42'])).toEqual(task42);
    expect(json<{ items: unknown[] }>(repo, ['items', '--open']).items).toHaveLength(4);

    expect(JSON.parse(readFileSync(path.join(repo, '.logbook/state.json'), 'utf8'))).toMatchObject({ todo: ['ship 1.0', 'write docs'], focus: 'sweep bug', next: ['release'] });
    expect(JSON.parse(readFileSync(path.join(repo, '.logbook/stats.json'), 'utf8'))).toMatchObject({ total: 2, active: 0, paused: 1, completed: 1, abandoned: 0, stale: 0, completion_rate: 1 });
    expect(json(repo, ['stats'])).toMatchObject({ total: 2, paused: 1, completed: 1, groups: { sweep: { total: 1, completed: 1 } } });
  });

  it('a second rebuild with no new events changes nothing, not even mtimes', () => {
    const dir = path.join(repo, '.logbook');
    const before = Object.keys(tree(dir)).map((f) => [f, statSync(path.join(dir, f)).mtimeMs]);
    const r = json<{ written: string[]; removed: string[]; unchanged: number }>(repo, ['rebuild']);
    expect(r).toMatchObject({ written: [], removed: [], unchanged: 10 });
    expect(Object.keys(tree(dir)).map((f) => [f, statSync(path.join(dir, f)).mtimeMs])).toEqual(before);
  });

  it('resume shows the unread message once, and closing moves the file to archive/', () => {
    const first = json<{ context: string; marked_read: string[] }>(repo, ['resume', 'fix-sweep']);
    expect(first.context).toContain('## Unread messages');
    expect(first.context).toContain('please double-check the mutex');
    expect(first.marked_read).toHaveLength(1);
    const second = ok(repo, ['resume', 'fix-sweep']);
    expect(second).not.toContain('please double-check the mutex');
    ok(repo, ['close', '--abandon', '--reason', 'superseded by sweep-2', '--session', 'fix-sweep']);
    const r = json<{ written: string[]; removed: string[] }>(repo, ['rebuild']);
    expect(r.removed).toEqual([`sessions/active/fix-sweep-${A.suffix}.md`]);
    expect(r.written).toContain(`sessions/archive/fix-sweep-${A.suffix}.md`);
    expect(frontmatter(readFileSync(path.join(repo, `.logbook/sessions/archive/fix-sweep-${A.suffix}.md`), 'utf8')).status).toBe('abandoned');
  });

  it('a clone that fetched the journal with stock git but never ran init hears just that, and init reads it without writing to it', () => {
    const clone = makeRepo({ name: 'Grace Hopper' });
    git(clone, 'fetch', '-q', repo, 'refs/logbook/*:refs/logbook/*');
    const before = git(clone, 'for-each-ref', 'refs/logbook/');
    const r = run(clone, ['list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^logbook: this clone holds a journal \(1 replica ref under refs\/logbook\/\) but has not run `logbook init` yet\nhint: run `logbook init` once in this clone/);
    ok(clone, ['init']);
    expect(git(clone, 'for-each-ref', 'refs/logbook/')).toBe(before);
    expect(ok(clone, ['list'])).toContain('fix-sweep');
    // A repository with no journal at all still says so.
    const empty = makeRepo();
    expect(run(empty, ['list']).stderr).toMatch(/^logbook: no Logbook journal in /);
  });

  it('two clones holding the same events (copied with stock git fetch) produce identical trees', () => {
    const clone = makeRepo({ name: 'Grace Hopper' });
    ok(clone, ['init']);
    git(clone, 'fetch', '-q', repo, 'refs/logbook/*:refs/logbook/*');
    ok(clone, ['rebuild']);
    ok(repo, ['rebuild']);
    const mine = tree(path.join(repo, '.logbook'));
    const theirs = tree(path.join(clone, '.logbook'));
    expect(Object.keys(theirs)).toEqual(Object.keys(mine));
    for (const f of Object.keys(mine)) expect(theirs[f], f).toBe(mine[f]);
    // --out writes elsewhere, the same bytes again
    const out = path.join(clone, 'elsewhere');
    ok(clone, ['rebuild', '--out', 'elsewhere']);
    expect(tree(out)).toEqual(mine);
  });

  it('importing the rebuilt tree back into the same journal adds nothing', () => {
    const r = json<{ imported: unknown[]; skipped: Array<{ session: string }> }>(repo, ['import-sessions', '.logbook/sessions']);
    expect(r.imported).toEqual([]);
    expect(r.skipped.map((x) => x.session).sort()).toEqual([A.id, B.id].sort());
  });

  it('errors are clear and change nothing', () => {
    const before = ok(repo, ['tail', '-n', '0', '--json']);
    expect(before).toBe('');
    const r = run(repo, ['migrate', 'sweep-2', 'fix-sweep']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is abandoned/);
    const bad = run(repo, ['link', 'not-a-key']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/type:key/);
    expect(run(repo, ['item', 'task:999']).stderr).toMatch(/no item "task:999"/);
  });
});

describe('import-sessions (seed 002 .sessions tree)', () => {
  it('turns the files into events, and importing twice adds nothing', () => {
    const repo = makeRepo();
    ok(repo, ['init']);
    const today = json<{ id: string }>(repo, ['start', '--goal', 'today', '--name', 'today']);
    const dir = path.join(repo, 'old', '.sessions');
    mkdirSync(path.join(dir, 'active'), { recursive: true });
    mkdirSync(path.join(dir, 'archive'), { recursive: true });
    mkdirSync(path.join(dir, 'journal', 'abc123', 'entries'), { recursive: true });
    writeFileSync(path.join(dir, 'active', 'fix-sweep-bug-abc123.md'), SEED_002_FILE);
    writeFileSync(path.join(dir, 'journal', 'abc123', 'entries', '2025-01-15T10:00:00.md'), 'Started on the sweep trigger.\n');
    writeFileSync(
      path.join(dir, 'archive', 'implement-rbf-def456.md'),
      '---\nid: rbf-1\nshortname: implement-rbf\nstatus: completed\ncreated_at: 2025-01-10T09:00:00Z\nupdated_at: 2025-01-12T17:00:00Z\n---\n\n# Session: Implement RBF\n\n## Progress\n### Completed\n- [x] Fee bumping (2025-01-11T10:00)\n\n## Blockers\n- [x] ~~Waiting on API docs~~ (resolved 2025-01-11T12:00: docs arrived)\n',
    );
    const first = json<{ imported: Array<{ file: string; session: string }>; skipped: unknown[] }>(repo, ['import-sessions', 'old/.sessions']);
    expect(first.imported.map((i) => i.file)).toEqual(['active/fix-sweep-bug-abc123.md', 'archive/implement-rbf-def456.md']);
    expect(first.skipped).toEqual([]);
    const count = ok(repo, ['tail', '-n', '100000', '--json']).trim().split('\n').length;
    const second = json<{ imported: unknown[]; skipped: unknown[] }>(repo, ['import-sessions', 'old/.sessions']);
    expect(second).toMatchObject({ imported: [], skipped: [{ file: 'active/fix-sweep-bug-abc123.md' }, { file: 'archive/implement-rbf-def456.md' }] });
    expect(ok(repo, ['tail', '-n', '100000', '--json']).trim().split('\n').length).toBe(count);

    const view = json<{ session: any; events: Array<{ type: string; at: string; data: any }> }>(repo, ['view', 'fix-sweep-bug']);
    expect(view.session).toMatchObject({ status: 'active', compactionCount: 2, gitBranch: 'fix/sweep-trigger', createdAt: '2025-01-15T10:00:00.000Z', updatedAt: '2025-01-15T14:30:00.000Z' });
    expect(view.session.decisions[0]).toMatchObject({ text: 'Lock-first approach: Lock before check', at: '2025-01-15T12:15:00.000Z' });
    expect(view.events.find((e) => e.type === 'session.checkpointed' && e.data.note === 'Started on the sweep trigger.')?.at).toBe('2025-01-15T10:00:00.000Z');
    const rbf = json<{ session: any }>(repo, ['view', 'implement-rbf']).session;
    expect(rbf).toMatchObject({ status: 'completed', blockers: [{ text: 'Waiting on API docs', resolvedAt: '2025-01-11T12:00:00.000Z', resolution: 'docs arrived' }] });
    // Old history does not take over as the current session, and is listed by its age.
    ok(repo, ['log', '--next', 'still today']);
    expect(json<{ session: { next: Array<{ text: string }> } }>(repo, ['view', today.id]).session.next.map((n) => n.text)).toEqual(['still today']);
    expect(ok(repo, ['list', '--status', 'stale'])).toContain('fix-sweep-bug');
    expect(ok(repo, ['list']).split('\n')[0]).toContain('today');
  });
});

describe('tail --follow', () => {
  it('prints events as they are appended, also those that arrive by git fetch, and stops on SIGINT', async () => {
    const repo = makeRepo();
    ok(repo, ['init']);
    ok(repo, ['start', '--goal', 'watch me', '--name', 'watched']);
    const other = makeRepo({ name: 'Grace Hopper' });
    ok(other, ['init']);
    ok(other, ['start', '--goal', 'from the other clone', '--name', 'elsewhere']);

    const child = spawn(process.execPath, [BIN, 'tail', '--follow', '--interval', '100', '-n', '1'], { cwd: repo, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const waitFor = async (pattern: RegExp) => {
      for (let i = 0; i < 100 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toMatch(pattern);
    };
    await waitFor(/session\.started\(s_\w+\): watch me/);
    ok(repo, ['log', '--next', 'appended by another process']);
    await waitFor(/next\(s_\w+\): appended by another process/);
    git(repo, 'fetch', '-q', other, 'refs/logbook/*:refs/logbook/*');
    await waitFor(/session\.started\(s_\w+\): from the other clone/);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(3);
  });
});

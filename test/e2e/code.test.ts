/**
 * Code and sessions end to end: the built CLI, stock git and the installed
 * git hooks in real repositories. Commits, amends, rebases (plain and
 * interactive), cherry-picks from another session, squash merges, two clones
 * syncing; the user's own hook, core.hooksPath, worktrees; the user's commits
 * left exactly as git made them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ok, run } from '../helpers/cli.js';
import { expectHookError, watchHookErrors } from '../helpers/hookErrors.js';
import { makeBareRepo, makeRepo, tempDir } from '../helpers/repo.js';

/** Stock git with the environment of a user's shell (LOGBOOK_SESSION and friends reach the hooks). */
function g(cwd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', LOGBOOK_SESSION: '', LOGBOOK_CLIENT_SESSION: '', ...env },
  });
}

function write(dir: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
}

function commit(dir: string, message: string, files: Record<string, string>, env: Record<string, string> = {}): string {
  for (const [f, t] of Object.entries(files)) write(dir, f, t);
  g(dir, ['add', '-A'], env);
  g(dir, ['commit', '-q', '-m', message], env);
  return g(dir, ['rev-parse', 'HEAD']).trim();
}

interface CommitJson {
  commit: string;
  subject: string;
  branch?: string;
  patch_id?: string;
  files: string[];
  replaces?: { commit: string; why: string };
  became: Array<{ commit: string; why: string; session: string }>;
}

const commitsOf = (dir: string, session?: string): CommitJson[] => JSON.parse(ok(dir, ['commits', ...(session ? [session] : []), '--json'])).commits;
const whyJson = (dir: string, target: string) => JSON.parse(ok(dir, ['why', target, '--json']));
const startSession = (dir: string, goal: string, name: string): string => {
  ok(dir, ['start', '--goal', goal, '--name', name]);
  return JSON.parse(ok(dir, ['view', name, '--json'])).session.id as string;
};

function project(): string {
  const dir = makeRepo();
  ok(dir, ['init']);
  ok(dir, ['hooks', 'install', '--git']);
  watchHookErrors(dir); // every commit runs the hooks: they must log no error unless the test expects one
  return dir;
}

describe('hooks install --git', () => {
  it('installs post-commit and post-rewrite, keeps the user hook running with its output and status, is idempotent, and uninstall restores it byte for byte', () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    watchHookErrors(dir);
    const user = '#!/bin/sh\necho "user hook ran $*"\nexit 3\n';
    write(dir, '.git/hooks/post-commit', user);
    chmodSync(path.join(dir, '.git/hooks/post-commit'), 0o750);
    const first = ok(dir, ['hooks', 'install', '--git']);
    expect(first).toContain('post-commit: installed (your hook, kept in');
    const installed = readFileSync(path.join(dir, '.git/hooks/post-commit'), 'utf8');
    expect(ok(dir, ['hooks', 'install', '--git'])).toContain('already installed, nothing changed');
    expect(readFileSync(path.join(dir, '.git/hooks/post-commit'), 'utf8')).toBe(installed);
    // The hook as git runs it: the user's output and exit status come through.
    const r = spawnSync(path.join(dir, '.git/hooks/post-commit'), ['x'], { cwd: dir, encoding: 'utf8' });
    expect(r.stdout).toBe('user hook ran x\n');
    expect(r.status).toBe(3);
    // …and a real commit still runs it.
    write(dir, 'a.txt', 'a\n');
    g(dir, ['add', 'a.txt']);
    const c = spawnSync('git', ['commit', '-q', '-m', 'a'], { cwd: dir, encoding: 'utf8' });
    expect(c.status).toBe(0);
    expect(`${c.stdout}${c.stderr}`).toContain('user hook ran');
    const removed = ok(dir, ['hooks', 'uninstall', '--git']);
    expect(removed).toContain('post-commit: removed (your hook is back)');
    expect(readFileSync(path.join(dir, '.git/hooks/post-commit'), 'utf8')).toBe(user);
    expect(statSync(path.join(dir, '.git/hooks/post-commit')).mode & 0o777).toBe(0o750);
    expect(existsSync(path.join(dir, '.git/hooks/post-rewrite'))).toBe(false);
    expect(ok(dir, ['hooks', 'uninstall', '--git'])).toContain('no Logbook hooks, nothing changed');
  });

  it('refuses to replace a hook committed in the repository (core.hooksPath in the work tree), changing nothing', () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    mkdirSync(path.join(dir, '.githooks'));
    const hook = path.join(dir, '.githooks/post-commit');
    writeFileSync(hook, '#!/bin/sh\necho team hook\n', { mode: 0o755 });
    g(dir, ['add', '.githooks/post-commit']);
    g(dir, ['commit', '-q', '-m', 'team hooks']);
    g(dir, ['config', 'core.hooksPath', '.githooks']);
    const r = run(dir, ['hooks', 'install', '--git']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is committed in this repository');
    expect(r.stderr).toContain('hint:');
    expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\necho team hook\n');
    expect(existsSync(path.join(dir, '.githooks/post-rewrite'))).toBe(false);
    expect(g(dir, ['status', '--porcelain'])).toBe('');
  });

  it('honours core.hooksPath, and a linked worktree installs where git looks and records its branch', () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    watchHookErrors(dir);
    g(dir, ['config', 'core.hooksPath', '.githooks']);
    ok(dir, ['hooks', 'install', '--git']);
    expect(existsSync(path.join(dir, '.githooks/post-commit'))).toBe(true);
    expect(existsSync(path.join(dir, '.git/hooks/post-commit'))).toBe(false);
    g(dir, ['config', '--unset', 'core.hooksPath']);
    const wt = path.join(tempDir(), 'wt');
    g(dir, ['worktree', 'add', '-q', '-b', 'feature', wt]);
    ok(wt, ['hooks', 'install', '--git']);
    expect(existsSync(path.join(dir, '.git/hooks/post-commit'))).toBe(true);
    startSession(wt, 'Work in a worktree', 'wt-work');
    const c = commit(wt, 'in the worktree', { 'w.txt': 'w\n' });
    expect(commitsOf(wt).map((x) => [x.commit, x.branch])).toEqual([[c, 'feature']]);
    g(dir, ['config', 'core.hooksPath', '.githooks']);
    const c2 = commit(dir, 'through hooksPath', { 'h.txt': 'h\n' });
    expect(commitsOf(dir).map((x) => x.commit)).toEqual([c2, c]);
  });

  it('a hook that cannot record still lets git commit, exits 0 and logs to hook-errors.log', () => {
    const dir = project();
    startSession(dir, 'Broken spool', 'broken');
    mkdirSync(path.join(dir, '.git/logbook/commits.spool'), { recursive: true }); // a directory where the spool file goes
    const c = spawnSync('git', ['commit', '-q', '--allow-empty', '-m', 'still works'], { cwd: dir, encoding: 'utf8' });
    expect(c.status).toBe(0);
    expect(c.stderr).toBe('');
    expectHookError(dir, /^git post-commit internal: .*EISDIR/, { lines: 1 });
  });

  it('a journal that cannot be read is logged, not taken for "no session open": the commit stays spooled and is recorded once the journal reads again', () => {
    const dir = project();
    startSession(dir, 'Broken journal', 'broken');
    const ref = g(dir, ['for-each-ref', '--format=%(refname)', 'refs/logbook/replicas/']).trim();
    const tip = g(dir, ['rev-parse', ref]).trim();
    const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: 'not a commit\n', encoding: 'utf8' }).trim();
    g(dir, ['update-ref', ref, blob]);
    const c = spawnSync('git', ['commit', '-q', '--allow-empty', '-m', 'while the journal is broken'], { cwd: dir, encoding: 'utf8', env: { ...process.env, LOGBOOK_SESSION: '' } });
    expect(c.status).toBe(0);
    expect(c.stderr).toBe('');
    const head = g(dir, ['rev-parse', 'HEAD']).trim();
    ok(dir, ['git-hook', 'drain']); // waits for the hook's own drain, then drains what is left
    expectHookError(dir, /^git drain CORRUPT_OBJECT: cannot read commit/);
    g(dir, ['update-ref', ref, tip]); // the user repairs the journal
    expect(commitsOf(dir, 'broken').map((x) => x.commit)).toEqual([head]);
  });

  it('a commit whose LOGBOOK_SESSION names a session this clone does not hold is not recorded, and hook-errors.log says why', () => {
    const dir = project();
    startSession(dir, 'Real work', 'real');
    const c = spawnSync('git', ['commit', '-q', '--allow-empty', '-m', 'with a stale session'], { cwd: dir, encoding: 'utf8', env: { ...process.env, LOGBOOK_SESSION: 's_zzzz' } });
    expect([c.status, c.stderr]).toEqual([0, '']);
    ok(dir, ['git-hook', 'drain']); // waits for the hook's own drain
    expectHookError(dir, /^git drain: commit not recorded UNKNOWN_SESSION: .*s_zzzz/);
    expect(commitsOf(dir, 'real')).toEqual([]);
  });
});

describe('recording commits', () => {
  it('records nothing while no session is open, then the commit with its files, branch and patch id; commits stay byte for byte as git made them', () => {
    const dir = project();
    commit(dir, 'before any session', { 'a.txt': 'one\n' });
    const id = startSession(dir, 'Parser work', 'parser');
    const env = { GIT_AUTHOR_DATE: '2026-01-02T10:00:00Z', GIT_COMMITTER_DATE: '2026-01-02T10:00:00Z' };
    const c = commit(dir, 'Parse the header\n\nBody line.', { 'src/p.ts': 'export const p = 1;\n' }, env);
    const [rec] = commitsOf(dir);
    expect(rec).toMatchObject({ commit: c, subject: 'Parse the header', branch: 'main', files: ['src/p.ts'], became: [] });
    expect(rec!.patch_id).toBe(execFileSync('git', ['patch-id', '--stable'], { input: g(dir, ['show', c]), encoding: 'utf8' }).split(' ')[0]);
    expect(commitsOf(dir)).toHaveLength(1);
    // The same commit made in a repository without Logbook has the same id: nothing added (no trailer, no note).
    const plain = makeRepo();
    g(plain, ['fetch', '-q', dir, 'main']);
    g(plain, ['checkout', '-q', '-b', 'base', 'FETCH_HEAD~1']);
    expect(commit(plain, 'Parse the header\n\nBody line.', { 'src/p.ts': 'export const p = 1;\n' }, env)).toBe(c);
    expect(g(dir, ['notes', 'list'])).toBe('');
    g(dir, ['fsck', '--strict', '--no-progress']);
    const view = JSON.parse(ok(dir, ['view', '--json']));
    expect(view.session.id).toBe(id);
    expect(view.events.filter((e: { type: string }) => e.type === 'commit.linked')).toHaveLength(1);
  });

  it("an agent's commit goes to the session bound to its conversation (LOGBOOK_CLIENT_SESSION), and a user post-rewrite hook still gets the rewrite list", () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    watchHookErrors(dir);
    write(dir, '.git/hooks/post-rewrite', `#!/bin/sh\ncat > "${dir}/.git/rewrites-seen"\necho "user post-rewrite $1"\n`);
    chmodSync(path.join(dir, '.git/hooks/post-rewrite'), 0o755);
    ok(dir, ['hooks', 'install', '--git']);
    ok(dir, ['start', '--goal', 'Agent conversation', '--name', 'convo'], { env: { LOGBOOK_CLIENT_SESSION: 'claude-123', LOGBOOK_AGENT: 'claude-code' } });
    ok(dir, ['start', '--goal', 'Newer session', '--name', 'newer']);
    const agentEnv = { LOGBOOK_CLIENT_SESSION: 'claude-123', LOGBOOK_AGENT: 'claude-code' };
    const c = commit(dir, 'by the agent', { 'x.txt': 'x\n' }, agentEnv);
    const r = spawnSync('git', ['commit', '-q', '--amend', '-m', 'by the agent, amended'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...agentEnv } });
    expect(r.status).toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('user post-rewrite amend');
    const amended = g(dir, ['rev-parse', 'HEAD']).trim();
    expect(readFileSync(path.join(dir, '.git/rewrites-seen'), 'utf8')).toBe(`${c} ${amended}\n`);
    expect(commitsOf(dir, 'convo').map((x) => x.commit)).toEqual([amended, c]);
    expect(commitsOf(dir, 'newer')).toEqual([]);
    const w = whyJson(dir, 'x.txt:1');
    expect(w.sessions[0]).toMatchObject({ shortname: 'convo', agent: 'claude-code' });
  });

  it('an agent committing records on its own session (LOGBOOK_SESSION), not the newest one; a merge commit has no patch id', () => {
    const dir = project();
    const mine = startSession(dir, 'Agent A', 'agent-a');
    startSession(dir, 'Agent B', 'agent-b');
    const c = commit(dir, 'from A', { 'a.txt': 'a\n' }, { LOGBOOK_SESSION: mine });
    expect(commitsOf(dir, 'agent-a').map((x) => x.commit)).toEqual([c]);
    expect(commitsOf(dir, 'agent-b')).toEqual([]);
    g(dir, ['checkout', '-q', '-b', 'topic', 'HEAD~1']);
    commit(dir, 'topic work', { 't.txt': 't\n' });
    g(dir, ['checkout', '-q', 'main']);
    // `git merge` itself runs post-merge, not post-commit; a merge concluded by `git commit` is recorded.
    g(dir, ['merge', '-q', '--no-ff', '--no-commit', 'topic']);
    g(dir, ['commit', '-q', '-m', 'merge topic']);
    const merge = commitsOf(dir, 'agent-b').find((x) => x.subject === 'merge topic')!;
    expect(merge.patch_id).toBeUndefined();
    expect(merge.files).toEqual(['t.txt']);
  });

  it('a merge commit made by `git merge` itself (post-merge) is recorded; a fast-forward and a squash merge add no commit of their own', () => {
    const dir = project();
    startSession(dir, 'Merging', 'merging');
    const base = g(dir, ['rev-parse', 'HEAD']).trim();
    g(dir, ['checkout', '-q', '-b', 'topic']);
    const t = commit(dir, 'topic work', { 't.txt': 't\n' });
    g(dir, ['checkout', '-q', '-b', 'ff', base]);
    g(dir, ['merge', '-q', '--ff-only', 'topic']); // HEAD moves to the topic commit: not a new commit
    g(dir, ['checkout', '-q', '-b', 'sq', base]);
    g(dir, ['merge', '-q', '--squash', 'topic']); // nothing committed yet
    g(dir, ['checkout', '-q', '-f', 'main']);
    commit(dir, 'main work', { 'm.txt': 'm\n' });
    g(dir, ['merge', '-q', '--no-ff', '-m', 'merge topic into main', 'topic']);
    const merge = g(dir, ['rev-parse', 'HEAD']).trim();
    const got = commitsOf(dir, 'merging');
    expect(got.map((x) => x.subject)).toEqual(['merge topic into main', 'main work', 'topic work']);
    expect(got[0]).toMatchObject({ commit: merge, branch: 'main', files: ['t.txt'] });
    expect(got[0]!.patch_id).toBeUndefined();
    expect(got.filter((x) => x.commit === t)).toHaveLength(1);
  });
});

describe('rewrites', () => {
  it('an interactive rebase that squashes commits of two sessions into one keeps leading back to both', () => {
    const dir = project();
    const a = startSession(dir, 'Session A', 'sess-a');
    commit(dir, 'A adds f', { 'f.txt': 'f\n' }, { LOGBOOK_SESSION: a });
    const b = startSession(dir, 'Session B', 'sess-b');
    commit(dir, 'B adds g', { 'g.txt': 'g\n' }, { LOGBOOK_SESSION: b });
    g(dir, ['rebase', '-q', '-i', 'HEAD~2'], { LOGBOOK_SESSION: b, GIT_SEQUENCE_EDITOR: `sed -i -e '2s/^pick/fixup/'` });
    expect(g(dir, ['rev-list', '--count', 'HEAD']).trim()).toBe('2');
    const sessionsOf = (file: string) => (whyJson(dir, file).sessions as Array<{ id: string }>).map((s) => s.id);
    expect(sessionsOf('f.txt')).toContain(a);
    expect(sessionsOf('g.txt')).toContain(b);
    // Each squashed commit says what it became.
    const squashed = g(dir, ['rev-parse', 'HEAD']).trim();
    for (const s of [a, b]) expect(commitsOf(dir, s).some((c) => c.became.some((x) => x.commit === squashed)), s).toBe(true);
  });

  it('amend, plain rebase onto a moved branch and an interactive rebase keep leading back to the session', () => {
    const dir = project();
    const id = startSession(dir, 'Retry logic', 'retry');
    ok(dir, ['log', '--decision', 'Retry with backoff in src/retry.ts', '--rationale', 'the API rate-limits']);
    ok(dir, ['log', '--discovery', 'The API returns 429 with Retry-After']);
    ok(dir, ['link', 'file:src/retry.ts', '--note', 'the retry loop']);
    g(dir, ['checkout', '-q', '-b', 'feature']);
    const c1 = commit(dir, 'retry', { 'src/retry.ts': 'export const retries = 3;\nexport const backoff = 2;\nexport const name = "retry";\n' });
    g(dir, ['commit', '-q', '--amend', '-m', 'retry with backoff']);
    const c2 = g(dir, ['rev-parse', 'HEAD']).trim();
    const afterAmend = commitsOf(dir);
    expect(afterAmend[0]).toMatchObject({ commit: c2, replaces: { commit: c1, why: 'amend' } });
    expect(afterAmend[1]).toMatchObject({ commit: c1, became: [{ commit: c2, why: 'amend', session: id }] });
    expect(ok(dir, ['commits'])).toContain(`amended into ${c2.slice(0, 12)}`);
    // main moves on; feature is rebased onto it.
    g(dir, ['checkout', '-q', 'main']);
    commit(dir, 'unrelated', { 'other.txt': 'o\n' }, { LOGBOOK_GIT_HOOKS: 'off' });
    g(dir, ['checkout', '-q', 'feature']);
    g(dir, ['rebase', '-q', 'main']);
    const c3 = g(dir, ['rev-parse', 'HEAD']).trim();
    expect(commitsOf(dir)[0]).toMatchObject({ commit: c3, replaces: { commit: c2, why: 'rebase' } });
    // Two more commits squashed by an interactive rebase (fixup), editor-free.
    commit(dir, 'tune', { 'src/retry.ts': 'export const retries = 5;\nexport const backoff = 2;\nexport const name = "retry";\n' });
    commit(dir, 'tune more', { 'src/retry.ts': 'export const retries = 5;\nexport const backoff = 3;\nexport const name = "retry";\n' });
    g(dir, ['rebase', '-q', '-i', 'HEAD~2'], { GIT_SEQUENCE_EDITOR: "sed -i -e '2s/^pick/fixup/'" });
    const squashed = g(dir, ['rev-parse', 'HEAD']).trim();
    const top = commitsOf(dir)[0]!;
    expect(top.commit).toBe(squashed);
    expect(top.replaces?.why).toBe('rebase');
    const w = whyJson(dir, 'src/retry.ts:1-3');
    expect(w.sessions).toHaveLength(1);
    expect(w.sessions[0]).toMatchObject({ id, title: 'Retry logic', lines: [1, 2, 3] });
    expect(w.sessions[0].commits.map((c: { commit: string }) => c.commit).sort()).toEqual([c3, squashed].sort());
    const kinds = w.sessions[0].entries.map((e: { kind: string; concern: string }) => `${e.kind}/${e.concern}`);
    expect(kinds.slice(0, 2).sort()).toEqual(['decision/mentions the file', 'file/linked']);
    expect(kinds).toContain('discovery/around the commit');
    const text = ok(dir, ['why', 'src/retry.ts:2']);
    expect(text).toContain('## s_');
    expect(text).toContain('retry — Retry logic');
    expect(text).toContain('decision: Retry with backoff in src/retry.ts — the API rate-limits [mentions the file');
  });

  it('a cherry-pick to another branch from another session, and a squash merge nobody recorded, still lead back', () => {
    const dir = project();
    const a = startSession(dir, 'Write the cache', 'cache');
    ok(dir, ['log', '--decision', 'LRU eviction for the cache']);
    g(dir, ['checkout', '-q', '-b', 'feature']);
    const picked = commit(dir, 'add cache', { 'cache.ts': 'export const size = 100;\n' }, { LOGBOOK_SESSION: a });
    g(dir, ['checkout', '-q', 'main']);
    g(dir, ['checkout', '-q', '-b', 'release']);
    const b = startSession(dir, 'Release prep', 'release');
    // A later committer date: within the same second the copy would be byte-identical to the original (same tree, parent, author, message).
    g(dir, ['cherry-pick', picked], { LOGBOOK_SESSION: b, GIT_COMMITTER_DATE: '2030-01-01T00:00:00Z' });
    const copy = g(dir, ['rev-parse', 'HEAD']).trim();
    expect(commitsOf(dir, 'release')[0]).toMatchObject({ commit: copy, replaces: { commit: picked, why: 'cherry-pick' } });
    expect(ok(dir, ['commits', 'cache'])).toContain(`cherry-picked as ${copy.slice(0, 12)} in s_${b.slice(-4)}`);
    const w = whyJson(dir, 'cache.ts:1');
    expect(w.sessions.map((s: { id: string }) => s.id)).toEqual([b, a]);
    expect(w.sessions[1].entries.map((e: { text: string }) => e.text)).toContain('LRU eviction for the cache');
    // Squash-merge feature into main with every session closed: nothing records it, the patch id still finds the session.
    ok(dir, ['close', '--session', 'release', '--complete']);
    ok(dir, ['close', '--session', 'cache', '--complete']);
    g(dir, ['checkout', '-q', 'main']);
    g(dir, ['merge', '-q', '--squash', 'feature']);
    g(dir, ['commit', '-q', '-m', 'squash feature']);
    const squash = whyJson(dir, 'cache.ts');
    expect(squash.sessions.map((s: { id: string }) => s.id)).toEqual([a]);
    expect(squash.sessions[0].commits[0].how).toBe(`same patch as ${picked.slice(0, 12)}`);
  });
});

describe('the session shows its commits', () => {
  it('in the session file, view --json, the resume context, the rebuilt tree and the MCP why tool', async () => {
    const dir = project();
    const id = startSession(dir, 'Shown commits', 'shown');
    const c = commit(dir, 'add the widget', { 'widget.ts': 'export const w = 1;\n' });
    g(dir, ['commit', '-q', '--amend', '-m', 'add the widget (amended)']);
    const amended = g(dir, ['rev-parse', 'HEAD']).trim();
    ok(dir, ['commits']); // records what the hooks spooled
    const file = ok(dir, ['view']);
    const section = file.slice(file.indexOf('## Commits'));
    expect(section.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d/g, 'TIME')).toBe(
      `## Commits\n- ${amended.slice(0, 12)} TIME [main] add the widget (amended) — amend of ${c.slice(0, 12)}\n- ${c.slice(0, 12)} TIME [main] add the widget — amended into ${amended.slice(0, 12)}\n`,
    );
    expect(JSON.parse(ok(dir, ['view', '--json'])).commits.map((x: CommitJson) => x.commit)).toEqual([amended, c]);
    expect(ok(dir, ['resume'])).toContain(`## Recent commits\n- ${amended.slice(0, 12)}`);
    ok(dir, ['rebuild']);
    expect(readFileSync(path.join(dir, `.logbook/sessions/active/shown-${id.slice(-4)}.md`), 'utf8')).toContain(section.trimEnd());
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^LOGBOOK_/.test(k)) env[k] = v;
    const client = new Client({ name: 'code-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: dir, env: { ...env, GIT_CONFIG_NOSYSTEM: '1' } }));
    try {
      const r = (await client.callTool({ name: 'why', arguments: { path: 'widget.ts:1' } })) as unknown as { content: Array<{ text: string }>; structuredContent: { sessions: Array<{ id: string }> } };
      expect(r.structuredContent.sessions.map((x) => x.id)).toEqual([id]);
      expect(r.content[0]!.text).toContain('shown — Shown commits');
      const bad = (await client.callTool({ name: 'why', arguments: { path: 'widget.ts:9' } })) as unknown as { isError?: boolean; content: Array<{ text: string }> };
      expect(bad.isError).toBe(true);
      expect(bad.content[0]!.text).toContain('out of range');
    } finally {
      await client.close();
    }
  });
});

describe('why', () => {
  it('says clearly what is wrong: unknown path, untracked file, line out of range, a file outside the repository, no git binary', () => {
    const dir = project();
    commit(dir, 'two lines', { 'a.txt': '1\n2\n' });
    const cases: Array<[string[], RegExp, Record<string, string>?]> = [
      [['why', 'nope.txt'], /no file nope\.txt/],
      [['why', 'a.txt:3'], /line 3 is out of range: a\.txt has 2 line\(s\)/],
      [['why', 'a.txt:2-1'], /not a range of lines/],
      [['why', path.join(tempDir(), 'x.txt')], /no file|outside the repository/],
      [['why', 'a.txt:1'], /needs the git binary/, { LOGBOOK_GIT_BINARY: 'none' }],
    ];
    write(dir, 'new.txt', 'n\n');
    cases.push([['why', 'new.txt'], /not tracked by git/]);
    const outside = tempDir();
    write(outside, 'o.txt', 'o\n');
    cases.push([['why', path.join(outside, 'o.txt')], /outside the repository/]);
    cases.push([['why', '.'], /top folder, not a file/]);
    // No git on PATH at all (node itself found by its full path).
    const noGit = tempDir();
    cases.push([['why', 'a.txt:1'], /needs the git binary, and none was found on PATH/, { PATH: noGit }]);
    for (const [args, message, env] of cases) {
      const r = run(dir, args, env ? { env } : {});
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).toContain('hint:');
    }
    expect(ok(dir, ['why', 'a.txt:1'])).toContain('Not recorded by any session:');
  });
});

describe('two clones', () => {
  it('commits recorded on one clone explain why on the other after logbook sync, and a rebase there is matched by patch id', () => {
    const remote = makeBareRepo();
    const a = project();
    g(a, ['remote', 'add', 'origin', remote]);
    const id = startSession(a, 'Shared work', 'shared');
    ok(a, ['log', '--decision', 'Keep totals in cents in money.ts']);
    const c = commit(a, 'money in cents', { 'money.ts': 'export const cents = 100;\n' });
    g(a, ['push', '-q', 'origin', 'main']);
    ok(a, ['sync']);
    const b = tempDir();
    g(b, ['clone', '-q', '-b', 'main', remote, 'b']);
    const bDir = path.join(b, 'b');
    g(bDir, ['config', 'user.name', 'Bo']);
    g(bDir, ['config', 'user.email', 'bo@example.com']);
    ok(bDir, ['init']);
    ok(bDir, ['sync']);
    const w = whyJson(bDir, 'money.ts:1');
    expect(w.sessions[0]).toMatchObject({ id, title: 'Shared work', commits: [{ commit: c, how: 'recorded' }] });
    expect(w.sessions[0].entries[0].text).toBe('Keep totals in cents in money.ts');
    // B rebases the commit without Logbook's hooks: the patch id still finds A's session.
    g(bDir, ['checkout', '-q', '-b', 'base', 'HEAD~1']);
    commit(bDir, 'elsewhere', { 'z.txt': 'z\n' });
    g(bDir, ['checkout', '-q', 'main']);
    g(bDir, ['rebase', '-q', 'base']);
    const moved = whyJson(bDir, 'money.ts:1');
    expect(moved.sessions[0].id).toBe(id);
    expect(moved.sessions[0].commits[0].how).toBe(`same patch as ${c.slice(0, 12)}`);
  });
});

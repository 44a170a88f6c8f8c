/**
 * The journal engine end to end: the built CLI as a child process in a real
 * repository, checked afterwards with stock git.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ok, run, runAsync } from '../helpers/cli.js';
import { git, makeRepo, tempDir } from '../helpers/repo.js';

function replicaRef(dir: string): string {
  return `refs/logbook/replicas/${git(dir, 'config', 'logbook.replica').trim()}`;
}

describe('a full session through the CLI', () => {
  it('records every kind of entry, leaves HEAD, index and work tree alone, and passes git fsck --strict', () => {
    const dir = makeRepo();
    const headBefore = git(dir, 'rev-parse', 'HEAD');
    const branchesBefore = git(dir, 'for-each-ref', 'refs/heads');
    expect(ok(dir, ['init'])).toMatch(/Initialised Logbook/);
    expect(ok(dir, ['init'])).toMatch(/already initialised/);
    const started = JSON.parse(ok(dir, ['start', '--goal', 'Fix sweep trigger bug', '--name', 'fix-sweep', '--task', '42', '--json']));
    expect(started.id).toMatch(/^\d{8}_\d{4}_[0-9a-z]{4}$/);
    expect(started.stable).toBe(`s_${started.id.slice(-4)}`);
    expect(started.gitBranch).toBe('main');
    ok(dir, ['log', '--progress', 'Reproduce bug in test']);
    ok(dir, ['log', '--done', 'Reproduce bug in test', '--decision', 'Lock before check', '--rationale', 'Simplest fix', '--option', 'Lock before check', '--option', 'Atomic state']);
    ok(dir, ['log', '--discovery', 'Lock ordering matters', '--evidence', 'sweeper.go:245']);
    ok(dir, ['log', '--blocker', 'Waiting on API docs']);
    ok(dir, ['log', '--next', 'Add regression test']);
    ok(dir, ['log', '--progress', 'Implement fix']);
    ok(dir, ['checkpoint', '--note', 'before refactor']);
    ok(dir, ['log', '--resolve', '1', '--note', 'docs arrived']);
    ok(dir, ['log', '--progress', '-'], { input: 'text from stdin\n' });
    ok(dir, ['pause', '--note', 'lunch']);
    expect(ok(dir, ['list', '--status', 'paused'])).toContain(started.stable);

    const resume = ok(dir, ['resume', started.suffix]);
    expect(resume).toContain('# Resume: Fix sweep trigger bug');
    // `--progress` with no step while "Implement fix" is current is a note on that step, not a new step (SPEC 6).
    expect(resume).toContain('**Progress**: 1/3 steps complete');
    expect(resume).toContain('**Current**: Implement fix (step 2)');
    expect(resume).toContain('  - text from stdin (');
    expect(resume).toContain('**Where you left off**: lunch (');
    expect(resume).toContain('Add regression test');
    expect(resume).toContain('Lock before check — Simplest fix');
    expect(resume).not.toContain('Waiting on API docs (since'); // resolved
    expect(ok(dir, ['list', '--status', 'active'])).toContain(started.stable);

    const view = ok(dir, ['view', 'fix-sweep']);
    expect(view).toMatch(/^---\nid: \d{8}_\d{4}_[0-9a-z]{4}\n/);
    expect(view).toContain('- [x] Reproduce bug in test');
    expect(view).toMatch(/- \[ \] Implement fix \(.+\) +<- CURRENT\n  - text from stdin \(.+\)\n/);
    expect(view.match(/<- CURRENT/g)).toHaveLength(1);
    expect(view).toMatch(/## Timeline\n- .+ checkpoint: before refactor\n- .+ paused: lunch\n- .+ resumed\n/);
    expect(view).toContain('### 1. Lock before check');
    expect(view).toContain('**Rationale**: Simplest fix');
    expect(view).toContain('~~Waiting on API docs~~');
    expect(ok(dir, ['view', '--decisions'])).toContain('**Options**: (1) Lock before check, (2) Atomic state');

    const viewJson = JSON.parse(ok(dir, ['view', '--json']));
    expect(viewJson.events.map((e: { type: string }) => e.type)).toEqual([
      'session.started', 'item.linked', 'progress', 'progress', 'decision', 'discovery', 'blocker', 'next', 'progress',
      'session.checkpointed', 'blocker.resolved', 'progress', 'session.paused', 'session.resumed',
    ]);
    for (const e of viewJson.events) {
      expect(e.actor.name).toBe('Ada Lovelace');
      expect(e.session).toBe(started.id);
    }

    ok(dir, ['close', '--complete', '--summary', 'Fixed', '--learning', 'Lock first']);
    const list = JSON.parse(ok(dir, ['list', '--json']));
    expect(list).toHaveLength(1);
    expect(list[0].status).toBe('completed');

    // Stock git: readable log, strict fsck, nothing else touched.
    const log = git(dir, 'log', '--format=%s', replicaRef(dir));
    expect(log.split('\n')).toContain(`decision(${started.stable}): Lock before check`);
    expect(log.split('\n').slice(0, 2)).toEqual([`item.linked(${started.stable}): task:42 completed`, `session.closed(${started.stable}): completed: Fixed`]);
    git(dir, 'fsck', '--strict', '--no-dangling');
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(headBefore);
    expect(git(dir, 'for-each-ref', 'refs/heads')).toBe(branchesBefore);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    const body = git(dir, 'log', '-1', '--format=%B', replicaRef(dir));
    expect(JSON.parse(body.split('\n\n').slice(1).join('\n\n'))).toMatchObject({ type: 'item.linked', data: { key: 'task:42', action: 'completed' } });
  });

  it('works in a repository with no commits yet', () => {
    const dir = makeRepo({ commit: false });
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'first']);
    ok(dir, ['log', '--progress', 'works']);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(() => git(dir, 'rev-parse', '--verify', 'HEAD')).toThrow();
  });
});

describe('several entries in one command', () => {
  it('a repeated flag writes one event per value, in order', () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'g']);
    ok(dir, ['log', '--next', 'first', '--next', 'second', '--decision', 'a', '--decision', 'b', '--blocker', 'b1', '--blocker', 'b2']);
    ok(dir, ['log', '--resolve', '1', '--resolve', '2', '--note', 'both done']);
    const events = JSON.parse(ok(dir, ['view', '--json'])).events as Array<{ type: string; data: { text?: string } }>;
    const texts = (type: string) => events.filter((e) => e.type === type).map((e) => e.data.text);
    expect(texts('next')).toEqual(['first', 'second']);
    expect(texts('decision')).toEqual(['a', 'b']);
    expect(texts('blocker.resolved')).toEqual(['b1', 'b2']);
    expect(git(dir, 'log', '-1', '--format=%s', replicaRef(dir))).toMatch(/^blocker\.resolved\(s_\w{4}\): b2: both done\n$/);
  });
});

describe('closing', () => {
  it('a completed session completes only the tasks it still holds', () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--name', 'fix-sweep', '--task', 'T-42', '--task', 'T-43', '--task', 'T-44']);
    ok(dir, ['link', 'task:T-43', '--action', 'completed']);
    ok(dir, ['start', '--name', 'other']);
    ok(dir, ['link', 'task:T-42', '--action', 'referenced', '--session', 'fix-sweep']);
    ok(dir, ['migrate', 'fix-sweep', 'other']); // T-42 and T-44 move on
    ok(dir, ['link', 'task:T-44', '--action', 'updated', '--session', 'other']);
    ok(dir, ['start', '--name', 'third', '--task', 'T-50']);
    ok(dir, ['close', '--session', 'fix-sweep', '--complete']);
    ok(dir, ['close', '--session', 'third', '--complete']);
    const status = (key: string) => JSON.parse(ok(dir, ['item', key, '--json'])).status;
    expect(status('task:T-42')).toBe('referenced');
    expect(status('task:T-44')).toBe('updated');
    expect(status('task:T-50')).toBe('completed');
    const completions = (JSON.parse(ok(dir, ['view', 'fix-sweep', '--json'])).events as Array<{ type: string; data: { action?: string } }>).filter((e) => e.type === 'item.linked' && e.data.action === 'completed');
    expect(completions).toHaveLength(1); // T-43's own link, not a second one from close
  });
});

describe('session references', () => {
  it('accepts the full id, stable id, suffix, shortname and a unique prefix; ambiguity lists candidates', () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    const a = JSON.parse(ok(dir, ['start', '--name', 'alpha', '--goal', 'A', '--json']));
    // Short names are unique among open sessions, so the ambiguity here is a prefix of two of them.
    const b = JSON.parse(ok(dir, ['start', '--name', 'alphabet', '--goal', 'B', '--json']));
    for (const ref of [a.id, a.stable, a.suffix]) {
      expect(JSON.parse(ok(dir, ['view', ref, '--json'])).session.id).toBe(a.id);
    }
    expect(JSON.parse(ok(dir, ['view', '--session', b.stable, '--json'])).session.id).toBe(b.id);
    expect(JSON.parse(ok(dir, ['view', 'alpha', '--json'])).session.id).toBe(a.id); // an exact short name wins over a prefix
    const ambiguous = run(dir, ['view', 'alph']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain(a.id);
    expect(ambiguous.stderr).toContain(b.id);
    expect(ambiguous.stderr).toMatch(/hint: /);
    // The newest active session of this replica is current; LOGBOOK_SESSION overrides it.
    ok(dir, ['log', '--next', 'for b']);
    ok(dir, ['log', '--next', 'for a'], { env: { LOGBOOK_SESSION: a.stable } });
    expect(JSON.parse(ok(dir, ['view', a.stable, '--json'])).session.next.map((n: { text: string }) => n.text)).toEqual(['for a']);
    expect(JSON.parse(ok(dir, ['view', b.stable, '--json'])).session.next.map((n: { text: string }) => n.text)).toEqual(['for b']);
  });
});

describe('bad input: one clear line, a hint, a non-zero exit, nothing written', () => {
  function refsSnapshot(dir: string): string {
    return git(dir, 'for-each-ref', 'refs/logbook');
  }

  it('not a git repository', () => {
    const dir = tempDir();
    const r = run(dir, ['start', '--goal', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not inside a git repository\nhint: run `git init`/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('uninitialised journal', () => {
    const dir = makeRepo();
    const r = run(dir, ['log', '--progress', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no Logbook journal.*\nhint: run `logbook init`/);
    expect(existsSync(path.join(dir, '.git', 'refs', 'logbook'))).toBe(false);
  });

  it.each([
    [['log', '--progress'], /option '--progress <text>' argument missing/, 2],
    [['log'], /nothing to log/, 1],
    [['log', '--progress', '   '], /--progress needs a non-empty value/, 1],
    [['log', '--rationale', 'why'], /belong to a --decision/, 1],
    [['log', '--note', 'docs arrived'], /--note belongs to a --resolve/, 1],
    [['log', '--step', 'parser'], /--step belongs to a --progress or --done/, 1],
    [['log', '--resolve', '7'], /has no open blocker/, 1],
    [['view', 'nosuchsession'], /no session matches "nosuchsession"/, 1],
    [['close'], /exactly one of --complete or --abandon/, 1],
    [['close', '--abandon'], /--abandon needs --reason/, 1],
    [['start', '--meta', 'novalue'], /--meta expects key=value/, 1],
    [['resume', '--budget', 'ten'], /whole number of characters/, 2],
    [['frobnicate'], /unknown command 'frobnicate'/, 2],
    [['log', '--decision', '--next'], /option '--decision <text>' argument missing \(the next word, --next, is an option\)/, 2],
    [['log', '--blocker', '--json'], /option '--blocker <text>' argument missing/, 2],
    [['start', '--goal', '--name'], /option '--goal <text>' argument missing/, 2],
    [['log', '--decision', 'a', '--decision', 'b', '--rationale', 'why'], /applies to one --decision, got 2/, 1],
  ])('logbook %j', (args, message, code) => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'g']);
    const before = refsSnapshot(dir);
    const r = run(dir, args as string[]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/hint: /);
    expect(r.stdout).toBe('');
    expect(refsSnapshot(dir)).toBe(before);
  });

  it('no current session', () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    const r = run(dir, ['log', '--progress', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no active session.*\nhint: start one with `logbook start/);
    expect(git(dir, 'for-each-ref', 'refs/logbook')).toBe('');
  });
});

describe('concurrency', () => {
  it('8 processes appending at once lose nothing', async () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'parallel agents']);
    const perWorker = 6;
    const workers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; i < perWorker; i++) {
        const r = await runAsync(dir, ['log', '--progress', `w${w}-${i}`]);
        expect(r.code, r.stderr).toBe(0);
      }
    });
    await Promise.all(workers);
    const events = JSON.parse(ok(dir, ['view', '--json'])).events as Array<{ type: string; data: { text?: string }; clock: number }>;
    const texts = events.filter((e) => e.type === 'progress').map((e) => e.data.text).sort();
    expect(texts).toHaveLength(8 * perWorker);
    expect(new Set(texts).size).toBe(8 * perWorker);
    expect(git(dir, 'rev-list', '--count', replicaRef(dir)).trim()).toBe(String(8 * perWorker + 1));
    git(dir, 'fsck', '--strict', '--no-dangling');
  });
});

/**
 * The small entry of a plain `logbook sync` (dist/sync.cjs, picked by bin/logbook.cjs): it prints
 * exactly what the full CLI prints, and hands everything else to the full CLI without doing or
 * printing anything. Which entry ran is proven with a copy of the package that holds only
 * bin/logbook.cjs and dist/sync.cjs: there, a hand-over fails to find dist/logbook.cjs.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainSyncArgs } from '../../cli/syncBin.js';
import { ROOT } from '../helpers/cli.js';
import { git, makeBareRepo, makeRepo, tempDir } from '../helpers/repo.js';
import { appendMany, lb, lbRun, makeClone, refs } from '../helpers/sync.js';

/** A package with only the launcher and the sync bundle. */
function syncOnlyPackage(): string {
  const pkg = tempDir('logbook-sync-only-');
  mkdirSync(path.join(pkg, 'bin'));
  mkdirSync(path.join(pkg, 'dist'));
  copyFileSync(path.join(ROOT, 'bin', 'logbook.cjs'), path.join(pkg, 'bin', 'logbook.cjs'));
  copyFileSync(path.join(ROOT, 'dist', 'sync.cjs'), path.join(pkg, 'dist', 'sync.cjs'));
  return path.join(pkg, 'bin', 'logbook.cjs');
}

function runBin(bin: string, cwd: string, args: string[], env: Record<string, string | undefined> = {}) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', ...env };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: childEnv });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Two identical copies of a clone and its remote, each copy's origin pointing at its own remote. */
function twin(clone: string, remote: string): Array<{ clone: string; remote: string }> {
  return [1, 2].map(() => {
    const root = tempDir('logbook-twin-');
    const r = path.join(root, 'remote.git');
    const c = path.join(root, 'clone');
    cpSync(remote, r, { recursive: true });
    cpSync(clone, c, { recursive: true });
    git(c, 'remote', 'set-url', 'origin', r);
    return { clone: c, remote: r };
  });
}

const MISSING_CLI = /(ENOENT|Cannot find module).*dist[/\\]logbook\.cjs/;

describe('plain sync entry', () => {
  it('prints what the full CLI prints (text, --json, --no-push) and leaves the same refs', async () => {
    const remote = makeBareRepo();
    const a = await makeClone(remote, 'Ada');
    const b = await makeClone(remote, 'Bob');
    await appendMany(b, 3, 'bob');
    await lb(b, ['sync']);
    await lb(a, ['start', '--goal', 'Shared work']);
    await lb(a, ['log', '--progress', 'One step']);
    const only = syncOnlyPackage();
    for (const args of [['sync'], ['sync', '--json'], ['sync', 'origin', '--no-push'], ['sync', '--no-push', '--json']]) {
      const [fast, full] = twin(a, remote);
      const f = runBin(only, fast!.clone, args);
      const c = runBin(path.join(ROOT, 'bin', 'logbook.cjs'), full!.clone, args, { LOGBOOK_NO_FAST_SYNC: '1' });
      expect(f.stderr, args.join(' ')).toBe('');
      expect(f.code, args.join(' ')).toBe(0);
      expect(c.code).toBe(0);
      expect(f.stdout.split(fast!.remote).join('REMOTE'), args.join(' ')).toBe(c.stdout.split(full!.remote).join('REMOTE'));
      expect(f.stdout).toMatch(args.includes('--json') ? /"transport": "git"/ : /Fetched 4 new events of 1 replica/);
      expect(await refs(fast!.clone)).toBe(await refs(full!.clone));
      expect(await refs(fast!.remote)).toBe(await refs(full!.remote));
    }
  });

  it('fails as the full CLI does: same message, hint and exit code', async () => {
    const a = await makeClone(makeBareRepo(), 'Ada');
    const only = syncOnlyPackage();
    const f = runBin(only, a, ['sync', 'nowhere']);
    const c = runBin(path.join(ROOT, 'bin', 'logbook.cjs'), a, ['sync', 'nowhere'], { LOGBOOK_NO_FAST_SYNC: '1' });
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/^logbook: no remote named "nowhere".*\nhint: configured remotes: origin/);
    expect(f).toEqual(c);
  });

  it('hands anything but a plain sync with git to the full CLI, having done and printed nothing', async () => {
    const remote = makeBareRepo();
    const a = await makeClone(remote, 'Ada');
    await lb(a, ['start', '--goal', 'Work']);
    await lb(a, ['log', '--progress', 'Not pushed yet']);
    const only = syncOnlyPackage();
    const before = { clone: await refs(a), remote: await refs(remote) };
    const uninitialised = makeRepo();
    const spooled = twin(a, remote)[0]!.clone;
    writeFileSync(path.join(spooled, '.git', 'logbook', 'commits.spool'), '');
    const cases: Array<[string, string[], Record<string, string>?]> = [
      [a, ['sync', '--dry-run']],
      [a, ['sync', '--fix-collision']],
      [a, ['sync', '--help']],
      [a, ['sync', 'origin', 'extra']],
      [a, ['sync', '--', 'origin']],
      [a, ['sync'], { LOGBOOK_GIT_BINARY: 'none' }],
      [a, ['sync'], { LOGBOOK_GIT_BINARY: path.join(tempDir(), 'no-such-git') }],
      [uninitialised, ['sync']],
      [tempDir(), ['sync']],
      [spooled, ['sync']],
    ];
    for (const [cwd, args, env] of cases) {
      const r = runBin(only, cwd, args, env);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, `${args.join(' ')} ${JSON.stringify(env ?? {})}`).toMatch(MISSING_CLI);
    }
    expect({ clone: await refs(a), remote: await refs(remote) }).toEqual(before);
    // And the full CLI still does each of them: the spooled commits case syncs after recording what was spooled.
    const full = await lbRun(spooled, ['sync']);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).toMatch(/Pushed \d+ events? of this clone/);
  });

  it('takes only the plain forms', () => {
    expect(plainSyncArgs(['sync'])).toEqual({ remote: 'origin', json: false, push: true });
    expect(plainSyncArgs(['sync', '../shared.git', '--json', '--no-push'])).toEqual({ remote: '../shared.git', json: true, push: false });
    for (const argv of [['list'], ['sync', '-h'], ['sync', '--dry-run'], ['sync', 'a', 'b'], ['sync', '--json=1'], ['sync', '-'], ['sync', 'a\0b']]) expect(plainSyncArgs(argv), argv.join(' ')).toBeUndefined();
  });
});

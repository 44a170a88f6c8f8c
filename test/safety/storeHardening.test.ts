/**
 * What a hostile pass broke in the store and doctor: commits pruned by
 * `git gc --prune=now` beside appends, a hand-edited views cache, garbage
 * inside a cache file, a read-only `.git` and a full disk.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ok, run } from '../helpers/cli.js';
import { git, makeRepo, tempDir } from '../helpers/repo.js';
import { appendMany } from '../helpers/sync.js';

function journal(entries = 3) {
  const dir = makeRepo();
  ok(dir, ['init']);
  ok(dir, ['start', '--goal', 'hardening test']);
  for (let i = 1; i <= entries; i++) ok(dir, ['log', '--progress', `step ${i}`]);
  ok(dir, ['view']); // the cache now vouches for the tip
  const replica = git(dir, 'config', 'logbook.replica').trim();
  return { dir, gitdir: path.join(dir, '.git'), replica, ref: `refs/logbook/replicas/${replica}` };
}
const loose = (gitdir: string, oid: string) => path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
const doctor = (dir: string, ...args: string[]) => {
  const r = run(dir, ['doctor', '--json', ...args]);
  return { code: r.code, report: JSON.parse(r.stdout) as { healthy: boolean; repairs: string[]; findings: Array<{ code: string; fixable?: boolean; hint?: string; commit?: string }> } };
};

describe('commits pruned from under a ref (git gc --prune=now beside appends)', () => {
  it('--repair rebuilds every pruned commit the cache holds, and the ref never moves', () => {
    const j = journal(4);
    const tip = git(j.dir, 'rev-parse', j.ref).trim();
    const parent = git(j.dir, 'rev-parse', `${j.ref}^`).trim();
    rmSync(loose(j.gitdir, tip));
    rmSync(loose(j.gitdir, parent));
    const before = doctor(j.dir);
    expect(before.report.findings).toContainEqual(expect.objectContaining({ code: 'missing-object', commit: tip, fixable: true }));
    const fixed = doctor(j.dir, '--repair');
    expect(fixed.report.repairs).toEqual(expect.arrayContaining([expect.stringContaining(`restored journal commit ${tip}`), expect.stringContaining(`restored journal commit ${parent}`)]));
    expect(fixed.report.healthy).toBe(true);
    expect(git(j.dir, 'rev-parse', j.ref).trim()).toBe(tip);
    git(j.dir, 'fsck', '--strict', '--no-dangling');
    expect(ok(j.dir, ['view'])).toContain('step 4');
  });

  it('a pruned commit the cache does not hold: doctor does not promise a repair it cannot do', () => {
    const j = journal(2);
    ok(j.dir, ['log', '--progress', 'after the cache']); // appended after the last read: not in the cache
    const tip = git(j.dir, 'rev-parse', j.ref).trim();
    rmSync(loose(j.gitdir, tip));
    const before = doctor(j.dir);
    const finding = before.report.findings.find((f) => f.code === 'missing-object')!;
    expect(finding).toMatchObject({ commit: tip, fixable: false });
    expect(finding.hint).toMatch(/cannot rebuild it/);
    expect(finding.hint).not.toMatch(/--repair` rebuilds/);
    const after = doctor(j.dir, '--repair');
    expect(after.report.repairs.filter((r) => r.startsWith('restored'))).toEqual([]);
    expect(after.report.healthy).toBe(false);
    expect(git(j.dir, 'rev-parse', j.ref).trim()).toBe(tip); // never moved backwards
  });
});

describe('a hand-edited views cache', () => {
  it('doctor finds what the views claim against the events, and --repair drops the forgery', async () => {
    const j = journal(1);
    await appendMany(j.dir, 70, 'many'); // enough new events that the next read saves the views
    ok(j.dir, ['view']);
    const file = path.join(j.gitdir, 'logbook', 'cache', 'views.json');
    expect(readFileSync(file, 'utf8')).toContain('hardening test');
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('hardening test', 'FORGED GOAL'));
    expect(ok(j.dir, ['list'])).toContain('FORGED GOAL'); // what a forgery does if nobody looks
    const found = doctor(j.dir);
    expect(found.code).toBe(1);
    expect(found.report.findings).toContainEqual(expect.objectContaining({ code: 'views-mismatch', fixable: true }));
    const fixed = doctor(j.dir, '--repair');
    expect(fixed.report.healthy).toBe(true);
    const list = ok(j.dir, ['list']);
    expect(list).not.toContain('FORGED');
    expect(list).toContain('hardening test');
    expect(doctor(j.dir).report.healthy).toBe(true);
  });
});

describe('garbage in the middle of a cache file', () => {
  it('is rebuilt silently: the command succeeds and shows every event', () => {
    const j = journal(6);
    const file = path.join(j.gitdir, 'logbook', 'cache', `${j.replica}.ndjson`);
    const damage = () => {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines[2] = '#'.repeat(lines[2]!.length); // same size, last line intact: only a full read sees it
      writeFileSync(file, lines.join('\n'));
    };
    // Each damaged anew: the first command to read the line rebuilds the cache. `view --json` and `--at` read the lines through time travel's order index.
    for (const args of [['view', '--json'], ['view'], ['view', '--at', '2099-01-01']]) {
      damage();
      const r = run(j.dir, args);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      for (let i = 1; i <= 6; i++) expect(r.stdout).toContain(`step ${i}`);
    }
  });
});

/** Root in a container can mount; elsewhere these cases cannot be set up. */
const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = tempDir('logbook-mount-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
  if (r.status !== 0) return false;
  spawnSync('umount', [probe]);
  return true;
})();

describe.skipIf(!canMount)('a .git that cannot be written', () => {
  it('read-only: a clear error naming the cause, nothing written', () => {
    const j = journal(1);
    const objects = path.join(j.gitdir, 'objects');
    const tipBefore = git(j.dir, 'rev-parse', j.ref).trim();
    execFileSync('mount', ['--bind', objects, objects]);
    try {
      execFileSync('mount', ['-o', 'remount,ro,bind', objects]);
      const r = run(j.dir, ['log', '--progress', 'cannot be written']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/read-only \(EROFS\)/);
      expect(r.stderr).not.toMatch(/ENOENT/);
      expect(r.stderr).toMatch(/hint: /);
    } finally {
      execFileSync('umount', [objects]);
    }
    expect(git(j.dir, 'rev-parse', j.ref).trim()).toBe(tipBefore);
  });

  it('full disk: says the disk is full and leaves no temp files', () => {
    const mnt = tempDir('logbook-full-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
    try {
      const dir = path.join(mnt, 'repo');
      mkdirSync(dir);
      git(dir, 'init', '-q', '-b', 'main');
      git(dir, 'config', 'user.name', 'Ada');
      git(dir, 'config', 'user.email', 'ada@example.com');
      ok(dir, ['init']);
      ok(dir, ['start', '--goal', 'full disk']);
      // Fill what is left.
      spawnSync('sh', ['-c', `dd if=/dev/zero of=${path.join(mnt, 'fill')} bs=4k 2>/dev/null; true`]);
      const r = run(dir, ['log', '--progress', 'x'.repeat(2000)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/disk is full \(ENOSPC\)/);
      expect(r.stderr).not.toMatch(/check the path and its permissions/);
      const temps: string[] = [];
      const walk = (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          if (e.isDirectory()) walk(path.join(d, e.name));
          else if (/^tmp_|\.tmp-/.test(e.name)) temps.push(path.join(d, e.name));
        }
      };
      walk(path.join(dir, '.git'));
      expect(temps).toEqual([]);
      expect(existsSync(path.join(dir, '.git'))).toBe(true);
    } finally {
      execFileSync('umount', [mnt]);
    }
  });
});

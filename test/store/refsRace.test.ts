/**
 * Appends beside `git pack-refs --all` and `git gc --auto`: git removes the
 * loose ref files (and their emptied directory) while Logbook writers take
 * locks and readers read tips. No append may fail, and no reader may see a
 * replica tip move backwards.
 */
import { spawn } from 'node:child_process';
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listReplicaRefs, readRef, staleAsideName, stealIfStale } from '../../src/store/refs.js';
import { ok, run, runAsync } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/repo.js';

const gitAsync = (cwd: string, ...args: string[]) =>
  new Promise<number>((resolve) => {
    const child = spawn('git', args, { cwd, stdio: 'ignore', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
    child.on('close', (code) => resolve(code ?? -1));
  });

describe('refs beside git pack-refs and git gc --auto', () => {
  it('every append succeeds and no tip is ever seen moving backwards', { timeout: 240_000 }, async () => {
    const dir = makeRepo();
    const gitdir = path.join(dir, '.git');
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'race git housekeeping']);
    git(dir, 'config', 'gc.auto', '1');
    git(dir, 'config', 'gc.autoDetach', 'false');
    const replica = git(dir, 'config', 'logbook.replica').trim();
    const ref = `refs/logbook/replicas/${replica}`;
    let writing = true;
    const failures: string[] = [];
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; i < 15; i++) {
        const r = await runAsync(dir, ['log', '--progress', `w${w}-${i}`]);
        if (r.code !== 0) failures.push(r.stderr);
      }
    });
    const housekeeping = (async () => {
      while (writing) {
        await gitAsync(dir, 'pack-refs', '--all');
        await gitAsync(dir, 'gc', '--auto', '--quiet');
      }
    })();
    const seen: string[] = [];
    const reader = (async () => {
      let last = 0;
      while (writing) {
        const tip = (await listReplicaRefs(gitdir))[replica] ?? (await readRef(gitdir, ref));
        if (tip) {
          const count = Number(git(dir, 'rev-list', '--count', tip).trim());
          if (count < last) seen.push(`tip went back from ${last} to ${count} commits`);
          last = Math.max(last, count);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await Promise.all(writers);
    writing = false;
    await Promise.all([housekeeping, reader]);
    expect(failures).toEqual([]);
    expect(seen).toEqual([]);
    const texts = (JSON.parse(ok(dir, ['view', '--json'])).events as Array<{ type: string; data: { text?: string } }>).filter((e) => e.type === 'progress');
    expect(texts).toHaveLength(60);
    git(dir, 'fsck', '--strict', '--no-dangling');
  });
});

describe('a stale ref lock taken over', () => {
  it('leaves nothing under refs/ that git takes for a ref, even when the taker is killed half-way', async () => {
    const dir = makeRepo();
    const gitdir = path.join(dir, '.git');
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'stale locks']);
    const replica = git(dir, 'config', 'logbook.replica').trim();
    const ref = `refs/logbook/replicas/${replica}`;
    const lock = path.join(gitdir, `${ref}.lock`);
    const old = new Date(Date.now() - 60_000);
    // A lock left by a dead writer, and the name a taker moves it to (left there when the taker is
    // killed between its rename and its removal): both empty files beside the ref.
    writeFileSync(lock, '');
    utimesSync(lock, old, old);
    const aside = staleAsideName(lock);
    expect(path.dirname(aside)).toBe(path.dirname(lock));
    writeFileSync(aside, '');
    utimesSync(aside, old, old);
    // git reads neither as a ref: gc --prune=now (whose repack runs with GIT_REF_PARANOIA) and for-each-ref pass.
    expect(git(dir, 'for-each-ref', '--format=%(refname)', 'refs/logbook/').trim()).toBe(ref);
    git(dir, 'gc', '-q', '--prune=now');
    git(dir, 'fsck', '--strict', '--no-dangling');
    // The next append takes the stale lock over; doctor reports the aside file and --repair removes it.
    ok(dir, ['log', '--progress', 'after the takeover']);
    expect(existsSync(lock)).toBe(false);
    const report = JSON.parse(run(dir, ['doctor', '--json']).stdout) as { findings: Array<{ code: string; path?: string }> };
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'stale-lock', path: path.relative(gitdir, aside) }));
    expect(run(dir, ['doctor', '--repair']).code).toBe(0);
    expect(existsSync(aside)).toBe(false);
    expect(run(dir, ['doctor']).code).toBe(0);
    // stealIfStale itself leaves nothing behind.
    writeFileSync(lock, '');
    utimesSync(lock, old, old);
    expect(await stealIfStale(lock)).toBe(true);
    expect(existsSync(lock)).toBe(false);
    git(dir, 'gc', '-q', '--prune=now');
  });
});

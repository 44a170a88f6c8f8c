/**
 * Who starts the drain that records a commit: the installed script (on exit
 * status 75 from dist/githook.cjs, so the hook's node loads no child_process),
 * or — for a script installed by an earlier version, which does not set
 * LOGBOOK_DRAIN_BY — the hook's node process itself. Both record the commit.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, ok } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

const HOOK = path.join(ROOT, 'dist', 'githook.cjs');
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', LOGBOOK_SESSION: '', LOGBOOK_CLIENT_SESSION: '', LOGBOOK_DRAIN_BY: '' };
const g = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });

async function recorded(dir: string, commit: string): Promise<boolean> {
  for (let i = 0; i < 300; i++) {
    const commits = JSON.parse(ok(dir, ['commits', '--json'])).commits as Array<{ commit: string }>;
    if (commits.some((c) => c.commit === commit)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('the drain after a commit', () => {
  it('is started by the installed script when githook.cjs exits 75, and by githook.cjs itself without LOGBOOK_DRAIN_BY', async () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'drains', '--name', 'drains']);
    ok(dir, ['hooks', 'install', '--git']);
    expect(readFileSync(path.join(dir, '.git', 'hooks', 'post-commit'), 'utf8')).toContain('LOGBOOK_DRAIN_BY=sh');
    g(dir, 'commit', '-q', '--allow-empty', '-m', 'by the script');
    expect(await recorded(dir, g(dir, 'rev-parse', 'HEAD').trim())).toBe(true);

    // As git runs the hook, with the variable: the exit status asks the shell for the drain, and nothing is drained yet.
    ok(dir, ['hooks', 'uninstall', '--git']);
    g(dir, 'commit', '-q', '--allow-empty', '-m', 'by the caller');
    const asked = spawnSync(process.execPath, [HOOK, 'post-commit'], { cwd: dir, env: { ...env, LOGBOOK_DRAIN_BY: 'sh' } });
    expect(asked.status).toBe(75);
    ok(dir, ['git-hook', 'drain']);
    expect(await recorded(dir, g(dir, 'rev-parse', 'HEAD').trim())).toBe(true);

    // An older script: no variable, exit 0, and the hook's node starts the drain.
    g(dir, 'commit', '-q', '--allow-empty', '-m', 'old script');
    const old = spawnSync(process.execPath, [HOOK, 'post-commit'], { cwd: dir, env });
    expect(old.status).toBe(0);
    expect(await recorded(dir, g(dir, 'rev-parse', 'HEAD').trim())).toBe(true);
  }, 120_000);
});

/**
 * A hook's budget is a real deadline: stdin that never closes, or a ref lock
 * held by someone else, end the process within the budget, and nothing is
 * written after the hook logged that it gave up.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ok } from '../helpers/cli.js';
import { expectHookError, hookErrors as errorLog, watchHookErrors } from '../helpers/hookErrors.js';
import { git, makeRepo } from '../helpers/repo.js';

const CLEAN = { CLAUDE_PROJECT_DIR: undefined, CLAUDE_ENV_FILE: undefined, CLAUDECODE: undefined, CODEX_ENV_FILE: undefined, CODEX_THREAD_ID: undefined, LOGBOOK_CLIENT_SESSION: undefined, LOGBOOK_SESSION: undefined, LOGBOOK_NO_FAST_HOOK: undefined };

function env(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1' };
  for (const [k, v] of Object.entries({ ...CLEAN, ...extra })) {
    if (v === undefined) delete e[k];
    else e[k] = v;
  }
  return e;
}

/** Start a hook whose stdin we control; resolves its exit code. */
function startHook(dir: string, event: string, extra: Record<string, string | undefined>) {
  watchHookErrors(dir);
  const child = spawn(process.execPath, [BIN, 'hook', event], { cwd: dir, env: env(extra), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<{ code: number | null; stdout: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout })));
  return { child, exited };
}


describe('hook deadlines', () => {
  for (const event of ['SessionStart', 'PostToolUse']) {
    it(`${event}: stdin that never closes ends the hook within its budget, exit 0, logged`, { timeout: 30_000 }, async () => {
      const dir = makeRepo();
      ok(dir, ['init']);
      // `sleep 30 | logbook hook …`: stdin stays open and silent. Bounded by the hook's own budget, made small here.
      const { child, exited } = startHook(dir, event, { LOGBOOK_HOOK_BUDGET_MS: '400' });
      const r = await exited;
      child.stdin.destroy();
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expectHookError(dir, new RegExp(`^${event} TIMEOUT: ${event} hook: stdin did not close`), { lines: 1 });
    });
  }

  it('SessionEnd behind a live ref lock gives up within its budget and writes nothing afterwards', { timeout: 30_000 }, async () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'deadline']);
    const replica = git(dir, 'config', 'logbook.replica').trim();
    const ref = `refs/logbook/replicas/${replica}`;
    const before = git(dir, 'rev-parse', ref).trim();
    const lock = path.join(dir, '.git', ref + '.lock');
    writeFileSync(lock, '');
    // Another writer holds the lock and stays alive: its lock never turns stale.
    const fresh = setInterval(() => existsSync(lock) && utimesSync(lock, new Date(), new Date()), 100);
    try {
      const { child, exited } = startHook(dir, 'SessionEnd', { LOGBOOK_HOOK_BUDGET_MS: '800' });
      child.stdin.end(JSON.stringify({ session_id: 'client-1', hook_event_name: 'SessionEnd', reason: 'exit' }));
      // The moment it says it gave up, the lock goes away: a hook that kept going would now take it and write.
      let exitedFirst = false;
      void exited.then(() => (exitedFirst = true));
      while (!/gave up|did not finish|TIMEOUT/.test(errorLog(dir)) && !exitedFirst) await new Promise((r) => setTimeout(r, 10));
      clearInterval(fresh);
      rmSync(lock, { force: true });
      const r = await exited;
      expect(r.code).toBe(0);
      expectHookError(dir, /^SessionEnd TIMEOUT/, { lines: 1 });
      await new Promise((r) => setTimeout(r, 300));
      expect(git(dir, 'rev-parse', ref).trim()).toBe(before);
      expect(existsSync(lock)).toBe(false);
    } finally {
      clearInterval(fresh);
    }
  });
});

/**
 * Entry of dist/githook.cjs: what the installed git `post-commit` and
 * `post-rewrite` hooks run (src/code/gitHook.ts). A bundle of a few KB, so the
 * user's `git commit` waits for little more than node's start-up.
 *
 * The hook script installed by `logbook hooks install --git` sets
 * LOGBOOK_DRAIN_BY=sh and starts the drain itself when this process exits with
 * 75 (so node never loads child_process here), when the drain would run where
 * the hook runs (its work tree's top, as git runs hooks); otherwise, and for
 * scripts installed before, this process starts it.
 */
import { realpathSync } from 'node:fs';
import { defaultDrain, runGitHook } from '../src/code/gitHook.js';
import { readAllStdin } from './stdin.js';

const DRAIN_BY_SHELL = 75;
const cwd = process.cwd();
const same = (a: string, b: string) => {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
};
let byShell = false;
const startDrain = process.env.LOGBOOK_DRAIN_BY === 'sh' ? (workdir: string) => (same(workdir, cwd) ? void (byShell = true) : defaultDrain(workdir, process.env)) : undefined;

runGitHook({ args: process.argv.slice(2), cwd, env: process.env, readStdin: readAllStdin, ...(startDrain ? { startDrain } : {}) }).finally(() => {
  process.exitCode = byShell ? DRAIN_BY_SHELL : 0;
});

/**
 * Entry of dist/githook.cjs: what the installed git `post-commit` and
 * `post-rewrite` hooks run (src/code/gitHook.ts). A bundle of a few KB, so the
 * user's `git commit` waits for little more than node's start-up.
 */
import { runGitHook } from '../src/code/gitHook.js';
import { readAllStdin } from './stdin.js';

runGitHook({ args: process.argv.slice(2), cwd: process.cwd(), env: process.env, readStdin: readAllStdin }).finally(() => {
  process.exitCode = 0;
});

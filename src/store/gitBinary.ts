/**
 * The system git binary, where there is one: used for bulk reads of many
 * commits (one `git log` instead of one object lookup per commit) and for
 * transport. Everything it does has an isomorphic-git fallback, so logging
 * never needs it. `LOGBOOK_GIT_BINARY` names another binary, or `none` to
 * force the fallbacks (tests use that).
 */
import { execFile } from 'node:child_process';
import type { Deadline } from '../deadline/index.js';

export function gitBinary(env: NodeJS.ProcessEnv): string | null {
  const v = env.LOGBOOK_GIT_BINARY?.trim();
  if (v === 'none') return null;
  return v || 'git';
}

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run git in `gitdir`; resolves `null` when the binary is not installed. A
 * deadline kills the run when it runs out (the caller then falls back or fails).
 * `env` is the caller's (the CLI's process environment, a test's own): never
 * this process's by default, so a library user decides what git sees.
 */
export function runGit(binary: string, gitdir: string, deadline: Deadline | undefined, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<GitRun | null> {
  const timeout = deadline ? Math.max(1, deadline.remaining()) : 0;
  return new Promise((resolve) => {
    const child = execFile(binary, [`--git-dir=${gitdir}`, ...args], { env: { ...env, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 1 << 30, encoding: 'utf8', ...(timeout && Number.isFinite(timeout) ? { timeout, killSignal: 'SIGKILL' as const } : {}) }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return resolve(null);
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) {
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input);
    }
  });
}

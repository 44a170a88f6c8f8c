/** Run the built CLI (`bin/logbook.cjs`) as a real child process. */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'logbook.cjs');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  env?: Record<string, string | undefined>;
}

/**
 * A hook's budget (1.2 s for SessionEnd) is wall-clock from process start: on a
 * loaded machine a hook under test would give up for slowness alone and the
 * test would fail for no defect. Hooks run by tests get a budget only a hang
 * exceeds; the budget itself is tested with small explicit values
 * (test/integrations/hookDeadline.test.ts), which `env` overrides.
 */
export const TEST_HOOK_BUDGET_MS = '60000';

function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', LOGBOOK_HOOK_BUDGET_MS: TEST_HOOK_BUDGET_MS, LOGBOOK_SESSION: undefined, LOGBOOK_ACTOR: undefined, LOGBOOK_AGENT: undefined, LOGBOOK_CLIENT_SESSION: undefined };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}

/** Synchronous run: simplest for sequential scenarios. */
export function run(cwd: string, args: string[], options: RunOptions = {}): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, input: options.input ?? '', encoding: 'utf8', env: childEnv(options.env) });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Run and expect success; returns stdout. */
export function ok(cwd: string, args: string[], options: RunOptions = {}): string {
  const r = run(cwd, args, options);
  if (r.code !== 0) throw new Error(`logbook ${args.join(' ')} exited ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** Asynchronous run, for concurrency tests. */
export function runAsync(cwd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: childEnv(options.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** The agent's environment must not leak into a test's hooks (the suite may itself run inside Claude Code or Codex). */
export const AGENT_FREE_ENV = {
  CLAUDE_PROJECT_DIR: undefined,
  CLAUDE_ENV_FILE: undefined,
  CLAUDECODE: undefined,
  CODEX_ENV_FILE: undefined,
  CODEX_THREAD_ID: undefined,
  LOGBOOK_CLIENT_SESSION: undefined,
  LOGBOOK_NO_FAST_HOOK: undefined,
} as const;

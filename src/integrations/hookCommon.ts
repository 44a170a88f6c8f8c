/**
 * The light half of the hook handler: what both the full handler (hooks.ts)
 * and the PostToolUse fast path (hookFast.ts) need. No zod, no git, no journal,
 * so the fast path stays a few milliseconds over bare node start-up.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { isLogbookError } from '../errors.js';
import { redactText } from '../redact.js';
import type { SpoolLine } from './hookState.js';

/** claude-code or codex: the installed command says so (`--agent`); else the payload or the environment tells. */
export function detectAgent(input: { turn_id?: unknown } | undefined, env: NodeJS.ProcessEnv, flag?: string): string {
  if (flag?.trim()) return flag.trim();
  if ((typeof input?.turn_id === 'string' && input.turn_id) || env.CODEX_ENV_FILE || env.CODEX_THREAD_ID) return 'codex';
  if (env.CLAUDECODE || env.CLAUDE_PROJECT_DIR || env.CLAUDE_ENV_FILE) return 'claude-code';
  return env.LOGBOOK_AGENT?.trim() || 'claude-code';
}

/** The directory a hook works in: the project the client names (CLAUDE_PROJECT_DIR), else the process's own. */
export function hookProjectDir(options: { cwd: string; env: NodeJS.ProcessEnv }): string {
  const fromClient = options.env.CLAUDE_PROJECT_DIR;
  if (fromClient) {
    try {
      if (statSync(fromClient).isDirectory()) return fromClient;
    } catch {
      /* gone: fall back */
    }
  }
  return options.cwd;
}

/** git's boolean spellings; anything else keeps the default. */
export function gitBool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const v = value.trim().toLowerCase();
  if (['true', 'yes', 'on', '1', ''].includes(v)) return true;
  if (['false', 'no', 'off', '0'].includes(v)) return false;
  return fallback;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Append one line to `.git/logbook/hook-errors.log`, rotating it at 1 MiB. Never throws. */
export function logHookError(gitdir: string, event: string, error: unknown, now: Date): void {
  try {
    const dir = path.join(gitdir, 'logbook');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'hook-errors.log');
    try {
      if (statSync(file).size > 1024 * 1024) renameSync(file, `${file}.1`);
    } catch {
      /* no log yet */
    }
    const what = isLogbookError(error) ? `${error.code}: ${error.message}${error.hint ? ` (hint: ${error.hint})` : ''}` : `internal: ${(error as Error)?.stack ?? String(error)}`;
    appendFileSync(file, `${now.toISOString()} ${event} ${redactText(oneLine(what)).text.slice(0, 2000)}\n`);
  } catch {
    /* the error log must never become an error */
  }
}

/** Did the tool call succeed? PostToolUseFailure says no; otherwise the response may say so. */
export function toolSucceeded(event: string, response: unknown): boolean {
  if (event === 'PostToolUseFailure') return false;
  if (response && typeof response === 'object' && !Array.isArray(response)) {
    const o = response as Record<string, unknown>;
    if (o.success === false || o.is_error === true || o.isError === true || o.interrupted === true) return false;
    const code = o.exit_code ?? o.exitCode;
    if (typeof code === 'number' && code !== 0) return false;
  }
  return true;
}

/** The spool line of one tool use. */
export function spoolLineFor(input: { session_id: string; tool_name?: unknown; duration_ms?: unknown }, agent: string, now: Date, ok: boolean): SpoolLine {
  const tool = typeof input.tool_name === 'string' && input.tool_name.trim() ? input.tool_name.trim().slice(0, 200) : 'unknown';
  const line: SpoolLine = { t: now.toISOString(), cs: input.session_id, a: agent, tool, ok };
  const ms = input.duration_ms;
  if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) line.ms = Math.round(ms);
  return line;
}

/**
 * `logbook hook PostToolUse` as agents run it after every tool call: one line
 * appended to this client session's spool (hookState.ts), nothing else. Started
 * by bin/logbook.cjs from its own small bundle, without loading the CLI, so a
 * burst of tool calls costs the agent little more than node's own start-up.
 * Same rules as every hook: no output, exit 0, failures to hook-errors.log.
 */
import { deadlineIn, raceDeadline } from '../deadline/index.js';
import { LogbookError } from '../errors.js';
import { findRepo, readReplicaId, type Repo } from '../repo.js';
import { detectAgent, hookProjectDir, logHookError, spoolLineFor, toolSucceeded } from './hookCommon.js';
import { HookState } from './hookState.js';

export interface FastHookOptions {
  /** argv after `logbook`: `hook PostToolUse [--agent NAME]` */
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  readStdin: () => Promise<string>;
  now?: () => Date;
  /** When the process started (epoch ms): the budget runs from there. */
  startedAt?: number;
}

function hookFastBudgetMs(env: NodeJS.ProcessEnv): number {
  const given = Number(env.LOGBOOK_HOOK_BUDGET_MS?.trim());
  return env.LOGBOOK_HOOK_BUDGET_MS?.trim() && Number.isFinite(given) && given > 0 ? given : 8000;
}

function agentFlag(args: string[]): string | undefined {
  for (let i = 2; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--agent') return args[i + 1];
    if (a.startsWith('--agent=')) return a.slice('--agent='.length);
  }
  return undefined;
}

export async function fastPostToolUse(options: FastHookOptions): Promise<void> {
  const now = options.now ?? (() => new Date());
  const event = options.args[1] ?? 'PostToolUse';
  let repo: Repo;
  try {
    repo = findRepo(hookProjectDir(options));
  } catch {
    return; // not a repository: nowhere to write, not even the error log
  }
  try {
    // stdin that never closes must not hold the agent: the fast path has the default hook budget.
    const text = await raceDeadline(options.readStdin(), deadlineIn(hookFastBudgetMs(options.env), Date.now, options.startedAt), `${event} hook: stdin did not close in time`);
    let input: { session_id?: unknown; tool_name?: unknown; tool_response?: unknown; duration_ms?: unknown; turn_id?: unknown };
    try {
      input = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (e) {
      throw new LogbookError('INVALID_INPUT', `hook input is not JSON: ${text.trim() ? (e as Error).message : 'empty'}`, { hint: 'the client sends the hook JSON on stdin' });
    }
    if (!input || typeof input !== 'object' || typeof input.session_id !== 'string' || !input.session_id) {
      throw new LogbookError('INVALID_INPUT', 'hook input: session_id: must be the client session id', { hint: 'expected the JSON object Claude Code or Codex sends' });
    }
    if (!readReplicaId(repo.gitdir)) return; // not initialised: normal for a user-wide install, said once at SessionStart
    const agent = detectAgent(input, options.env, agentFlag(options.args));
    const line = spoolLineFor(input as { session_id: string }, agent, now(), toolSucceeded(event, input.tool_response));
    new HookState(repo.gitdir).spoolToolUse(line);
  } catch (e) {
    logHookError(repo.gitdir, event, e, now());
  }
}

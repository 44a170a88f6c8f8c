/**
 * The agent hooks (Claude Code, Codex): `logbook hook <EventName>` with the
 * hook's JSON on stdin. Every hook is best effort and must never break or slow
 * the agent: any failure ends with no output, and one line in
 * `.git/logbook/hook-errors.log` when there is a repository to write it to.
 *
 * Which Logbook session a client (agent) session writes to:
 * - `LOGBOOK_SESSION` when set and open; else the session the client session is
 *   bound to (a `transcript.linked` event) when it is open;
 * - else it adopts the newest active session of this clone that no other live
 *   client session holds (one whose latest binding is another client session
 *   that has not ended and was active in the last HOLD_MS);
 * - else, on SessionStart only, a new session is started (git config
 *   `logbook.autoStart`, default true).
 * So two agents started side by side get a session each, a session started
 * with `logbook start` is picked up by the next agent, and a new conversation
 * the next day continues the session the last one left.
 *
 * Compactions are counted exactly once, by the first of PreCompact,
 * SessionStart(source compact) and PostCompact that arrives for it; the others
 * join it (PostCompact's `compact_summary` is attached to it). See compaction.ts.
 *
 * Tool uses are spooled (see hookState.ts) and written as one batch by the next
 * other hook of the same client session, each with the time it happened.
 */
import * as z from 'zod/mini';
import { LogbookError, isLogbookError } from '../errors.js';
import { Journal } from '../journal.js';
import type { Random } from '../ids.js';
import { Logbook } from '../logbook.js';
import { findRepo, readGitConfig, type Repo } from '../repo.js';
import { detectAgent, hookProjectDir, logHookError } from './hookCommon.js';
import { HookState } from './hookState.js';
import { CompactionStore } from './compaction.js';

export { detectAgent, hookProjectDir, logHookError } from './hookCommon.js';
export { HOLD_MS } from './hookContext.js';
import { deadlineIn, raceDeadline, type Deadline } from '../deadline/index.js';
import type { Ctx } from './hookContext.js';
import { postCompact, postToolUse, preCompact, sessionEnd, sessionStart, stop, subagent, userPromptSubmit } from './hookHandlers.js';

export const hookEventNames = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'PreCompact',
  'PostCompact',
  'SubagentStart',
  'SubagentStop',
  'Stop',
  'SessionEnd',
] as const;
export type HookEventName = (typeof hookEventNames)[number];

export function isHookEventName(name: string): name is HookEventName {
  return (hookEventNames as readonly string[]).includes(name);
}

/** Claude Code gives SessionEnd hooks 1.5 s in all; leave room for process start-up. */
const SESSION_END_BUDGET_MS = 1200;
const DEFAULT_BUDGET_MS = 8000;

export interface HookOptions {
  /** Where the hook runs (the agent's project directory). */
  cwd: string;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Randomness (which hooks prune old client state; the journal's ids and retry pauses); Math.random when absent. */
  random?: Random;
  /** The agent name given to `logbook hook --agent` by the installed command; detected when absent. */
  agent?: string;
  /** How the agent can run this Logbook (shown in the context it is given); default `logbook`. */
  command?: string;
  /** Give up (and log) after this long; defaults per event (`hookBudgetMs`). */
  timeoutMs?: number;
  /** The budget as a deadline started by the caller (at process start); every wait of the hook is bounded by it. */
  deadline?: Deadline;
}

/**
 * A hook's time budget: `LOGBOOK_HOOK_BUDGET_MS` when set, else 1,200 ms for
 * SessionEnd (Claude Code gives it 1.5 s in all) and 8 s for the others.
 */
export function hookBudgetMs(eventName: string, env: NodeJS.ProcessEnv): number {
  const given = Number(env.LOGBOOK_HOOK_BUDGET_MS?.trim());
  if (env.LOGBOOK_HOOK_BUDGET_MS?.trim() && Number.isFinite(given) && given > 0) return given;
  return eventName === 'SessionEnd' ? SESSION_END_BUDGET_MS : DEFAULT_BUDGET_MS;
}

export interface HookResult {
  /** What to print on stdout (JSON for the client), if anything. */
  stdout?: string;
}

const optString = z.catch(z.nullish(z.string()), undefined);
const optBool = z.catch(z.nullish(z.boolean()), undefined);

/** The hook input both clients send; every field but session_id may be absent, null or of a surprising type. */
export const hookInputSchema = z.looseObject({
  session_id: z.string().check(z.minLength(1, 'must be the client session id')),
  transcript_path: optString,
  cwd: optString,
  hook_event_name: optString,
  source: optString,
  prompt: optString,
  tool_name: optString,
  tool_response: z.optional(z.unknown()),
  duration_ms: z.catch(z.nullish(z.number().check(z.gte(0))), undefined),
  error: z.optional(z.unknown()),
  trigger: optString,
  compact_summary: optString,
  agent_id: optString,
  agent_type: optString,
  last_assistant_message: optString,
  stop_hook_active: optBool,
  reason: optString,
  turn_id: optString,
});
export type HookInput = z.infer<typeof hookInputSchema>;

export function parseHookInput(input: string): HookInput {
  const text = input.replace(/^\uFEFF/, ''); // a byte-order mark (Windows tools write one) is not part of the JSON
  if (!text.trim()) throw new LogbookError('INVALID_INPUT', 'hook input is empty', { hint: 'the client sends the hook JSON on stdin' });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new LogbookError('INVALID_INPUT', `hook input is not JSON: ${(e as Error).message}`, { hint: 'the client sends the hook JSON on stdin' });
  }
  const parsed = hookInputSchema.safeParse(raw);
  if (!parsed.success) {
    throw new LogbookError('INVALID_INPUT', `hook input: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`, {
      hint: 'expected the JSON object Claude Code or Codex sends',
    });
  }
  return parsed.data;
}

/**
 * Handle one hook. Never throws and never rejects: failures are logged and
 * give an empty result, so the agent carries on as if no hook were installed.
 *
 * @example await handleHook('SessionStart', '{"session_id":"abc","source":"startup"}', { cwd, env })
 */
export async function handleHook(eventName: string, stdinText: string | Promise<string>, options: HookOptions): Promise<HookResult> {
  const now = options.now ?? (() => new Date());
  const budget = options.timeoutMs ?? hookBudgetMs(eventName, options.env);
  const deadline = options.deadline ?? deadlineIn(budget);
  let repo: Repo | undefined;
  try {
    repo = findRepo(hookProjectDir(options));
  } catch {
    return {}; // not in a repository: nothing to write to, not even the error log
  }
  try {
    if (!isHookEventName(eventName)) {
      throw new LogbookError('INVALID_INPUT', `unknown hook event "${eventName}"`, { hint: `one of ${hookEventNames.join(', ')}` });
    }
    // stdin that never closes (`sleep 30 | logbook hook …`) counts against the budget like everything else.
    const text = await raceDeadline(Promise.resolve(stdinText), deadline, `${eventName} hook: stdin did not close within the ${budget} ms budget`);
    const input = parseHookInput(text);
    return await raceDeadline(runHook(eventName, input, repo, { ...options, now, deadline }), deadline, `${eventName} hook did not finish within ${budget} ms`);
  } catch (e) {
    // An uninitialised repository is normal for a user-wide install: say so once per conversation, not per tool call.
    if (!isLogbookError(e, 'NOT_INITIALISED') || eventName === 'SessionStart') logHookError(repo.gitdir, eventName, e, now());
    return {};
  }
}

async function runHook(event: HookEventName, input: HookInput, repo: Repo, options: HookOptions & { now: () => Date; deadline: Deadline }): Promise<HookResult> {
  const agent = detectAgent(input, options.env, options.agent);
  const journal = Journal.open({ cwd: repo.workTree ?? repo.gitdir, env: options.env, now: options.now, ...(options.random ? { random: options.random } : {}), agent: { agent, agentSession: input.session_id }, deadline: options.deadline });
  const ctx: Ctx = {
    event,
    input,
    cs: input.session_id,
    agent,
    journal,
    logbook: new Logbook(journal, { clientSession: input.session_id }),
    state: new HookState(repo.gitdir),
    compactions: new CompactionStore(repo.gitdir),
    repo,
    now: options.now,
    options,
    config: readGitConfig(repo.gitdir, options.env),
  };
  switch (event) {
    case 'SessionStart':
      return sessionStart(ctx);
    case 'UserPromptSubmit':
      return userPromptSubmit(ctx);
    case 'PreToolUse':
      return {}; // not installed: PostToolUse has what we record
    case 'PostToolUse':
    case 'PostToolUseFailure':
      return postToolUse(ctx);
    case 'PreCompact':
      return preCompact(ctx);
    case 'PostCompact':
      return postCompact(ctx);
    case 'SubagentStart':
    case 'SubagentStop':
      return subagent(ctx);
    case 'Stop':
      return stop(ctx);
    case 'SessionEnd':
      return sessionEnd(ctx);
    default: {
      const never: never = event;
      return never;
    }
  }
}

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
import { appendFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { shortnameFrom } from '../ids.js';
import { LogbookError, isLogbookError } from '../errors.js';
import type { Draft, JournalEvent } from '../events.js';
import { Journal, type Snapshot } from '../journal.js';
import { Logbook } from '../logbook.js';
import { findRepo, gitPosition, readGitConfig, type Repo } from '../repo.js';
import { resolveSession } from '../sessions.js';
import { catchUpLines } from '../timetravel/index.js';
import { DEFAULT_BUDGET } from '../../projections/resume.js';
import { flagged } from '../../projections/registry.js';
import { evolveSessions, isOpen, sessionHeaders, type Session } from '../../projections/sessions.js';
import { detectAgent, gitBool, hookProjectDir, logHookError, spoolLineFor, toolSucceeded } from './hookCommon.js';
import { HookState, type ClaimedSpool, type ClientState, type SpoolLine } from './hookState.js';
import { CompactionStore, joinsEpisode, type CompactionEpisode, type CompactionHook, type CompactTrigger } from './compaction.js';

export { detectAgent, hookProjectDir, logHookError } from './hookCommon.js';
import { isContinuationIntent } from './intent.js';
import { deadlineIn, raceDeadline, type Deadline } from '../deadline/index.js';

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

/** A client session that showed no sign of life for this long no longer holds its Logbook session. */
export const HOLD_MS = 2 * 60 * 60 * 1000;
/** Client-session state files not touched for this long are deleted. */
const PRUNE_CLIENTS_MS = 30 * 24 * 60 * 60 * 1000;
/** Claude Code gives SessionEnd hooks 1.5 s in all; leave room for process start-up. */
const SESSION_END_BUDGET_MS = 1200;
const DEFAULT_BUDGET_MS = 8000;
const MAX_RESULT_CHARS = 4000;
const MAX_SUMMARY_CHARS = 32_000;

export interface HookOptions {
  /** Where the hook runs (the agent's project directory). */
  cwd: string;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
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

export function parseHookInput(text: string): HookInput {
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

interface Ctx {
  event: HookEventName;
  input: HookInput;
  cs: string;
  agent: string;
  journal: Journal;
  logbook: Logbook;
  state: HookState;
  compactions: CompactionStore;
  repo: Repo;
  now: () => Date;
  options: HookOptions;
  config: Record<string, string>;
}

async function runHook(event: HookEventName, input: HookInput, repo: Repo, options: HookOptions & { now: () => Date; deadline: Deadline }): Promise<HookResult> {
  const agent = detectAgent(input, options.env, options.agent);
  const journal = Journal.open({ cwd: repo.workTree ?? repo.gitdir, env: options.env, now: options.now, agent: { agent, agentSession: input.session_id }, deadline: options.deadline });
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

// ---------------------------------------------------------------- sessions

function transcriptSource(source: string | null | undefined, fallback: 'startup' | 'resume'): 'startup' | 'resume' | 'clear' | 'compact' | 'fork' {
  return source === 'startup' || source === 'resume' || source === 'clear' || source === 'compact' || source === 'fork' ? source : fallback;
}

/** The open session this client session writes to without adopting or starting one. */
function boundSession(ctx: Ctx, snap: Snapshot): Session | undefined {
  const fromEnv = ctx.options.env.LOGBOOK_SESSION?.trim();
  if (fromEnv) {
    const s = resolveSession(snap.sessions, fromEnv);
    if (isOpen(s)) return s;
  }
  const id = snap.sessions.clientBindings.get(ctx.cs);
  const s = id ? snap.sessions.sessions.get(id) : undefined;
  return s && isOpen(s) ? s : undefined;
}

/** Is `s` held by a client session other than ours that is still bound to it and alive? */
function heldByOther(ctx: Ctx, snap: Snapshot, s: Session, clients: ClientState[]): boolean {
  const now = ctx.now().getTime();
  const holders = new Set(s.transcripts.map((t) => t.clientSession).filter((cs) => cs !== ctx.cs && snap.sessions.clientBindings.get(cs) === s.id));
  for (const cs of holders) {
    const c = clients.find((x) => x.clientSession === cs);
    if (!c) {
      if (now - Date.parse(s.updatedAt) < HOLD_MS) return true; // bound elsewhere (state deleted): judge by the session's activity
    } else if (!c.ended && now - ctx.state.lastActivity(c) < HOLD_MS) return true;
  }
  return false;
}

/** The newest (by creation) active session of this clone that no other live client session holds. */
function adoptable(ctx: Ctx, snap: Snapshot, exclude?: string): Session | undefined {
  const clients = ctx.state.allClients();
  let best: Session | undefined;
  for (const h of sessionHeaders(snap.sessions)) {
    if (h.status !== 'active' || !ctx.journal.ownsReplica(h.replica) || h.id === exclude || (best && h.createdAt < best.createdAt)) continue;
    const s = snap.sessions.sessions.get(h.id)!; // active: in memory, no closed logs loaded
    if (!heldByOther(ctx, snap, s, clients)) best = s;
  }
  return best;
}

interface Target {
  /** Open, except when the client session's own session was closed and `start` was not allowed. */
  session: Session;
  /** transcript.linked drafts to write with the hook's other events */
  drafts: Draft[];
  started: boolean;
  /** Adopted (bound now, not before): how many transcript links the session had when we chose it. */
  adoptedAt?: number;
  snap: Snapshot;
}

/**
 * The session this client session writes to, binding it when needed.
 * - `start` (SessionStart): a closed binding is replaced by adopting or
 *   starting a session (per logbook.autoStart); `relink` records the source
 *   even when the binding is unchanged.
 * - otherwise a client session whose session was closed keeps writing its
 *   records (tool uses, agents) there rather than adopting someone else's;
 *   an unbound one adopts a free active session, if there is one.
 */
async function target(
  ctx: Ctx,
  snap: Snapshot,
  mode: { source?: string | null | undefined; start: boolean; relink?: boolean; /** a session lost to another conversation */ exclude?: string },
): Promise<Target | undefined> {
  const link = (s: Session): Draft => ({
    type: 'transcript.linked',
    session: s.id,
    data: {
      client: ctx.agent,
      clientSession: ctx.cs,
      ...(ctx.input.transcript_path ? { path: ctx.input.transcript_path } : {}),
      source: transcriptSource(mode.source, mode.start ? 'startup' : 'resume'),
    },
  });
  const bound = boundSession(ctx, snap);
  if (bound && bound.id !== mode.exclude) {
    const already = snap.sessions.clientBindings.get(ctx.cs) === bound.id;
    return { session: bound, drafts: already && !mode.relink ? [] : [link(bound)], started: false, snap };
  }
  const closedId = snap.sessions.clientBindings.get(ctx.cs);
  const closed = closedId ? snap.sessions.sessions.get(closedId) : undefined;
  if (closed && !mode.start) return { session: closed, drafts: [], started: false, snap };
  const adopted = adoptable(ctx, snap, mode.exclude);
  if (adopted) return { session: adopted, drafts: [link(adopted)], started: false, adoptedAt: adopted.transcripts.length, snap };
  if (!mode.start || !gitBool(ctx.config['logbook.autostart'], true)) return undefined;
  const stamp = ctx.now().toISOString().slice(0, 16).replace('T', ' ');
  // Started without the client session (which would bind it with less detail): the link below carries path and source.
  // The shortname carries the start of the client session id: two conversations started in one minute must not share it.
  // autoName: a name an open session already holds gets a suffix instead of failing the hook.
  const autoName = shortnameFrom(`${ctx.agent}-${ctx.cs.replace(/[^A-Za-z0-9]/g, '').slice(0, 8)}`);
  const { session } = await new Logbook(ctx.journal).start({ title: `${ctx.agent} session ${stamp}`, autoName, meta: { client: ctx.agent, clientSession: ctx.cs } });
  return { session, drafts: [link(session)], started: true, snap: await ctx.logbook.load() };
}

/**
 * Two conversations starting at the same moment may both adopt the same free
 * session. Appends on one clone are serialised on its replica ref, so after
 * writing our link, the first link written since we chose the session decides:
 * if it is another conversation's, that one keeps the session and we take a new one.
 */
async function lostAdoptionRace(ctx: Ctx, t: Target): Promise<boolean> {
  if (t.adoptedAt === undefined) return false;
  const after = await ctx.logbook.load();
  const first = after.sessions.sessions.get(t.session.id)?.transcripts[t.adoptedAt];
  return first !== undefined && first.clientSession !== ctx.cs;
}

/** Fold freshly appended events into a snapshot we already hold, instead of reading the journal again. */
function absorb(snap: Snapshot, events: JournalEvent[]): void {
  for (const e of events) {
    snap.events.push(e);
    evolveSessions(snap.sessions, e);
  }
}

// ---------------------------------------------------------------- spool and compaction

/**
 * Spooled tool uses written by one hook at most: each is a commit (a few ms),
 * so an enormous spool is written over several hooks rather than stalling one.
 */
export const FLUSH_LIMIT = 300;
/** SessionEnd has 1.5 s in all; the rest waits for the next hook or the orphan sweep. */
const SESSION_END_FLUSH_LIMIT = 80;

/** Take this client session's spooled tool uses (at most `limit`). */
function claimTools(ctx: Ctx, limit = FLUSH_LIMIT): ClaimedSpool | undefined {
  const claimed = ctx.state.claimSpool(ctx.cs, limit);
  return claimed && claimed.lines.length ? claimed : (claimed?.done(), undefined);
}

function toolDrafts(lines: SpoolLine[], session: string): Array<Draft & { at?: string }> {
  return lines.map((l) => ({
    type: 'tool.used',
    session,
    ...(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(l.t) ? { at: l.t } : {}),
    data: { tool: l.tool.slice(0, 200), success: l.ok, ...(typeof l.ms === 'number' && l.ms >= 0 ? { durationMs: l.ms } : {}) },
  }));
}

/**
 * Append `drafts` plus this client session's spooled tool uses in one batch.
 * Spooled lines go back to the spool when the append fails.
 */
async function commit(ctx: Ctx, snap: Snapshot, session: Session | undefined, drafts: Draft[], pending: { tools?: ClaimedSpool | undefined } = {}): Promise<JournalEvent[]> {
  const all: Array<Draft & { at?: string }> = [];
  if (session) {
    const toolSession = snap.sessions.clientBindings.get(ctx.cs) ?? session.id;
    if (pending.tools) all.push(...toolDrafts(pending.tools.lines, toolSession));
  }
  all.push(...drafts);
  if (!all.length) {
    pending.tools?.done(); // no session to tie them to: dropped, as agreed for unbound clients
    return [];
  }
  try {
    const events = await ctx.journal.append(all);
    pending.tools?.done();
    absorb(snap, events);
    return events;
  } catch (e) {
    pending.tools?.restore();
    throw e;
  }
}

function touchClient(ctx: Ctx, update: Partial<ClientState> = {}): ClientState {
  const prev = ctx.state.readClient(ctx.cs);
  const next: ClientState = { ...prev, clientSession: ctx.cs, client: ctx.agent, lastSeen: ctx.now().toISOString(), ...update };
  for (const k of Object.keys(next) as Array<keyof ClientState>) if (next[k] === undefined) delete next[k];
  ctx.state.writeClient(next);
  return next;
}

// ---------------------------------------------------------------- context

/**
 * The context given to the agent: how to log, then the resume context of its
 * session (Logbook.resumeContext: fitted to the budget, shown messages marked read).
 */
async function contextFor(ctx: Ctx, t: Target, catchUp = false): Promise<string> {
  const s = t.session;
  const cmd = ctx.options.command ?? 'logbook';
  const header = (compactions: number) =>
    [
      `Logbook: this ${ctx.agent} conversation writes to session ${s.id} (${s.stable}, ${s.shortname})${t.started ? ', started just now' : ''}.`,
      // As seed 002's SessionStart says it: the agent knows its context was rebuilt, and how often.
      ...(compactions ? [`(after ${compactions} compaction(s))`] : []),
      `Record work as you go: ${cmd} log --progress "…" (also --done, --decision "…" --rationale "…", --discovery, --blocker, --resolve N, --next); ${cmd} checkpoint --note "…"; add --session ${s.stable} if a command picks another session.`,
      '',
    ].join('\n');
  const room = header(999_999).length;
  // SessionStart: what other sessions wrote since this agent's previous session, fitted in the same budget below the session's own state.
  const since = catchUp ? catchUpLines(ctx.logbook, await ctx.logbook.load(), s.id) : [];
  const { text, session } = await ctx.logbook.resumeContext(s.id, { budget: DEFAULT_BUDGET - room, since });
  return `${header(session.compactionCount)}${text}`.slice(0, DEFAULT_BUDGET);
}

function output(event: 'SessionStart' | 'UserPromptSubmit', additionalContext: string): HookResult {
  return { stdout: `${JSON.stringify({ hookSpecificOutput: { hookEventName: event, additionalContext } })}\n` };
}

/** Let the agent's shell commands find this conversation's session (Claude Code and Codex source this file). */
function writeEnvFile(ctx: Ctx): void {
  const file = ctx.options.env.CLAUDE_ENV_FILE || ctx.options.env.CODEX_ENV_FILE;
  if (!file) return;
  const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  appendFileSync(file, `export LOGBOOK_CLIENT_SESSION=${q(ctx.cs)}\nexport LOGBOOK_AGENT=${q(ctx.agent)}\n`);
}

// ---------------------------------------------------------------- the hooks

async function sessionStart(ctx: Ctx): Promise<HookResult> {
  const nowMs = ctx.now().getTime();
  await flushOrphans(ctx, nowMs);
  let snap = await ctx.logbook.load();
  let t = await target(ctx, snap, { source: ctx.input.source, start: true, relink: true });
  writeEnvFile(ctx);
  if (!t) {
    touchClient(ctx, { turnStart: ctx.now().toISOString() });
    const cmd = ctx.options.command ?? 'logbook';
    return output('SessionStart', `Logbook: no active session in this repository. Start one with: ${cmd} start --goal "what this work is for"`);
  }
  snap = t.snap;
  if (ctx.input.source === 'compact') await countCompaction(ctx, snap, t.session, 'SessionStart', { drafts: t.drafts, tools: claimTools(ctx) });
  else await commit(ctx, snap, t.session, t.drafts, { tools: claimTools(ctx) });
  if (await lostAdoptionRace(ctx, t)) {
    const retry = await target(ctx, await ctx.logbook.load(), { source: ctx.input.source, start: true, relink: true, exclude: t.session.id });
    if (retry) {
      await commit(ctx, retry.snap, retry.session, retry.drafts);
      t = retry;
    }
  }
  touchClient(ctx, { session: t.session.id, turnStart: ctx.now().toISOString(), ended: undefined });
  if (Math.random() < 0.05) ctx.state.pruneClients(nowMs, PRUNE_CLIENTS_MS);
  // resumeContext reopens a paused session: a new conversation on it means work goes on.
  return output('SessionStart', await contextFor(ctx, t, true));
}

/** Spools left by client sessions that ended without another hook: written with their own identity. */
async function flushOrphans(ctx: Ctx, nowMs: number): Promise<void> {
  const orphans = ctx.state.claimOrphanSpools(ctx.cs, nowMs, FLUSH_LIMIT);
  if (!orphans.length) return;
  const snap = await ctx.logbook.load();
  for (const spool of orphans) {
    const first = spool.lines[0];
    const session = first ? snap.sessions.clientBindings.get(first.cs) : undefined;
    if (!first || !session) {
      spool.done();
      continue;
    }
    try {
      const journal = Journal.open({ cwd: ctx.repo.workTree ?? ctx.repo.gitdir, env: ctx.options.env, now: ctx.now, agent: { agent: first.a, agentSession: first.cs } });
      await journal.append(toolDrafts(spool.lines, session));
      spool.done();
    } catch (e) {
      spool.restore();
      throw e;
    }
  }
}

async function userPromptSubmit(ctx: Ctx): Promise<HookResult> {
  const turnStart = ctx.now().toISOString();
  touchClient(ctx, { turnStart });
  const intent = isContinuationIntent(ctx.input.prompt);
  const tools = claimTools(ctx);
  if (!intent && !tools) {
    // Nothing to write and nothing to say: do not even read the journal.
    return {};
  }
  const snap = await ctx.logbook.load();
  const t = await target(ctx, snap, { start: false });
  if (!t) {
    tools?.done();
    return {};
  }
  await commit(ctx, snap, t.session, t.drafts, { tools });
  touchClient(ctx, { session: t.session.id });
  return intent ? output('UserPromptSubmit', await contextFor(ctx, t)) : {};
}

/**
 * Normally run by the fast path (hookFast.ts) without loading this module; this
 * is the same thing for a client that runs the CLI bundle directly.
 */
async function postToolUse(ctx: Ctx): Promise<HookResult> {
  ctx.state.spoolToolUse(spoolLineFor(ctx.input, ctx.agent, ctx.now(), toolSucceeded(ctx.event, ctx.input.tool_response)));
  return {};
}

function compactTrigger(value: string | null | undefined): CompactTrigger {
  return value === 'manual' || value === 'auto' ? value : 'unknown';
}

/**
 * The compaction `hook` proves: counted (one `session.compacted`) when it is
 * the first hook of a new compaction, else joined to the one counted before;
 * PostCompact's summary is written on that one (`of`). `drafts` and `tools`
 * are written in the same batch, under the client session's compaction lock.
 */
async function countCompaction(
  ctx: Ctx,
  snap: Snapshot,
  session: Session,
  hook: CompactionHook,
  extra: { drafts: Draft[]; tools?: ClaimedSpool | undefined; trigger?: CompactTrigger; summary?: string },
): Promise<void> {
  await ctx.compactions.locked(ctx.cs, async () => {
    const now = ctx.now();
    const prev = ctx.compactions.read(ctx.cs);
    const known = prev !== undefined && snap.sessions.sessions.has(prev.session);
    const join = known && joinsEpisode(prev, hook, now.getTime());
    const trigger = extra.trigger ?? (join ? prev!.trigger : 'unknown');
    const drafts = [...extra.drafts];
    if (!join) drafts.push({ type: 'session.compacted', session: session.id, data: { trigger, ...(extra.summary ? { summary: extra.summary } : {}) } });
    else if (extra.summary && !prev!.summarised) drafts.push({ type: 'session.compacted', session: prev!.session, data: { trigger, summary: extra.summary, of: prev!.event } });
    const events = await commit(ctx, snap, session, drafts, { tools: extra.tools });
    const counted = events.find((e) => e.type === 'session.compacted' && e.data.of === undefined);
    const episode: CompactionEpisode = join
      ? { ...prev!, seen: { ...prev!.seen, [hook]: now.toISOString() }, ...(extra.summary ? { summarised: true } : {}) }
      : { session: session.id, event: counted!.id, trigger, at: now.toISOString(), seen: { [hook]: now.toISOString() }, ...(extra.summary ? { summarised: true } : {}) };
    ctx.compactions.write(ctx.cs, episode);
  });
}

async function preCompact(ctx: Ctx): Promise<HookResult> {
  touchClient(ctx);
  const snap = await ctx.logbook.load();
  const t = await target(ctx, snap, { start: false });
  if (!t) return {};
  const trigger = compactTrigger(ctx.input.trigger);
  const position = gitPosition(ctx.repo);
  const drafts: Draft[] = [...t.drafts];
  if (isOpen(t.session)) drafts.push({ type: 'session.checkpointed', session: t.session.id, data: { note: `before ${trigger === 'unknown' ? '' : `${trigger} `}compaction`, auto: true, ...position } });
  await countCompaction(ctx, snap, t.session, 'PreCompact', { drafts, tools: claimTools(ctx), trigger });
  return {};
}

async function postCompact(ctx: Ctx): Promise<HookResult> {
  touchClient(ctx);
  const snap = await ctx.logbook.load();
  const t = await target(ctx, snap, { start: false });
  if (!t) return {};
  let summary = ctx.input.compact_summary?.trim();
  if (summary && summary.length > MAX_SUMMARY_CHARS) summary = `${summary.slice(0, MAX_SUMMARY_CHARS - 1)}…`;
  await countCompaction(ctx, snap, t.session, 'PostCompact', {
    drafts: t.drafts,
    tools: claimTools(ctx),
    ...(ctx.input.trigger ? { trigger: compactTrigger(ctx.input.trigger) } : {}),
    ...(summary ? { summary } : {}),
  });
  return {};
}

async function subagent(ctx: Ctx): Promise<HookResult> {
  touchClient(ctx);
  const snap = await ctx.logbook.load();
  const t = await target(ctx, snap, { start: false });
  if (!t) return {}; // no session: an agent record without a parent would be an orphan
  const agentId = ctx.input.agent_id?.trim() || `${ctx.cs}:${ctx.now().getTime()}`;
  const agentType = ctx.input.agent_type?.trim() || 'subagent';
  const drafts: Draft[] = [...t.drafts];
  if (ctx.event === 'SubagentStart') drafts.push({ type: 'agent.started', session: t.session.id, data: { agentId, agentType, parentSession: t.session.id } });
  else {
    let result = ctx.input.last_assistant_message?.trim();
    if (result && result.length > MAX_RESULT_CHARS) result = `${result.slice(0, MAX_RESULT_CHARS - 1)}…`;
    drafts.push({ type: 'agent.finished', session: t.session.id, data: { agentId, agentType, parentSession: t.session.id, ...(result ? { result } : {}) } });
  }
  await commit(ctx, snap, t.session, drafts, { tools: claimTools(ctx) });
  return {};
}

/** What counts as "the turn logged something" for the Stop nudge. */
const LOGGED = flagged({
  'session.started': true,
  'session.paused': true,
  'session.resumed': false,
  'session.checkpointed': true,
  'session.compacted': false,
  'session.closed': true,
  'subsession.started': true,
  'subsession.ended': true,
  progress: true,
  decision: true,
  discovery: true,
  blocker: true,
  'blocker.resolved': true,
  next: true,
  context: true,
  'item.linked': true,
  'items.migrated': true,
  'agent.started': false,
  'agent.finished': false,
  'tool.used': false,
  'transcript.linked': false,
  'message.sent': true,
  'message.read': false,
  'state.set': true,
  redaction: false,
  'commit.linked': false,
});

async function stop(ctx: Ctx): Promise<HookResult> {
  const client = ctx.state.readClient(ctx.cs);
  touchClient(ctx);
  const tools = claimTools(ctx);
  const nudgeOn = gitBool(ctx.config['logbook.stopnudge'], false) && ctx.input.stop_hook_active !== true;
  const snap = await ctx.logbook.load();
  const t = await target(ctx, snap, { start: false });
  if (!t) {
    tools?.done();
    return {};
  }
  await commit(ctx, snap, t.session, t.drafts, { tools });
  const turnStart = client?.turnStart;
  if (!nudgeOn || !turnStart || client?.nudged === turnStart || !isOpen(t.session)) return {};
  const inTurn = snap.events.filter((e) => e.session === t.session.id && e.at >= turnStart);
  const logged = inTurn.some((e) => LOGGED.has(e.type));
  const toolUses = inTurn.filter((e) => e.type === 'tool.used').length;
  if (logged || toolUses === 0) return {};
  touchClient(ctx, { nudged: turnStart });
  const cmd = ctx.options.command ?? 'logbook';
  const reason =
    `Logbook: this turn used ${toolUses} tool(s) but logged nothing to session ${t.session.stable}. ` +
    `Before stopping, record what changed, e.g. ${cmd} log --session ${t.session.stable} --done "…" --next "…" ` +
    `(or --progress, --decision "…" --rationale "…", --discovery, --blocker). If there is truly nothing worth recording, just stop.`;
  return { stdout: `${JSON.stringify({ decision: 'block', reason })}\n` };
}

async function sessionEnd(ctx: Ctx): Promise<HookResult> {
  const tools = claimTools(ctx, SESSION_END_FLUSH_LIMIT);
  const snap = await ctx.logbook.load();
  const t = await target(ctx, snap, { start: false });
  if (t) {
    const reason = ctx.input.reason?.trim();
    const note = `${ctx.agent} conversation ended${reason ? ` (${reason})` : ''}`;
    const end: Draft[] = isOpen(t.session) ? [{ type: 'session.checkpointed', session: t.session.id, data: { note, auto: true } }] : [];
    await commit(ctx, snap, t.session, [...t.drafts, ...end], { tools });
  } else tools?.done();
  touchClient(ctx, { ended: ctx.now().toISOString() });
  return {};
}

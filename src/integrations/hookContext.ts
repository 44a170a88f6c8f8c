/**
 * What every agent hook shares: the context of one hook call, which Logbook
 * session it writes to (SPEC 4, the binding rules in hooks.ts), the tool-use
 * spool it flushes, and the context text it gives the agent.
 */
import { appendFileSync } from 'node:fs';
import { shortnameFrom } from '../ids.js';
import type { Draft, JournalEvent } from '../events.js';
import { Journal, type Snapshot } from '../journal.js';
import { Logbook } from '../logbook.js';
import type { Repo } from '../repo.js';
import { namedSession, needsHeaders, newestActive } from '../sessions.js';
import { catchUpLines } from '../timetravel/index.js';
import { DEFAULT_BUDGET } from '../../projections/resume.js';
import type { Session, WriterMark } from '../../projections/sessions.js';
import { gitBool } from './hookCommon.js';
import { HookState, type ClaimedSpool, type ClientState, type SpoolLine } from './hookState.js';
import { CompactionStore } from './compaction.js';
import type { HookEventName, HookInput, HookOptions, HookResult } from './hooks.js';

/** A client session that showed no sign of life for this long no longer holds its Logbook session. */
export const HOLD_MS = 2 * 60 * 60 * 1000;

export interface Ctx {
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

// ---------------------------------------------------------------- sessions

export function transcriptSource(source: string | null | undefined, fallback: 'startup' | 'resume'): 'startup' | 'resume' | 'clear' | 'compact' | 'fork' {
  return source === 'startup' || source === 'resume' || source === 'clear' || source === 'compact' || source === 'fork' ? source : fallback;
}

/** The open session this client session writes to without adopting or starting one (SPEC 4's rule, src/sessions.ts). */
export function boundSession(ctx: Ctx, snap: Snapshot): Session | undefined {
  const input = { envSession: ctx.options.env.LOGBOOK_SESSION?.trim(), clientSession: ctx.cs };
  if (needsHeaders(snap.sessions, [input.envSession], ctx.cs)) ctx.journal.loadHeaders(snap);
  const found = namedSession(snap.sessions, input, { open: true });
  return found ? snap.sessions.sessions.get(found.id) : undefined; // open: in memory
}

/** Is `s` held by a client session other than ours that is still bound to it and alive? */
export function heldByOther(ctx: Ctx, snap: Snapshot, s: Session, clients: ClientState[]): boolean {
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
export function adoptable(ctx: Ctx, snap: Snapshot, exclude?: string): Session | undefined {
  const clients = ctx.state.allClients();
  return newestActive(snap.sessions, { replica: ctx.journal.replica, formerReplicas: ctx.journal.formerReplicas }, (s) => s.id !== exclude && !heldByOther(ctx, snap, s, clients));
}

export interface Target {
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
export async function target(
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
  const closed = closedId ? ctx.journal.loadSession(snap, closedId) : undefined;
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
export async function lostAdoptionRace(ctx: Ctx, t: Target): Promise<boolean> {
  if (t.adoptedAt === undefined) return false;
  const after = await ctx.logbook.load();
  const first = ctx.journal.loadSession(after, t.session.id)?.transcripts[t.adoptedAt];
  return first !== undefined && first.clientSession !== ctx.cs;
}

// ---------------------------------------------------------------- spool and compaction

/**
 * Spooled tool uses written by one hook at most: each is a commit (a few ms),
 * so an enormous spool is written over several hooks rather than stalling one.
 */
export const FLUSH_LIMIT = 300;
/** SessionEnd has 1.5 s in all; the rest waits for the next hook or the orphan sweep. */
export const SESSION_END_FLUSH_LIMIT = 80;

/** Take this client session's spooled tool uses (at most `limit`). */
export function claimTools(ctx: Ctx, limit = FLUSH_LIMIT): ClaimedSpool | undefined {
  const claimed = ctx.state.claimSpool(ctx.cs, limit);
  return claimed && claimed.lines.length ? claimed : (claimed?.done(), undefined);
}

export function toolDrafts(lines: SpoolLine[], session: string): Array<Draft & { at?: string }> {
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
export async function commit(ctx: Ctx, snap: Snapshot, session: Session | undefined, drafts: Draft[], pending: { tools?: ClaimedSpool | undefined } = {}): Promise<JournalEvent[]> {
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
    ctx.journal.fold(snap, events);
    return events;
  } catch (e) {
    pending.tools?.restore();
    throw e;
  }
}

/**
 * Write this hook's pending records (binding drafts, `tools` claimed from the
 * spool) to the session this client session writes to, without starting one.
 * No session: the claimed tool uses are released and nothing is written.
 */
export async function flushToBound(ctx: Ctx, tools: ClaimedSpool | undefined): Promise<{ t: Target; snap: Snapshot } | undefined> {
  const snap = await ctx.logbook.load();
  const t = await target(ctx, snap, { start: false });
  if (!t) {
    tools?.done();
    return undefined;
  }
  await commit(ctx, snap, t.session, t.drafts, { tools });
  return { t, snap };
}

export function touchClient(ctx: Ctx, update: Partial<ClientState> = {}): ClientState {
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
export async function contextFor(ctx: Ctx, t: Target, catchUp?: { from: WriterMark | undefined }): Promise<string> {
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
  // Both from the snapshot this hook read and folded its own events into (Journal.fold): reading the journal again would give the same.
  const since = catchUp ? await catchUpLines(ctx.logbook, t.snap, s.id, { from: catchUp.from }) : [];
  const { text, session } = await ctx.logbook.resumeContext(s.id, { budget: DEFAULT_BUDGET - room, since, snap: t.snap });
  return `${header(session.compactionCount)}${text}`.slice(0, DEFAULT_BUDGET);
}

export function output(event: 'SessionStart' | 'UserPromptSubmit', additionalContext: string): HookResult {
  return { stdout: `${JSON.stringify({ hookSpecificOutput: { hookEventName: event, additionalContext } })}\n` };
}

/** Let the agent's shell commands find this conversation's session (Claude Code and Codex source this file). */
export function writeEnvFile(ctx: Ctx): void {
  const file = ctx.options.env.CLAUDE_ENV_FILE || ctx.options.env.CODEX_ENV_FILE;
  if (!file) return;
  const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  appendFileSync(file, `export LOGBOOK_CLIENT_SESSION=${q(ctx.cs)}\nexport LOGBOOK_AGENT=${q(ctx.agent)}\n`);
}

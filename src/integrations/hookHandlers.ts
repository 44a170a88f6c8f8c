/**
 * The agent hooks, one function per hook event (dispatched by hooks.ts):
 * each binds or starts the session, records what the event tells, and
 * returns what the agent is given back.
 */
import type { Draft } from '../events.js';
import { Journal, type Snapshot } from '../journal.js';
import { gitPosition } from '../repo.js';
import { flagged } from '../../projections/registry.js';
import { hasSession, isOpen, lastWritten, type Session } from '../../projections/sessions.js';
import { gitBool, spoolLineFor, toolSucceeded } from './hookCommon.js';
import type { ClaimedSpool } from './hookState.js';
import { joinsEpisode, seenIn, summaryHash, type CompactionEpisode, type CompactionHook, type CompactTrigger } from './compaction.js';
import { isContinuationIntent } from './intent.js';
import type { HookResult } from './hooks.js';
import { FLUSH_LIMIT, SESSION_END_FLUSH_LIMIT, claimTools, commit, contextFor, flushToBound, lostAdoptionRace, output, target, toolDrafts, touchClient, writeEnvFile, type Ctx } from './hookContext.js';

/** Client-session state files not touched for this long are deleted. */
const PRUNE_CLIENTS_MS = 30 * 24 * 60 * 60 * 1000;
const MAX_RESULT_CHARS = 4000;
const MAX_SUMMARY_CHARS = 32_000;

// ---------------------------------------------------------------- the hooks

export async function sessionStart(ctx: Ctx): Promise<HookResult> {
  const nowMs = ctx.now().getTime();
  await flushOrphans(ctx, nowMs);
  let snap = await ctx.logbook.load();
  // Where this agent was last seen, before this hook writes anything: the catch-up starts there.
  const lastHere = lastWritten(snap.sessions, ctx.logbook.journal.actor);
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
  if (ctx.journal.random() < 0.05) ctx.state.pruneClients(nowMs, PRUNE_CLIENTS_MS);
  // resumeContext reopens a paused session: a new conversation on it means work goes on.
  return output('SessionStart', await contextFor(ctx, t, { from: lastHere }));
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

export async function userPromptSubmit(ctx: Ctx): Promise<HookResult> {
  const turnStart = ctx.now().toISOString();
  touchClient(ctx, { turnStart });
  const intent = isContinuationIntent(ctx.input.prompt);
  const tools = claimTools(ctx);
  if (!intent && !tools) {
    // Nothing to write and nothing to say: do not even read the journal.
    return {};
  }
  const bound = await flushToBound(ctx, tools);
  if (!bound) return {};
  const { t } = bound;
  touchClient(ctx, { session: t.session.id });
  return intent ? output('UserPromptSubmit', await contextFor(ctx, t)) : {};
}

/**
 * Normally run by the fast path (hookFast.ts) without loading this module; this
 * is the same thing for a client that runs the CLI bundle directly.
 */
export async function postToolUse(ctx: Ctx): Promise<HookResult> {
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
    const known = prev !== undefined && hasSession(snap.sessions, prev.session);
    const join = known && joinsEpisode(prev, hook, now.getTime(), extra.summary ? summaryHash(extra.summary) : undefined);
    const trigger = extra.trigger ?? (join ? prev!.trigger : 'unknown');
    const drafts = [...extra.drafts];
    if (!join) drafts.push({ type: 'session.compacted', session: session.id, data: { trigger, ...(extra.summary ? { summary: extra.summary } : {}) } });
    else if (extra.summary && !prev!.summarised) drafts.push({ type: 'session.compacted', session: prev!.session, data: { trigger, summary: extra.summary, of: prev!.event } });
    const events = await commit(ctx, snap, session, drafts, { tools: extra.tools });
    const counted = events.find((e) => e.type === 'session.compacted' && e.data.of === undefined);
    const summarised = extra.summary ? { summarised: true, summary: join && prev!.summary !== undefined ? prev!.summary : summaryHash(extra.summary) } : {};
    const episode: CompactionEpisode = join
      ? { ...prev!, ...seenIn(prev!, hook, now.toISOString()), ...summarised }
      : { session: session.id, event: counted!.id, trigger, at: now.toISOString(), ...seenIn({ seen: {} }, hook, now.toISOString()), ...summarised };
    ctx.compactions.write(ctx.cs, episode);
  });
}

export async function preCompact(ctx: Ctx): Promise<HookResult> {
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

export async function postCompact(ctx: Ctx): Promise<HookResult> {
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

export async function subagent(ctx: Ctx): Promise<HookResult> {
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

export async function stop(ctx: Ctx): Promise<HookResult> {
  const client = ctx.state.readClient(ctx.cs);
  touchClient(ctx);
  const tools = claimTools(ctx);
  const nudgeOn = gitBool(ctx.config['logbook.stopnudge'], false) && ctx.input.stop_hook_active !== true;
  const bound = await flushToBound(ctx, tools);
  if (!bound) return {};
  const { t, snap } = bound;
  const turnStart = client?.turnStart;
  if (!nudgeOn || !turnStart || client?.nudged === turnStart || !isOpen(t.session)) return {};
  const inTurn = (await ctx.journal.events()).filter((e) => e.session === t.session.id && e.at >= turnStart);
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

export async function sessionEnd(ctx: Ctx): Promise<HookResult> {
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

/**
 * The session model: one fold over the ordered events that yields every
 * session with its status, log, blockers, context and links. Every other view
 * (session file, resume context, agenda, list, stats) renders from this.
 */
import { stableId, type Actor, type EventOf, type EventType, type JournalEvent } from '../src/events.js';
import { foldStep, type Handler } from './registry.js';
import { applyNext, applyProgress, closeSteps } from './steps.js';

export { currentStepOf, orderedSteps, progressFraction, stepKey } from './steps.js';

export type SessionStatus = 'active' | 'paused' | 'completed' | 'abandoned';

/** A note logged on a step (`--progress` while the step is current), shown under it. */
export interface StepNote {
  at: string;
  text: string;
}

/**
 * One step of the progress list (SPEC 6). Identified by `key`: the `--step KEY`,
 * else the text, compared by `stepKey`. At most one step of a session is `current`.
 */
export interface Step {
  key: string;
  text: string;
  status: 'done' | 'current' | 'todo';
  at: string;
  doneAt?: string;
  notes: StepNote[];
}

export interface Entry {
  id: string;
  at: string;
  text: string;
}

export interface Decision extends Entry {
  rationale?: string;
  options?: string[];
  supersedes?: string;
  supersededBy?: string;
}

/** A blocker keeps the number it was raised with (`#1`, `#2`, … in the order raised). */
export interface Blocker extends Entry {
  number: number;
  resolvedAt?: string;
  resolution?: string;
}

/** What happened to the session as a whole: checkpoints, pauses, resumes, compactions. */
export interface TimelineEntry {
  at: string;
  kind: 'checkpoint' | 'pause' | 'resume' | 'compaction';
  note?: string;
  /** Written by a hook or an import, not by a person or agent. */
  auto?: boolean;
  /** Compactions: the trigger and the compaction's number. */
  trigger?: string;
  number?: number;
}

export interface Session {
  id: string;
  stable: string;
  suffix: string;
  shortname: string;
  title: string;
  goal?: string;
  status: SessionStatus;
  taskIds: string[];
  createdAt: string;
  updatedAt: string;
  startedBy: Actor;
  replica: string;
  parent?: string;
  group?: string;
  meta: Record<string, string>;
  gitBranch?: string;
  gitCommit?: string;
  compactionCount: number;
  /** Counted compactions; `id` is the counting event's (a later summary names it in `of`). */
  compactions: Array<{ id: string; at: string; trigger: string; summary?: string }>;
  timeline: TimelineEntry[];
  steps: Step[];
  /** Key of the one step in status current (none once the session is closed). */
  currentStep?: string;
  /** The last thing a person or agent wrote about the work (a step, a note on one, a checkpoint or pause note): "where you left off". */
  lastWords?: { at: string; text: string };
  decisions: Decision[];
  discoveries: Array<Entry & { evidence?: string }>;
  blockers: Blocker[];
  next: Array<Entry & { done: boolean }>;
  /** `summary`: a hand-written TL;DR, shown while `summaryFresh` (until the steps change after it). */
  context: { objective?: string; keyFiles: string[]; keyFacts: string[]; summary?: string; summaryFresh?: boolean };
  subsessions: Array<{ sub: string; name: string; startedAt: string; endedAt?: string; summary?: string }>;
  closed?: { at: string; outcome: 'completed' | 'abandoned'; reason?: string; summary?: string; learnings: string[]; tasksCompleted: string[] };
  agents: Array<{ agentId: string; agentType: string; startedAt?: string; finishedAt?: string; result?: string; costUsd?: number }>;
  tools: { calls: number; failures: number; totalMs: number };
  transcripts: Array<{ client: string; clientSession: string; path?: string; source: string; at: string }>;
  eventCount: number;
}

export interface Message {
  id: string;
  at: string;
  from: Actor;
  fromSession?: string;
  to: { session?: string; actor?: string };
  text: string;
  read: boolean;
}

export interface SessionsState {
  sessions: Map<string, Session>;
  /** Session ids in order of creation. */
  order: string[];
  /** Client (agent) session id -> Logbook session id, the latest binding wins. */
  clientBindings: Map<string, string>;
  messages: Message[];
  /** Every event folded in, of any kind and session: the journal's event count, defined once (stats and rebuild report it). */
  eventCount: number;
  /**
   * Per writer (actor email and agent, `actorKey`): the newest event of each of
   * its two latest sessions, newest first — enough to say where a writer last
   * wrote outside any one session (the SessionStart catch-up) without reading
   * the journal.
   */
  actors: Map<string, WriterMark[]>;
  /**
   * Closed sessions the views cache keeps on disk (src/viewsCache.ts), present
   * only on a state read from it: they are not in `sessions` until a caller
   * reads them (`Journal.loadSessions`). `headers` is undefined until read
   * too (`Journal.loadHeaders`). Plain values: nothing here reads anything.
   */
  aside?: SessionsAside;
}

/** Where a closed session's state is in the views cache: [pack hash, start, length, hash of those bytes]. */
export type StateRef = [pack: string, start: number, length: number, hash: string];

/** What a state read from the views cache holds of the closed sessions it left on disk. */
export interface SessionsAside {
  /** Every closed session's header (also of those read into `sessions`), or undefined when not read. */
  headers: Map<string, SessionHeader> | undefined;
  /** Where each closed session's state is (read with the headers): its pack's hash, its bytes there (start, length) and their hash. */
  refs: Map<string, StateRef>;
}

/** Where a writer last wrote in a session: the event's order key and time. */
export interface WriterMark {
  session: string;
  clock: number;
  id: string;
  at: string;
}

export const initialSessionsState = (): SessionsState => ({ sessions: new Map(), order: [], clientBindings: new Map(), messages: [], eventCount: 0, actors: new Map() });

/** A writer as the catch-up knows it: the person and the agent. */
export const actorKey = (a: { email: string; agent?: string | undefined }) => `${a.email}\n${a.agent ?? ''}`;

const byOrder = (a: Pick<WriterMark, 'clock' | 'id'>, b: Pick<WriterMark, 'clock' | 'id'>) => a.clock - b.clock || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Keep `e` as its writer's mark for its session when it is that session's newest, and the two latest sessions only. */
function markWriter(state: SessionsState, e: JournalEvent): void {
  if (!e.session) return;
  const key = actorKey(e.actor);
  const marks = state.actors.get(key) ?? [];
  const i = marks.findIndex((m) => m.session === e.session);
  if (i >= 0 && byOrder(e, marks[i]!) <= 0) return;
  const mark: WriterMark = { session: e.session, clock: e.clock, id: e.id, at: e.at };
  // The common case, once per event of a fold: a newer event of the writer's newest session, which stays first.
  if (i === 0) {
    marks[0] = mark;
    return;
  }
  if (i < 0) marks.push(mark);
  else marks[i] = mark;
  marks.sort((a, b) => byOrder(b, a));
  state.actors.set(key, marks.slice(0, 2));
}

/** The newest event `actor` wrote in any session, if any: where it was last seen. */
export function lastWritten(state: SessionsState, actor: { email: string; agent?: string | undefined }): WriterMark | undefined {
  return state.actors?.get(actorKey(actor))?.[0];
}

/** The newest event `actor` wrote in a session other than `current`, if any. */
export function lastWrittenElsewhere(state: SessionsState, actor: { email: string; agent?: string | undefined }, current: string): WriterMark | undefined {
  return state.actors?.get(actorKey(actor))?.find((m) => m.session !== current);
}

export const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

function touch(s: Session, e: JournalEvent): void {
  if (e.at > s.updatedAt) s.updatedAt = e.at;
  s.eventCount++;
}

/** A checkpoint or pause in the timeline; its note, unless written by a hook or an import, is the session's last words. */
function note(s: Session, kind: 'checkpoint' | 'pause', at: string, text: string | undefined, auto: boolean | undefined): void {
  s.timeline.push({ at, kind, ...(text ? { note: text } : {}), ...(auto ? { auto: true } : {}) });
  if (text && !auto) s.lastWords = { at, text };
}

function startSession(state: SessionsState, e: EventOf<'session.started'>, id: string): void {
  const d = e.data;
  state.sessions.set(id, {
    id,
    stable: stableId(id),
    suffix: id.slice(-4),
    shortname: d.shortname,
    title: d.title,
    ...(d.goal ? { goal: d.goal } : {}),
    status: 'active',
    taskIds: [...d.taskIds],
    createdAt: e.at,
    updatedAt: e.at,
    startedBy: e.actor,
    replica: e.replica,
    ...(d.parent ? { parent: d.parent } : {}),
    ...(d.group ? { group: d.group } : {}),
    meta: { ...d.meta },
    ...(d.gitBranch ? { gitBranch: d.gitBranch } : {}),
    ...(d.gitCommit ? { gitCommit: d.gitCommit } : {}),
    compactionCount: 0,
    compactions: [],
    timeline: [],
    steps: [],
    decisions: [],
    discoveries: [],
    blockers: [],
    next: [],
    context: { keyFiles: [], keyFacts: [], ...(d.goal ? { objective: d.goal } : {}) },
    subsessions: [],
    agents: [],
    tools: { calls: 0, failures: 0, totalMs: 0 },
    transcripts: [],
    eventCount: 1,
  });
  state.order.push(id);
}

type SessionHandler<T extends EventType> = (s: Session, e: EventOf<T>, state: SessionsState) => void;

/**
 * An event of one session: the session is touched (updated time, event
 * count), then `handle` applies it. Events of a session whose start we do not
 * hold (yet) change nothing.
 */
function inSession<T extends EventType>(handle?: SessionHandler<T>): Handler<SessionsState, T> {
  return (state, e) => {
    const s = e.session ? state.sessions.get(e.session) : undefined;
    if (!s) return;
    touch(s, e);
    handle?.(s, e, state);
  };
}

function compacted(s: Session, e: EventOf<'session.compacted'>): void {
  // A later hook of a compaction already counted (e.g. PostCompact's summary): attached to it, not counted twice.
  const earlier = e.data.of ? s.compactions.find((c) => c.id === e.data.of) : undefined;
  if (earlier) {
    if (e.data.summary) {
      earlier.summary = e.data.summary;
      const number = s.compactions.indexOf(earlier) + 1;
      const entry = s.timeline.find((t) => t.kind === 'compaction' && t.number === number);
      if (entry) entry.note = e.data.summary;
    }
    return;
  }
  s.compactionCount++;
  s.compactions.push({ id: e.id, at: e.at, trigger: e.data.trigger, ...(e.data.summary ? { summary: e.data.summary } : {}) });
  s.timeline.push({ at: e.at, kind: 'compaction', trigger: e.data.trigger, number: s.compactionCount, ...(e.data.summary ? { note: e.data.summary } : {}) });
}

function decided(s: Session, e: EventOf<'decision'>): void {
  const d: Decision = { id: e.id, at: e.at, text: e.data.text };
  if (e.data.rationale) d.rationale = e.data.rationale;
  if (e.data.options) d.options = e.data.options;
  if (e.data.supersedes) {
    d.supersedes = e.data.supersedes;
    const old = s.decisions.find((x) => x.id === e.data.supersedes);
    if (old) old.supersededBy = e.id;
  }
  s.decisions.push(d);
}

function agentFinished(s: Session, e: EventOf<'agent.finished'>): void {
  let a = s.agents.find((x) => x.agentId === e.data.agentId && !x.finishedAt);
  if (!a) {
    a = { agentId: e.data.agentId, agentType: e.data.agentType };
    s.agents.push(a);
  }
  a.finishedAt = e.at;
  if (e.data.result) a.result = e.data.result;
  if (e.data.costUsd !== undefined) a.costUsd = e.data.costUsd;
}

const sessionsStep = foldStep<SessionsState>({
  'session.started': (state, e) => {
    if (e.session && !state.sessions.has(e.session)) startSession(state, e, e.session);
    else inSession()(state, e); // a duplicate start of a known session: counted, nothing else
  },
  'message.sent': (state, e) => {
    state.messages.push({ id: e.id, at: e.at, from: e.actor, ...(e.session ? { fromSession: e.session } : {}), to: e.data.to, text: e.data.text, read: false });
  },
  'message.read': (state, e) => {
    const ids = new Set(e.data.messages);
    for (const m of state.messages) if (ids.has(m.id)) m.read = true;
  },
  'session.paused': inSession((s, e) => {
    if (s.status === 'active') s.status = 'paused';
    note(s, 'pause', e.at, e.data.note, e.data.auto);
  }),
  'session.resumed': inSession((s, e) => {
    if (s.status === 'paused') s.status = 'active';
    s.timeline.push({ at: e.at, kind: 'resume', ...(e.data.note ? { note: e.data.note } : {}) });
  }),
  'session.checkpointed': inSession((s, e) => {
    note(s, 'checkpoint', e.at, e.data.note, e.data.auto);
    if (e.data.gitBranch) s.gitBranch = e.data.gitBranch;
    if (e.data.gitCommit) s.gitCommit = e.data.gitCommit;
  }),
  'session.compacted': inSession(compacted),
  'session.closed': inSession((s, e) => {
    s.status = e.data.outcome;
    s.closed = { at: e.at, ...e.data };
    closeSteps(s);
  }),
  'subsession.started': inSession((s, e) => {
    s.subsessions.push({ sub: e.data.sub, name: e.data.name, startedAt: e.at });
  }),
  'subsession.ended': inSession((s, e) => {
    const sub = s.subsessions.find((x) => x.sub === e.data.sub && !x.endedAt);
    if (sub) {
      sub.endedAt = e.at;
      if (e.data.summary) sub.summary = e.data.summary;
    }
  }),
  progress: inSession((s, e) => {
    applyProgress(s, e.data, e.at);
    if (s.context.summaryFresh) s.context.summaryFresh = false;
  }),
  decision: inSession(decided),
  discovery: inSession((s, e) => {
    s.discoveries.push({ id: e.id, at: e.at, text: e.data.text, ...(e.data.evidence ? { evidence: e.data.evidence } : {}) });
  }),
  blocker: inSession((s, e) => {
    s.blockers.push({ id: e.id, at: e.at, text: e.data.text, number: s.blockers.length + 1 });
  }),
  'blocker.resolved': inSession((s, e) => {
    const b = s.blockers.find((x) => x.id === e.data.blocker);
    if (b && !b.resolvedAt) {
      b.resolvedAt = e.at;
      if (e.data.note) b.resolution = e.data.note;
    }
  }),
  next: inSession((s, e) => {
    if (applyNext(s, e.id, e.data, e.at) && s.context.summaryFresh) s.context.summaryFresh = false;
  }),
  context: inSession((s, e) => {
    if (e.data.objective) s.context.objective = e.data.objective;
    if (e.data.summary) {
      s.context.summary = e.data.summary;
      s.context.summaryFresh = true;
    }
    for (const f of e.data.keyFiles) if (!s.context.keyFiles.includes(f)) s.context.keyFiles.push(f);
    for (const f of e.data.keyFacts) if (!s.context.keyFacts.includes(f)) s.context.keyFacts.push(f);
  }),
  'agent.started': inSession((s, e) => {
    s.agents.push({ agentId: e.data.agentId, agentType: e.data.agentType, startedAt: e.at });
  }),
  'agent.finished': inSession(agentFinished),
  'tool.used': inSession((s, e) => {
    s.tools.calls++;
    if (!e.data.success) s.tools.failures++;
    s.tools.totalMs += e.data.durationMs ?? 0;
  }),
  'transcript.linked': inSession((s, e, state) => {
    s.transcripts.push({ client: e.data.client, clientSession: e.data.clientSession, source: e.data.source, at: e.at, ...(e.data.path ? { path: e.data.path } : {}) });
    state.clientBindings.set(e.data.clientSession, s.id);
  }),
  // Counted in their session's activity; projected by items.ts, state.ts and commits.ts.
  'item.linked': inSession(),
  'items.migrated': inSession(),
  'state.set': inSession(),
  redaction: inSession(),
  'commit.linked': inSession(),
});

/** Apply one event. Mutates `state` (a fold step); callers own the state object. */
export function evolveSessions(state: SessionsState, e: JournalEvent): SessionsState {
  state.eventCount = (state.eventCount ?? 0) + 1;
  markWriter(state, e);
  return sessionsStep(state, e);
}

export function projectSessions(events: readonly JournalEvent[]): SessionsState {
  const state = initialSessionsState();
  for (const e of events) evolveSessions(state, e);
  return state;
}

export function isOpen(s: Pick<Session, 'status'>): boolean {
  return s.status === 'active' || s.status === 'paused';
}

export function openBlockers(s: Session): Blocker[] {
  return s.blockers.filter((b) => !b.resolvedAt);
}

export function activeDecisions(s: Session): Decision[] {
  return s.decisions.filter((d) => !d.supersededBy);
}

/** A session with no event for longer than `timeoutMs` is stale (nothing is deleted). */
export function isStale(s: Pick<Session, 'status' | 'updatedAt'>, now: Date, timeoutMs: number): boolean {
  return isOpen(s) && now.getTime() - Date.parse(s.updatedAt) > timeoutMs;
}

/** The open entries of the Next Steps list. */
export function openNext(s: Session): Array<Session['next'][number]> {
  return s.next.filter((n) => !n.done);
}

/**
 * What identifies a session and its state, without its log: enough to find
 * one, and to count it in the statistics (`closedAt`: when it was closed).
 */
export type SessionHeader = Pick<Session, 'id' | 'stable' | 'suffix' | 'shortname' | 'title' | 'status' | 'replica' | 'createdAt' | 'updatedAt' | 'group'> & { closedAt?: string };

/** When a session (or its header) was closed, if it was. */
export function closedAtOf(s: SessionHeader | Session): string | undefined {
  return 'closed' in s && s.closed ? s.closed.at : (s as SessionHeader).closedAt;
}

export function headerOf(s: SessionHeader | Session): SessionHeader {
  const h: SessionHeader = { id: s.id, stable: s.stable, suffix: s.suffix, shortname: s.shortname, title: s.title, status: s.status, replica: s.replica, createdAt: s.createdAt, updatedAt: s.updatedAt };
  if (s.group !== undefined) h.group = s.group;
  const closedAt = closedAtOf(s);
  if (closedAt !== undefined) h.closedAt = closedAt;
  return h;
}

/**
 * Every session's header, in creation order. A state read from the views
 * cache holds closed sessions' headers only once they were read
 * (`Journal.loadHeaders`): asking before is a programming error, not an
 * empty answer.
 */
export function sessionHeaders(state: SessionsState): SessionHeader[] {
  const aside = state.aside;
  if (!aside) return state.order.map((id) => state.sessions.get(id)!);
  const headers = aside.headers;
  if (!headers) throw new Error("the closed sessions' headers were not read (call Journal.loadHeaders first)");
  const out: SessionHeader[] = [];
  for (const id of state.order) {
    const h = state.sessions.get(id) ?? headers.get(id);
    if (h) out.push(h);
  }
  return out;
}

/** Is `id` a session of this state (in memory, or a closed one kept on disk)? */
export function hasSession(state: SessionsState, id: string): boolean {
  // `order` holds every session started, those kept aside too.
  return state.sessions.has(id) || (state.aside !== undefined && state.order.includes(id));
}

/** The sessions in memory that are open (every open session is: the cache keeps only closed ones aside), in creation order. */
export function openSessions(state: SessionsState): Session[] {
  const out: Session[] = [];
  for (const id of state.order) {
    const s = state.sessions.get(id);
    if (s && isOpen(s)) out.push(s);
  }
  return out;
}

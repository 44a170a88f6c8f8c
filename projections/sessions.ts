/**
 * The session model: one fold over the ordered events that yields every
 * session with its status, log, blockers, context and links. Every other view
 * (session file, resume context, agenda, list, stats) renders from this.
 */
import { stableId, type Actor, type JournalEvent } from '../src/events.js';

export type SessionStatus = 'active' | 'paused' | 'completed' | 'abandoned';

export interface Step {
  key: string;
  text: string;
  status: 'done' | 'current' | 'todo';
  at: string;
  doneAt?: string;
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

export interface Blocker extends Entry {
  resolvedAt?: string;
  resolution?: string;
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
  compactions: Array<{ at: string; trigger: string; summary?: string }>;
  checkpoints: Array<{ at: string; note?: string }>;
  steps: Step[];
  /** Key of the step marked `<- CURRENT`: the latest progress in status current. */
  currentStep?: string;
  decisions: Decision[];
  discoveries: Array<Entry & { evidence?: string }>;
  blockers: Blocker[];
  next: Array<Entry & { done: boolean }>;
  context: { objective?: string; keyFiles: string[]; keyFacts: string[] };
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
}

export const initialSessionsState = (): SessionsState => ({ sessions: new Map(), order: [], clientBindings: new Map(), messages: [] });

export const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

function touch(s: Session, e: JournalEvent): void {
  if (e.at > s.updatedAt) s.updatedAt = e.at;
  s.eventCount++;
}

/**
 * Lookup tables derived from a session's arrays, so the fold stays linear in
 * the number of events. Kept beside the session (not in it) so the session
 * stays plain data; rebuilt on demand for a session that arrived without one.
 */
interface SessionIndex {
  steps: Map<string, Step>;
  /** Open next steps by normalised text. */
  openNext: Map<string, Session['next'][number]>;
}
const indexes = new WeakMap<Session, SessionIndex>();

function indexOf(s: Session): SessionIndex {
  let ix = indexes.get(s);
  if (!ix) {
    ix = { steps: new Map(s.steps.map((st) => [st.key, st])), openNext: new Map(s.next.filter((n) => !n.done).map((n) => [norm(n.text), n])) };
    indexes.set(s, ix);
  }
  return ix;
}

function upsertStep(s: Session, key: string, text: string, status: Step['status'], at: string): void {
  const ix = indexOf(s);
  const existing = ix.steps.get(key);
  if (existing) {
    existing.status = status;
    existing.text = text;
    if (status === 'done') existing.doneAt = at;
  } else {
    const step: Step = { key, text, status, at, ...(status === 'done' ? { doneAt: at } : {}) };
    s.steps.push(step);
    ix.steps.set(key, step);
  }
  if (status === 'current') s.currentStep = key;
  else if (s.currentStep === key) s.currentStep = [...s.steps].reverse().find((st) => st.status === 'current')?.key;
  if (status === 'done') {
    const n = ix.openNext.get(key);
    if (n) {
      n.done = true;
      ix.openNext.delete(key);
    }
  }
}

/** Apply one event. Mutates `state` (a fold step); callers own the state object. */
export function evolveSessions(state: SessionsState, e: JournalEvent): SessionsState {
  if (e.type === 'session.started' && e.session && !state.sessions.has(e.session)) {
    const d = e.data;
    state.sessions.set(e.session, {
      id: e.session,
      stable: stableId(e.session),
      suffix: e.session.slice(-4),
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
      checkpoints: [],
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
    state.order.push(e.session);
    return state;
  }
  if (e.type === 'message.sent') {
    state.messages.push({
      id: e.id,
      at: e.at,
      from: e.actor,
      ...(e.session ? { fromSession: e.session } : {}),
      to: e.data.to,
      text: e.data.text,
      read: false,
    });
    return state;
  }
  if (e.type === 'message.read') {
    const ids = new Set(e.data.messages);
    for (const m of state.messages) if (ids.has(m.id)) m.read = true;
    return state;
  }
  const s = e.session ? state.sessions.get(e.session) : undefined;
  if (!s) return state; // events of a session whose start we do not hold (yet), or project-wide events
  touch(s, e);
  switch (e.type) {
    case 'session.started':
      break; // a duplicate start of a known session: ignored
    case 'session.paused':
      if (s.status === 'active') s.status = 'paused';
      s.checkpoints.push({ at: e.at, ...(e.data.note ? { note: e.data.note } : {}) });
      break;
    case 'session.resumed':
      if (s.status === 'paused') s.status = 'active';
      break;
    case 'session.checkpointed':
      s.checkpoints.push({ at: e.at, ...(e.data.note ? { note: e.data.note } : {}) });
      if (e.data.gitBranch) s.gitBranch = e.data.gitBranch;
      if (e.data.gitCommit) s.gitCommit = e.data.gitCommit;
      break;
    case 'session.compacted':
      s.compactionCount++;
      s.compactions.push({ at: e.at, trigger: e.data.trigger, ...(e.data.summary ? { summary: e.data.summary } : {}) });
      break;
    case 'session.closed':
      s.status = e.data.outcome;
      s.closed = { at: e.at, ...e.data };
      break;
    case 'subsession.started':
      s.subsessions.push({ sub: e.data.sub, name: e.data.name, startedAt: e.at });
      break;
    case 'subsession.ended': {
      const sub = s.subsessions.find((x) => x.sub === e.data.sub && !x.endedAt);
      if (sub) {
        sub.endedAt = e.at;
        if (e.data.summary) sub.summary = e.data.summary;
      }
      break;
    }
    case 'progress':
      upsertStep(s, e.data.step ? norm(e.data.step) : norm(e.data.text), e.data.text, e.data.status, e.at);
      break;
    case 'decision': {
      const d: Decision = { id: e.id, at: e.at, text: e.data.text };
      if (e.data.rationale) d.rationale = e.data.rationale;
      if (e.data.options) d.options = e.data.options;
      if (e.data.supersedes) {
        d.supersedes = e.data.supersedes;
        const old = s.decisions.find((x) => x.id === e.data.supersedes);
        if (old) old.supersededBy = e.id;
      }
      s.decisions.push(d);
      break;
    }
    case 'discovery':
      s.discoveries.push({ id: e.id, at: e.at, text: e.data.text, ...(e.data.evidence ? { evidence: e.data.evidence } : {}) });
      break;
    case 'blocker':
      s.blockers.push({ id: e.id, at: e.at, text: e.data.text });
      break;
    case 'blocker.resolved': {
      const b = s.blockers.find((x) => x.id === e.data.blocker);
      if (b && !b.resolvedAt) {
        b.resolvedAt = e.at;
        if (e.data.note) b.resolution = e.data.note;
      }
      break;
    }
    case 'next': {
      const ix = indexOf(s);
      const key = norm(e.data.text);
      if (!ix.openNext.has(key)) {
        const entry = { id: e.id, at: e.at, text: e.data.text, done: ix.steps.get(key)?.status === 'done' };
        s.next.push(entry);
        if (!entry.done) ix.openNext.set(key, entry);
      }
      break;
    }
    case 'context':
      if (e.data.objective) s.context.objective = e.data.objective;
      for (const f of e.data.keyFiles) if (!s.context.keyFiles.includes(f)) s.context.keyFiles.push(f);
      for (const f of e.data.keyFacts) if (!s.context.keyFacts.includes(f)) s.context.keyFacts.push(f);
      break;
    case 'agent.started':
      s.agents.push({ agentId: e.data.agentId, agentType: e.data.agentType, startedAt: e.at });
      break;
    case 'agent.finished': {
      let a = s.agents.find((x) => x.agentId === e.data.agentId && !x.finishedAt);
      if (!a) {
        a = { agentId: e.data.agentId, agentType: e.data.agentType };
        s.agents.push(a);
      }
      a.finishedAt = e.at;
      if (e.data.result) a.result = e.data.result;
      if (e.data.costUsd !== undefined) a.costUsd = e.data.costUsd;
      break;
    }
    case 'tool.used':
      s.tools.calls++;
      if (!e.data.success) s.tools.failures++;
      s.tools.totalMs += e.data.durationMs ?? 0;
      break;
    case 'transcript.linked':
      s.transcripts.push({ client: e.data.client, clientSession: e.data.clientSession, source: e.data.source, at: e.at, ...(e.data.path ? { path: e.data.path } : {}) });
      state.clientBindings.set(e.data.clientSession, s.id);
      break;
    case 'item.linked':
    case 'items.migrated':
    case 'state.set':
    case 'redaction':
      break; // projected by items.ts / state.ts
    case 'commit.linked':
      break; // projected by commits.ts
    default: {
      const never: never = e;
      return never;
    }
  }
  return state;
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

/** Progress fraction as seed 002 shows it: done steps of all known steps and open next steps. */
export function progressFraction(s: Session): { done: number; total: number } {
  const done = s.steps.filter((st) => st.status === 'done').length;
  const open = s.steps.length - done + pendingNext(s).length;
  return { done, total: done + open };
}

/** A session with no event for longer than `timeoutMs` is stale (nothing is deleted). */
export function isStale(s: Pick<Session, 'status' | 'updatedAt'>, now: Date, timeoutMs: number): boolean {
  return isOpen(s) && now.getTime() - Date.parse(s.updatedAt) > timeoutMs;
}

/** Next steps that are not yet a step of the progress list (shown under Remaining). */
export function pendingNext(s: Session): Array<Session['next'][number]> {
  const ix = indexOf(s);
  return s.next.filter((n) => !n.done && !ix.steps.has(norm(n.text)));
}

/** What identifies a session and its state, without its log: enough to find one. */
export type SessionHeader = Pick<Session, 'id' | 'stable' | 'suffix' | 'shortname' | 'title' | 'status' | 'replica' | 'createdAt' | 'updatedAt' | 'group'>;

export function headerOf(s: SessionHeader): SessionHeader {
  const h: SessionHeader = { id: s.id, stable: s.stable, suffix: s.suffix, shortname: s.shortname, title: s.title, status: s.status, replica: s.replica, createdAt: s.createdAt, updatedAt: s.updatedAt };
  if (s.group !== undefined) h.group = s.group;
  return h;
}

/**
 * Every session's header, in creation order. A cache may keep closed
 * sessions' logs aside and load them on first use (src/viewsCache.ts); this
 * reads only headers, so finding a session does not load every log.
 */
export function sessionHeaders(state: SessionsState): SessionHeader[] {
  const lazy = state.sessions as Map<string, Session> & { headers?: () => Map<string, SessionHeader> };
  if (lazy.headers) {
    const headers = lazy.headers();
    return state.order.map((id) => headers.get(id)!).filter(Boolean);
  }
  return state.order.map((id) => state.sessions.get(id)!);
}

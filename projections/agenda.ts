/**
 * The agenda of each session (seed 000): completed, in_progress, blockers,
 * track_projects and context_keys, fed by linked items and blockers:
 *
 * - a task linked `completed` goes to completed (and leaves in_progress/blockers);
 * - a task linked `created` or `updated` goes to in_progress;
 * - any item linked `blocked`, and every open `blocker` of the log, go to blockers;
 * - a `track:` item goes to track_projects, a `kb:` item to context_keys
 *   (whatever the action: the seed feeds them on create, but a session that
 *   references a project or a knowledge node works in its context too);
 * - `items.migrated` moves the open entries to the receiving session, and
 *   the migrated track_projects and context_keys with them: the sending
 *   session's agenda no longer lists them.
 * - an open blocker of the log is listed `#N text`, N the number it was raised with.
 *
 * A fold `{ initial, evolve }` plus pure renderers. Pure: no I/O.
 */
import { stableId, type JournalEvent } from '../src/events.js';
import { sessionHeaders, type SessionsState } from './sessions.js';
import { foldStep, ignoring } from './registry.js';
import { inlineAll } from './text.js';

export interface Agenda {
  completed: string[];
  in_progress: string[];
  /** Blocked item keys and open blocker texts, in the order they arose. */
  blockers: string[];
  track_projects: string[];
  context_keys: string[];
}

interface SessionAgenda {
  completed: string[];
  in_progress: string[];
  /** `id` is the blocker event id, or `item:<key>` for a blocked item. */
  blockers: Array<{ id: string; label: string }>;
  /** Blockers raised in the log so far: the next one's number is this plus one. */
  raised: number;
  track_projects: string[];
  context_keys: string[];
}

export interface AgendaState {
  sessions: Map<string, SessionAgenda>;
  /** Latest action per item key, to know where a migrated item belongs. */
  lastAction: Map<string, string>;
}

const itemType = (key: string) => key.slice(0, key.indexOf(':'));

const add = (list: string[], value: string) => {
  if (!list.includes(value)) list.push(value);
};
const remove = (list: string[], value: string) => {
  const i = list.indexOf(value);
  if (i >= 0) list.splice(i, 1);
};
const removeBlocker = (a: SessionAgenda, id: string) => {
  const i = a.blockers.findIndex((b) => b.id === id);
  if (i >= 0) a.blockers.splice(i, 1);
};

function agendaOf(state: AgendaState, session: string): SessionAgenda {
  let a = state.sessions.get(session);
  if (!a) {
    a = { completed: [], in_progress: [], blockers: [], track_projects: [], context_keys: [], raised: 0 };
    state.sessions.set(session, a);
  }
  return a;
}

/** Place one item in a session's agenda according to its latest action. */
function place(a: SessionAgenda, key: string, action: string): void {
  const type = itemType(key);
  if (action === 'blocked') {
    if (!a.blockers.some((b) => b.id === `item:${key}`)) a.blockers.push({ id: `item:${key}`, label: key });
  } else removeBlocker(a, `item:${key}`);
  if (type === 'task') {
    if (action === 'completed') {
      remove(a.in_progress, key);
      add(a.completed, key);
    } else if (action === 'created' || action === 'updated') {
      remove(a.completed, key);
      add(a.in_progress, key);
    }
  } else if (type === 'track') add(a.track_projects, key);
  else if (type === 'kb') add(a.context_keys, key);
}

export const agendaProjection = {
  initial: (): AgendaState => ({ sessions: new Map(), lastAction: new Map() }),

  /** Apply one event (mutates and returns `state`: a fold step). */
  evolve: foldStep<AgendaState>({
    'session.started': (state, e) => {
      if (e.session) agendaOf(state, e.session);
    },
    'item.linked': (state, e) => {
      if (!e.session) return;
      state.lastAction.set(e.data.key, e.data.action);
      place(agendaOf(state, e.session), e.data.key, e.data.action);
    },
    blocker: (state, e) => {
      if (!e.session) return;
      const a = agendaOf(state, e.session);
      a.raised++;
      a.blockers.push({ id: e.id, label: `#${a.raised} ${e.data.text}` });
    },
    'blocker.resolved': (state, e) => {
      if (e.session) removeBlocker(agendaOf(state, e.session), e.data.blocker);
    },
    'items.migrated': (state, e) => {
      const from = agendaOf(state, e.data.from);
      const to = agendaOf(state, e.data.to);
      for (const key of e.data.keys) {
        const action = state.lastAction.get(key);
        if (action === undefined || action === 'completed') continue;
        remove(from.in_progress, key);
        remove(from.track_projects, key);
        remove(from.context_keys, key);
        removeBlocker(from, `item:${key}`);
        place(to, key, action);
      }
    },
    ...ignoring(
      'session.paused', 'session.resumed', 'session.checkpointed', 'session.compacted', 'session.closed', 'subsession.started', 'subsession.ended',
      'progress', 'decision', 'discovery', 'next', 'context', 'agent.started', 'agent.finished', 'tool.used', 'transcript.linked', 'message.sent',
      'message.read', 'state.set', 'redaction', 'commit.linked'
    ),
  }),
};

export function projectAgenda(events: readonly JournalEvent[]): AgendaState {
  const state = agendaProjection.initial();
  for (const e of events) agendaProjection.evolve(state, e);
  return state;
}

/** The agenda of one session as plain lists (empty lists for an unknown session). */
export function agendaFor(state: AgendaState, session: string): Agenda {
  const a = state.sessions.get(session);
  if (!a) return { completed: [], in_progress: [], blockers: [], track_projects: [], context_keys: [] };
  return {
    completed: [...a.completed],
    in_progress: [...a.in_progress],
    blockers: a.blockers.map((b) => b.label),
    track_projects: [...a.track_projects],
    context_keys: [...a.context_keys],
  };
}

export interface AgendaView extends Agenda {
  id: string;
  stable_id: string;
  shortname: string;
  title: string;
  status: string;
}

/** One view per known session, in order of creation (sessions whose start we do not hold are left out). */
export function agendaViews(state: AgendaState, sessions: SessionsState, only?: readonly string[]): AgendaView[] {
  const ids = only ?? sessions.order;
  // Headers only: a state read from the views cache keeps closed sessions' logs on disk, and an agenda needs none of them.
  const headers = new Map(sessionHeaders(sessions).map((h) => [h.id, h]));
  return ids.flatMap((id) => {
    const s = headers.get(id);
    if (!s) return [];
    return [{ id: s.id, stable_id: stableId(s.id), shortname: s.shortname, title: s.title, status: s.status, ...agendaFor(state, s.id) }];
  });
}

/** `agenda.json`: every session's agenda, in order of creation. */
export function renderAgendaJson(views: readonly AgendaView[]): string {
  return `${JSON.stringify({ sessions: views }, null, 2)}\n`;
}

const LISTS: Array<[keyof Agenda, string]> = [
  ['in_progress', 'In progress'],
  ['blockers', 'Blockers'],
  ['completed', 'Completed'],
  ['track_projects', 'Track projects'],
  ['context_keys', 'Context keys'],
];

export function isEmptyAgenda(a: Agenda): boolean {
  return LISTS.every(([k]) => a[k].length === 0);
}

/** One session's agenda as markdown (a `##` section). */
export function renderAgendaSection(raw: AgendaView): string {
  const v = inlineAll(raw); // user text: one line each, controls escaped
  const lines = [`## ${v.shortname} (${v.stable_id}) · ${v.status}`];
  if (v.title !== v.shortname) lines.push(v.title);
  for (const [key, label] of LISTS) {
    const list = v[key];
    if (!list.length) continue;
    lines.push('', `**${label}**:`, ...list.map((x) => `- ${x}`));
  }
  if (isEmptyAgenda(v)) lines.push('', '- Nothing on the agenda');
  return lines.join('\n');
}

/**
 * `agenda.md`: open sessions first (newest first), then closed sessions that
 * have anything on their agenda (newest first).
 */
export function renderAgendaMarkdown(views: readonly AgendaView[]): string {
  const open = views.filter((v) => v.status === 'active' || v.status === 'paused').reverse();
  const closed = views.filter((v) => !(v.status === 'active' || v.status === 'paused') && !isEmptyAgenda(v)).reverse();
  const parts = ['# Agenda'];
  if (!open.length && !closed.length) parts.push('No sessions with an agenda yet.');
  parts.push(...open.map(renderAgendaSection));
  if (closed.length) parts.push('# Closed sessions', ...closed.map(renderAgendaSection));
  return `${parts.join('\n\n')}\n`;
}

/**
 * "What happened while I was away": the changes of the whole journal after a
 * cut point (src/timetravel/moment.ts), grouped by session — other actors'
 * and agents' work first, newest first — and bounded in length with a count
 * of what was left out. Pure: the clock (for sessions gone stale) is an argument.
 */
import { stableId, type Actor, type JournalEvent } from '../src/events.js';
import type { Session, SessionHeader } from './sessions.js';
import { minute } from './time.js';

export type ChangeKind = 'started' | 'paused' | 'closed' | 'stale' | 'decision' | 'discovery' | 'blocker' | 'resolved' | 'message' | 'completed';

export interface Change {
  kind: ChangeKind;
  at: string;
  /** The event, except for a session gone stale (no event says so). */
  event?: string;
  /** Who: `name (agent)`. */
  by?: string;
  text: string;
  /** A decision a later one superseded. */
  superseded?: boolean;
}

export interface SinceSession {
  /** Undefined for project-wide events (a message sent from no session). */
  session?: string;
  stable?: string;
  shortname?: string;
  title?: string;
  status?: string;
  group?: string;
  /** Every change here was written by the reader (this actor and agent). */
  mine: boolean;
  latestAt: string;
  changes: Change[];
}

export interface SinceView {
  /** Changes shown, and left out by the limit. */
  shown: number;
  omitted: number;
  /** Sessions with changes none of which is shown. */
  omittedSessions: number;
  sessions: SinceSession[];
}

export interface SinceOptions {
  /** The reader: their own work sorts last. */
  me?: Pick<Actor, 'email' | 'agent'>;
  /** Sessions idle longer than this count as gone stale once `now` passes that point. */
  now?: Date;
  staleAfterMs?: number;
  /** The time the cut stands for (for staleness: only sessions that went stale after it). */
  cutAt?: string;
  /** At most this many changes (default 40). */
  limit?: number;
}

const who = (a: Actor) => `${a.name}${a.agent ? ` (${a.agent})` : ''}`;
const same = (a: Pick<Actor, 'email' | 'agent'>, b: Pick<Actor, 'email' | 'agent'>) => a.email === b.email && (a.agent ?? '') === (b.agent ?? '');
const one = (text: string) => text.replace(/\s+/g, ' ').trim();

function changeOf(e: JournalEvent, superseded: ReadonlySet<string>): Change | undefined {
  const base = { at: e.at, event: e.id, by: who(e.actor) };
  switch (e.type) {
    case 'session.started':
      return { ...base, kind: 'started', text: one(e.data.title) };
    case 'session.paused':
      return { ...base, kind: 'paused', text: e.data.note ? one(e.data.note) : 'paused' };
    case 'session.closed':
      return { ...base, kind: 'closed', text: `${e.data.outcome}${e.data.reason ? `: ${one(e.data.reason)}` : e.data.summary ? `: ${one(e.data.summary)}` : ''}` };
    case 'decision':
      return { ...base, kind: 'decision', text: `${one(e.data.text)}${e.data.rationale ? ` — ${one(e.data.rationale)}` : ''}`, ...(superseded.has(e.id) ? { superseded: true } : {}) };
    case 'discovery':
      return { ...base, kind: 'discovery', text: one(e.data.text) };
    case 'blocker':
      return { ...base, kind: 'blocker', text: one(e.data.text) };
    case 'blocker.resolved':
      return { ...base, kind: 'resolved', text: `${e.data.text ? one(e.data.text) : e.data.blocker}${e.data.note ? ` — ${one(e.data.note)}` : ''}` };
    case 'message.sent':
      return { ...base, kind: 'message', text: `to ${e.data.to.session ? stableId(e.data.to.session) : e.data.to.actor}: ${one(e.data.text)}` };
    case 'item.linked':
      return e.data.action === 'completed' ? { ...base, kind: 'completed', text: `${e.data.key}${e.data.note ? ` — ${one(e.data.note)}` : ''}` } : undefined;
    default:
      return undefined;
  }
}

/**
 * What changed after the first `cut` of the ordered `events`.
 *
 * @example projectSince(snap.events, moment.cut, snap.sessions, { me: journal.actor, now, staleAfterMs })
 */
/**
 * The sessions `projectSince` looks at: at least every session the changes
 * name (its header is enough) and every active or paused one (whole: who
 * started it counts for staleness); a whole model may be passed as well.
 */
export interface SinceModel {
  sessions: ReadonlyMap<string, SessionHeader | Session>;
}

export function projectSince(events: readonly JournalEvent[], cut: number, model: SinceModel, options: SinceOptions = {}): SinceView {
  const tail = events.slice(Math.max(0, cut));
  const superseded = new Set<string>();
  for (const e of tail) if (e.type === 'decision' && e.data.supersedes) superseded.add(e.data.supersedes);
  const groups = new Map<string, SinceSession & { allMine: boolean }>();
  const groupOf = (id: string | undefined) => {
    const key = id ?? '';
    let g = groups.get(key);
    if (!g) {
      const s = id ? model.sessions.get(id) : undefined;
      g = {
        ...(id ? { session: id, stable: stableId(id) } : {}),
        ...(s ? { shortname: s.shortname, title: s.title, status: s.status, ...(s.group ? { group: s.group } : {}) } : {}),
        mine: false,
        allMine: true,
        latestAt: '',
        changes: [],
      };
      groups.set(key, g);
    }
    return g;
  };
  const add = (id: string | undefined, c: Change, mine: boolean) => {
    const g = groupOf(id);
    g.changes.push(c);
    g.allMine &&= mine;
    if (c.at > g.latestAt) g.latestAt = c.at;
  };
  for (const e of tail) {
    const c = changeOf(e, superseded);
    if (c) add(e.session, c, options.me ? same(e.actor, options.me) : false);
  }
  if (options.now && options.staleAfterMs !== undefined) {
    const nowMs = options.now.getTime();
    const fromMs = options.cutAt ? Date.parse(options.cutAt) : -Infinity;
    for (const s of model.sessions.values()) {
      if ((s.status !== 'active' && s.status !== 'paused') || !('startedBy' in s)) continue;
      const staleMs = Date.parse(s.updatedAt) + options.staleAfterMs;
      if (staleMs > fromMs && staleMs <= nowMs) {
        add(s.id, { kind: 'stale', at: new Date(staleMs).toISOString(), text: `no event since ${minute(s.updatedAt)}` }, options.me ? same(s.startedBy, options.me) : false);
      }
    }
  }
  const ordered = [...groups.values()]
    .map(({ allMine, ...g }) => ({ ...g, mine: allMine, changes: [...g.changes].reverse().sort((a, b) => (a.at === b.at ? 0 : a.at < b.at ? 1 : -1)) }))
    .sort((a, b) => (a.mine !== b.mine ? (a.mine ? 1 : -1) : a.latestAt !== b.latestAt ? (a.latestAt < b.latestAt ? 1 : -1) : (a.session ?? '') < (b.session ?? '') ? -1 : 1));
  const limit = Math.max(0, options.limit ?? 40);
  let room = limit;
  let omitted = 0;
  let omittedSessions = 0;
  const sessions: SinceSession[] = [];
  for (const g of ordered) {
    const keep = g.changes.slice(0, room);
    room -= keep.length;
    omitted += g.changes.length - keep.length;
    if (!keep.length) omittedSessions++;
    else sessions.push({ ...g, changes: keep });
  }
  return { shown: limit - room, omitted, omittedSessions, sessions };
}

const VERB: Record<ChangeKind, string> = {
  started: 'started',
  paused: 'paused',
  closed: 'closed',
  stale: 'went stale',
  decision: 'decision',
  discovery: 'discovery',
  blocker: 'blocker',
  resolved: 'resolved blocker',
  message: 'message',
  completed: 'completed',
};

/** A change is one line to skim: a long rationale or note is cut (`--json` keeps the whole text). */
export const CHANGE_TEXT_MAX = 200;

function changeText(c: Change): string {
  const chars = [...c.text];
  const text = chars.length > CHANGE_TEXT_MAX ? `${chars.slice(0, CHANGE_TEXT_MAX - 1).join('').trimEnd()}…` : c.text;
  return `${VERB[c.kind]}: ${text}${c.superseded ? ' (superseded)' : ''}`;
}

function sessionTitle(g: SinceSession): string {
  if (!g.session) return 'Project-wide';
  return `${g.stable}${g.shortname ? ` ${g.shortname}` : ''}${g.title && g.title !== g.shortname ? ` — ${g.title}` : ''}${g.status ? ` (${g.status}${g.group ? `, group ${g.group}` : ''})` : ''}`;
}

/** `logbook since` as markdown: one section per session. */
export function renderSinceMarkdown(view: SinceView, heading: string): string {
  const lines = [`# Since ${heading}`, ''];
  if (!view.sessions.length && !view.omitted) return `${lines.join('\n')}Nothing changed.\n`;
  for (const g of view.sessions) {
    lines.push(`## ${sessionTitle(g)}${g.mine ? ' · yours' : ''}`);
    for (const c of g.changes) lines.push(`- ${minute(c.at)}${c.by ? ` ${c.by}` : ''} — ${changeText(c)}`);
    lines.push('');
  }
  if (view.omitted) lines.push(`_… and ${view.omitted} more change${view.omitted === 1 ? '' : 's'}${view.omittedSessions ? ` (${view.omittedSessions} more session${view.omittedSessions === 1 ? '' : 's'})` : ''}; pass --limit to see more._`, '');
  return `${lines.join('\n').trimEnd()}\n`;
}

/** One line per change for the resume context's "since you were last here" (other sessions' work only, most recent first). */
export function sinceLines(view: SinceView): string[] {
  const lines: string[] = [];
  for (const g of view.sessions) {
    if (g.mine) continue;
    const where = g.session ? `${g.stable}${g.shortname ? ` ${g.shortname}` : ''}` : 'project';
    for (const c of g.changes) lines.push(`- ${where}, ${minute(c.at)}${c.by ? `, ${c.by}` : ''}: ${changeText(c)}`);
  }
  if (view.omitted) lines.push(`- … ${view.omitted} more (\`logbook since\`)`);
  return lines;
}

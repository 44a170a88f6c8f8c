/**
 * Groups (seed 004's `end_group`): sessions started with `--group G` are
 * closed or paused together, in one append — every session of the group or
 * none of them.
 */
import { LogbookError } from '../errors.js';
import type { JournalEvent } from '../events.js';
import type { Logbook } from '../logbook.js';
import { checkClose, closeDrafts } from '../operations/close.js';
import { isOpen, sessionHeaders, type Session, type SessionsState } from '../../projections/sessions.js';
import type { Journal, Snapshot } from '../journal.js';

/** The ids of a group's sessions, in creation order. */
export function groupIds(model: SessionsState, group: string): string[] {
  return sessionHeaders(model).filter((h) => h.group === group).map((h) => h.id);
}

/**
 * `stats --group G` (CLI and HTTP): the session model of the group's sessions,
 * each read into memory first. A group no session was started in is an
 * error that names the groups there are, not statistics of nothing.
 */
export function groupModel(journal: Journal, snap: Snapshot, group: string): SessionsState {
  const ids = groupIds(snap.sessions, group);
  if (!ids.length) {
    const groups = [...new Set(sessionHeaders(snap.sessions).flatMap((h) => (h.group === undefined ? [] : [h.group])))].sort();
    throw new LogbookError('UNKNOWN_SESSION', `no session was started in group ${group}`, { hint: groups.length ? `groups: ${groups.join(', ')}` : 'start sessions with `logbook start --group G`' });
  }
  journal.loadSessions(snap, ids);
  return sessionsOfGroup(snap.sessions, group);
}

/** The session model restricted to one group (for `stats --group`): every session of the group in memory (`Journal.loadSessions(snap, groupIds(…))` first). */
export function sessionsOfGroup(model: SessionsState, group: string): SessionsState {
  const ids = groupIds(model, group);
  const keep = new Set(ids);
  return {
    sessions: new Map(ids.map((id) => [id, model.sessions.get(id)!])),
    order: model.order.filter((id) => keep.has(id)),
    clientBindings: model.clientBindings,
    actors: model.actors,
    messages: model.messages,
    // The events of the group's own sessions (a message or project state belongs to no group).
    eventCount: ids.reduce((n, id) => n + model.sessions.get(id)!.eventCount, 0),
  };
}

function openOfGroup(snap: Snapshot, group: string): Session[] {
  const name = group.trim();
  if (!name) throw new LogbookError('INVALID_INPUT', '--group needs a non-empty name', { hint: 'pass the group the sessions were started with: logbook start --group G' });
  const headers = sessionHeaders(snap.sessions);
  const open = headers.filter((h) => h.group === name && isOpen(h)).map((h) => snap.sessions.sessions.get(h.id)!);
  if (!open.length) {
    const groups = [...new Set(headers.filter((h) => h.group !== undefined && isOpen(h)).map((h) => h.group!))].sort();
    const any = headers.some((h) => h.group === name);
    throw new LogbookError('SESSION_STATE', any ? `group ${name} has no open session` : `no session was started in group ${name}`, {
      hint: groups.length ? `groups with open sessions: ${groups.join(', ')}` : 'start sessions with `logbook start --group G`',
    });
  }
  return open;
}

export interface GroupResult {
  group: string;
  /** The sessions acted on, as they were before. */
  sessions: Session[];
  /** Open sessions of the group left as they were (pause: already paused). */
  skipped: Session[];
  events: JournalEvent[];
}

/** Close every open session of `group` (completed or abandoned) in one append. */
export async function closeGroup(
  logbook: Logbook,
  options: { group: string; outcome: 'completed' | 'abandoned'; reason?: string; summary?: string; learnings?: string[]; allowSecret?: boolean },
): Promise<GroupResult> {
  checkClose(options);
  const snap = await logbook.load();
  const sessions = openOfGroup(snap, options.group);
  const drafts = sessions.flatMap((s) => closeDrafts(s, snap.items, options).drafts);
  const events = await logbook.journal.append(drafts, { allowSecret: options.allowSecret ?? false });
  return { group: options.group.trim(), sessions, skipped: [], events };
}

/** Pause every active session of `group` in one append (paused ones stay as they are). */
export async function pauseGroup(logbook: Logbook, options: { group: string; note?: string; allowSecret?: boolean }): Promise<GroupResult> {
  const snap = await logbook.load();
  const open = openOfGroup(snap, options.group);
  const sessions = open.filter((s) => s.status === 'active');
  const skipped = open.filter((s) => s.status !== 'active');
  if (!sessions.length) {
    throw new LogbookError('SESSION_STATE', `every open session of group ${options.group.trim()} is already paused`, { hint: 'resume one with `logbook resume S`' });
  }
  const note = options.note?.trim() ? { note: options.note } : {};
  const events = await logbook.journal.append(
    sessions.map((s) => ({ type: 'session.paused', session: s.id, data: { ...note } })),
    { allowSecret: options.allowSecret ?? false },
  );
  return { group: options.group.trim(), sessions, skipped, events };
}

/**
 * One handler per operation of ./requests.ts: the request, parsed, in; a view
 * object out (sessions, events, a resume context, search hits), which each
 * face renders its own way. The Logbook a handler gets was opened by the face
 * with the request's session as the explicit one (SPEC 4, src/sessions.ts).
 * The reads (resume, search) are in ./readHandlers.ts, so that a process
 * that only writes (`logbook log`, its own bundle) does not load time travel.
 */
import { LogbookError } from '../errors.js';
import type { JournalEvent } from '../events.js';
import type { Logbook } from '../logbook.js';
import { closeGroup, pauseGroup, type GroupResult } from '../groups/index.js';
import type { Session } from '../../projections/sessions.js';
import { defined } from './request.js';
import type { CheckpointRequest, CloseRequest, ContextRequest, ImportRequest, LinkRequest, LogRequest, MessageRequest, MigrateRequest, PauseRequest, RedactRequest, StartRequest, StateRequest, SubsessionEndRequest, SubsessionStartRequest } from './requests.js';

export type Written = { session: Session; events: JournalEvent[] };
/** `--group` acts on every open session of a group, `--session` on one: not both. */
function notBoth(what: string, r: { group?: string | undefined; session?: string | undefined }): void {
  if (r.group !== undefined && r.session !== undefined) throw new LogbookError('INVALID_INPUT', `--group and --session name different things to ${what}`, { hint: 'pass one of them' });
}

export const handlers = {
  /** `channel` is stamped into the session's meta (cli, mcp, api) unless the request says otherwise. */
  start(lb: Logbook, r: StartRequest, channel?: string): Promise<Written> {
    return lb.start(defined({ ...r, meta: { ...(channel ? { channel } : {}), ...(r.meta ?? {}) } }));
  },

  log(lb: Logbook, { session: _session, ...entries }: LogRequest): Promise<JournalEvent[]> {
    return lb.log(defined(entries));
  },

  checkpoint(lb: Logbook, r: CheckpointRequest): Promise<Written> {
    return lb.checkpoint(r.note);
  },

  pause(lb: Logbook, r: PauseRequest, options: { allowSecret?: boolean } = {}): Promise<Written | GroupResult> {
    notBoth('pause', r);
    if (r.group !== undefined) return pauseGroup(lb, defined({ group: r.group, note: r.note, ...options }));
    return lb.pause(r.note);
  },

  close(lb: Logbook, { session: _session, group, ...close }: CloseRequest, options: { allowSecret?: boolean } = {}): Promise<Written | GroupResult> {
    notBoth('close', { group, session: _session });
    if (group !== undefined) return closeGroup(lb, defined({ group, ...close, ...options }));
    return lb.close(defined(close));
  },

  link(lb: Logbook, r: LinkRequest): Promise<JournalEvent[]> {
    return lb.link(r.key, r.action ?? 'referenced', r.note);
  },

  message(lb: Logbook, r: MessageRequest) {
    return lb.sendMessage(r.to, r.text, { newActor: r.newActor ?? false });
  },

  state(lb: Logbook, r: StateRequest) {
    return lb.setState(defined({ todo: r.todo, focus: r.focus, next: r.next }));
  },

  context(lb: Logbook, r: ContextRequest) {
    return lb.addContext(defined({ objective: r.objective, files: r.files, facts: r.facts }));
  },

  subsessionStart(lb: Logbook, r: SubsessionStartRequest) {
    return lb.subsessionStart(r.name);
  },

  subsessionEnd(lb: Logbook, r: SubsessionEndRequest) {
    return lb.subsessionEnd(defined({ summary: r.summary, sub: r.sub }));
  },

  redact(lb: Logbook, r: RedactRequest) {
    return lb.redact(r.event, r.reason);
  },

  migrate(lb: Logbook, r: MigrateRequest) {
    return lb.migrate(r.from, r.to);
  },

  /** `dir` as given; a face that takes a path relative to a working directory resolves it first. */
  import(lb: Logbook, r: ImportRequest) {
    return lb.importSessions(r.dir);
  },
};

export const isGroupResult = (r: Written | GroupResult): r is GroupResult => 'group' in r && Array.isArray((r as GroupResult).sessions);

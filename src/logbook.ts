/**
 * The operations every channel shares (CLI, hooks, MCP, and later HTTP): each
 * reads the journal, decides which events follow from the request, and appends
 * them. No terminal or process assumptions here.
 */
import { LogbookError } from './errors.js';
import { resolveRecipient } from './messages/recipient.js';
import { itemKeyPattern, taskKey, type Draft, type EventData, type JournalEvent, type UnreadableRecord } from './events.js';
import { readSessionsTree, type ParsedSession } from './importSessions.js';
import { newSessionId, shortnameFrom } from './ids.js';
import { freeShortname, shortnameFromName } from './names/shortname.js';
import { Journal, type LoadParts, type Snapshot } from './journal.js';
import { gitPosition } from './repo.js';
import { currentSession, findCurrentSession, needsHeaders, resolveSession } from './sessions.js';
import { rebuild, type WriteResult } from './rebuild.js';
import { isOpen, isStale, openSessions, sessionHeaders, type Message, type Session, type SessionHeader } from '../projections/sessions.js';
import { isOpenItem } from '../projections/items.js';
import { fitResume, unreadMessagesFor, type ResumeInput } from '../projections/resume.js';
import { projectState, type ProjectState } from '../projections/state.js';
import { commitLines, commitView, sessionCommits } from '../projections/commits.js';
import { loadCommitLookup } from './code/commitsIndex.js';
import { updatingSearchIndex } from './search/search.js';
import type { SearchIndex } from './search/live.js';
import { nonEmpty } from './operations/input.js';
import { logDrafts, type LogOptions } from './operations/log.js';
import { planImport, type ImportReport } from './operations/import.js';
import { checkClose, closeDrafts, type CloseOptions } from './operations/close.js';

export type { LogOptions } from './operations/log.js';
export type { ImportReport } from './operations/import.js';
export type { CloseOptions } from './operations/close.js';

export interface StartOptions {
  title?: string;
  goal?: string;
  /** `--name`: turned into a short name; one an open session holds is refused. */
  name?: string;
  /** A short name to derive from (hooks): one an open session holds gets a `-2`, `-3`, … suffix. */
  autoName?: string;
  tasks?: string[];
  parent?: string;
  group?: string;
  meta?: Record<string, string>;
}

export interface StateOptions {
  todo?: string[];
  focus?: string;
  next?: string[];
}

export interface ContextOptions {
  objective?: string;
  files?: string[];
  facts?: string[];
}

export class Logbook {
  readonly journal: Journal;
  /** `--session` given on this call */
  private readonly explicit: string | undefined;
  /** The session the channel (an MCP server) started or resumed last. */
  private readonly channel: string | undefined;
  /** The agent's client session id (hooks, MCP), bound at SessionStart. */
  readonly clientSession: string | undefined;

  /** Text that looks like a secret is kept as given by this Logbook's writes (`--allow-secret`). */
  private readonly allowSecret: boolean;

  /** The search index a long-lived face keeps current from the journal's appends (none: loaded per search). */
  readonly searchIndex: SearchIndex | undefined;

  /** Told once about commits that are kept but cannot be shown (events from a newer Logbook, foreign commits). */
  private onUnreadable: ((records: UnreadableRecord[]) => void) | undefined;

  constructor(
    journal: Journal,
    options: { session?: string | undefined; channel?: string | undefined; clientSession?: string | undefined; allowSecret?: boolean | undefined; onUnreadable?: (records: UnreadableRecord[]) => void; searchIndex?: SearchIndex } = {},
  ) {
    this.journal = journal;
    this.explicit = options.session;
    this.channel = options.channel;
    this.clientSession = options.clientSession;
    this.allowSecret = options.allowSecret ?? false;
    this.onUnreadable = options.onUnreadable;
    this.searchIndex = options.searchIndex;
  }

  /** Every append of the facade goes through here, so per-call options apply to all of them. */
  private write(drafts: Array<Draft & { at?: string; id?: string }>): Promise<JournalEvent[]> {
    return this.journal.append(drafts, { allowSecret: this.allowSecret });
  }

  /** Read the journal; `parts` as `Journal.load` (a command whose view needs no closed session's header or settled item reads less). */
  async load(parts?: LoadParts): Promise<Snapshot> {
    const snap = await this.journal.load(parts);
    if (snap.unreadable.length && this.onUnreadable) {
      const tell = this.onUnreadable;
      this.onUnreadable = undefined;
      tell(snap.unreadable);
    }
    return snap;
  }

  private input() {
    return { explicit: this.explicit, channel: this.channel, envSession: this.journal.env.LOGBOOK_SESSION, clientSession: this.clientSession, replica: this.journal.replica, formerReplicas: this.journal.formerReplicas };
  }

  /**
   * The session meant by `ref`, or the current one (SPEC 4) when `ref` is
   * undefined; a closed session's state is read here if the snapshot left it
   * on disk, and the closed sessions' headers if the reference needs them.
   */
  session(snap: Snapshot, ref?: string): Session {
    this.headersFor(snap, ref);
    const found = ref ? resolveSession(snap.sessions, ref) : currentSession(snap.sessions, this.input());
    return this.journal.loadSession(snap, found.id)!;
  }

  findSession(snap: Snapshot): Session | undefined {
    this.headersFor(snap);
    const found = findCurrentSession(snap.sessions, this.input());
    return found && this.journal.loadSession(snap, found.id);
  }

  /** Read the closed sessions' headers of `snap` when finding `ref` (or the current session) needs them. */
  private headersFor(snap: Snapshot, ref?: string): void {
    const input = this.input();
    if (needsHeaders(snap.sessions, ref ? [ref] : [input.explicit, input.channel, input.envSession], input.clientSession)) this.journal.loadHeaders(snap);
  }

  private open(snap: Snapshot, ref?: string): Session {
    const s = this.session(snap, ref);
    if (!isOpen(s)) {
      throw new LogbookError('SESSION_STATE', `session ${s.stable} (${s.shortname}) is ${s.status}`, {
        hint: 'start a new session with `logbook start`, or pass --session for an open one',
      });
    }
    return s;
  }

  /**
   * Sessions newest first (by creation: imported history is appended late but
   * is old), filtered by status (`open` and `stale` included) and group.
   * Headers only, so listing does not load closed sessions' logs.
   */
  listSessions(snap: Snapshot, filter: { status?: string; group?: string; staleAfterMs: number }): Array<SessionHeader & { stale: boolean }> {
    const now = this.journal.now();
    this.journal.loadHeaders(snap);
    return sessionHeaders(snap.sessions)
      .map((s, i) => ({ s, i }))
      .sort((a, b) => (a.s.createdAt === b.s.createdAt ? b.i - a.i : a.s.createdAt < b.s.createdAt ? 1 : -1))
      .map(({ s }) => ({ ...s, stale: isStale(s, now, filter.staleAfterMs) }))
      .filter((s) => filter.group === undefined || s.group === filter.group)
      .filter((s) => (filter.status === 'open' ? isOpen(s) : filter.status === 'stale' ? s.stale : filter.status === undefined || s.status === filter.status));
  }

  async start(options: StartOptions): Promise<{ session: Session; events: JournalEvent[] }> {
    const snap = await this.load();
    const now = this.journal.now();
    // Neither another session's suffix nor a short name: `view xxxx` must keep meaning one session.
    const taken = new Set(sessionHeaders(snap.sessions).flatMap((s) => [s.suffix, s.shortname]));
    const id = newSessionId(now, this.journal.random, taken);
    const given = (options.title ?? options.goal ?? options.name ?? '').trim() || `Session ${now.toISOString().slice(0, 16).replace('T', ' ')}`;
    // Redacted before the short name is derived from it, or a secret would survive there, lower-cased.
    const title = this.journal.redact(given, { allowSecret: this.allowSecret });
    const shortname = this.pickShortname(snap, options, title);
    const data: EventData<'session.started'> = {
      title,
      shortname,
      taskIds: (options.tasks ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean),
      meta: options.meta ?? {},
      ...(this.journal.repo ? gitPosition(this.journal.repo) : {}),
    };
    if (options.goal !== undefined) data.goal = nonEmpty(options.goal, '--goal');
    if (options.parent) data.parent = resolveSession(snap.sessions, options.parent).id;
    if (options.group !== undefined) data.group = nonEmpty(options.group, '--group');
    const drafts: Draft[] = [{ type: 'session.started', session: id, data }];
    for (const task of data.taskIds) drafts.push({ type: 'item.linked', session: id, data: { key: taskKey(task), action: 'created' } });
    // Started from an agent's conversation (hooks export LOGBOOK_CLIENT_SESSION): its later commands follow the new session.
    if (this.clientSession) {
      drafts.push({ type: 'transcript.linked', session: id, data: { client: this.journal.actor.agent ?? 'unknown', clientSession: this.clientSession, source: 'startup' } });
    }
    const events = await this.write(drafts);
    const after = await this.load({ headers: false, items: false });
    return { session: this.journal.loadSession(after, id)!, events };
  }

  /**
   * Unique among open sessions, and no session's id suffix (a suffix is looked up first, so
   * the name would never reach its session): a clash with `--name` is refused, a derived
   * name gets a suffix (which `start` prints).
   */
  private pickShortname(snap: Snapshot, options: StartOptions, title: string): string {
    const all = sessionHeaders(snap.sessions);
    const open = all.filter(isOpen);
    const taken = new Set([...open.map((s) => s.shortname), ...all.map((s) => s.suffix)]);
    if (options.name === undefined) return freeShortname(options.autoName ? shortnameFromName(options.autoName) : shortnameFrom(title), taken);
    const wanted = shortnameFromName(this.journal.redact(options.name, { allowSecret: this.allowSecret }));
    const owner = all.find((s) => s.suffix === wanted);
    if (owner) {
      throw new LogbookError('INVALID_INPUT', `the short name "${wanted}" is the id suffix of session ${owner.stable} (${owner.title}), so it would name that session`, {
        hint: `pick another --name (for example ${freeShortname(wanted, taken)}), or leave --name out to get a free one`,
      });
    }
    const holder = open.find((s) => s.shortname === wanted);
    if (holder) {
      throw new LogbookError('INVALID_INPUT', `the short name "${wanted}" is taken by open session ${holder.stable} (${holder.title})`, {
        hint: `pick another --name (for example ${freeShortname(wanted, taken)}), close ${holder.stable} first, or leave --name out to get a free one`,
        data: { taken: wanted, holder: holder.id },
      });
    }
    return wanted;
  }

  async log(options: LogOptions, ref?: string): Promise<JournalEvent[]> {
    const snap = await this.load({ headers: false, items: false }); // an open session's log: what `session` needs it reads
    return this.write(logDrafts(this.open(snap, ref), options));
  }

  async append(type: 'session.checkpointed' | 'session.paused', data: { note?: string }, ref?: string): Promise<{ session: Session; events: JournalEvent[] }> {
    const snap = await this.load({ headers: false, items: false });
    const s = this.open(snap, ref);
    if (type === 'session.paused' && s.status === 'paused') {
      throw new LogbookError('SESSION_STATE', `session ${s.stable} is already paused`, { hint: 'resume it with `logbook resume`' });
    }
    const note = data.note === undefined ? undefined : nonEmpty(data.note, '--note');
    const position = type === 'session.checkpointed' && this.journal.repo ? gitPosition(this.journal.repo) : {};
    const events = await this.write([{ type, session: s.id, data: { ...(note ? { note } : {}), ...position } } as Draft]);
    return { session: s, events };
  }

  checkpoint(note?: string, ref?: string) {
    return this.append('session.checkpointed', note === undefined ? {} : { note }, ref);
  }

  pause(note?: string, ref?: string) {
    return this.append('session.paused', note === undefined ? {} : { note }, ref);
  }

  /** Reopen a paused session (a `session.resumed` event); an active one is left as is. */
  async resume(ref?: string, given?: Snapshot): Promise<Session> {
    const snap = given ?? (await this.load({ headers: false, items: false }));
    let s: Session;
    if (ref) s = this.session(snap, ref);
    else {
      s = this.findSession(snap) ?? this.newestPaused(snap) ?? this.session(snap);
    }
    if (s.status === 'paused') {
      await this.write([{ type: 'session.resumed', session: s.id, data: {} }]);
      const after = await this.load({ headers: false, items: false });
      return this.journal.loadSession(after, s.id)!;
    }
    return s;
  }

  private newestPaused(snap: Snapshot): Session | undefined {
    const open = openSessions(snap.sessions); // paused sessions are open: in memory
    for (let i = open.length - 1; i >= 0; i--) {
      const s = open[i]!;
      if (s.status === 'paused' && this.journal.ownsReplica(s.replica)) return s;
    }
    return undefined;
  }

  async close(options: CloseOptions, ref?: string): Promise<{ session: Session; events: JournalEvent[] }> {
    checkClose(options);
    const snap = await this.load();
    const s = this.open(snap, ref);
    const { drafts } = closeDrafts(s, snap.items, options);
    const events = await this.write(drafts);
    return { session: this.journal.loadSession(await this.load({ headers: false, items: false }), s.id)!, events };
  }

  async link(key: string, action: EventData<'item.linked'>['action'] = 'referenced', note?: string, ref?: string): Promise<JournalEvent[]> {
    if (!itemKeyPattern.test(key)) {
      throw new LogbookError('INVALID_INPUT', `item key "${key}" is not of the form type:key`, { hint: 'for example task:42, kb:node:abc, track:project:c3c5, file:src/a.ts' });
    }
    const snap = await this.load();
    const s = this.open(snap, ref);
    return this.write([{ type: 'item.linked', session: s.id, data: { key, action, ...(note ? { note } : {}) } }]);
  }

  /** Append arbitrary drafts to the current (or given) open session. */
  async record(build: (s: Session, snap: Snapshot) => Draft[], ref?: string): Promise<{ session: Session; events: JournalEvent[] }> {
    const snap = await this.load();
    const s = this.open(snap, ref);
    return { session: s, events: await this.write(build(s, snap)) };
  }

  /**
   * Move every open item of `from` to `to` (one `items.migrated` event): each
   * chain gains `to`, and records migrated_at and migrated_from.
   */
  async migrate(from: string, to: string): Promise<{ from: Session; to: Session; keys: string[]; events: JournalEvent[] }> {
    const snap = await this.load();
    const source = this.session(snap, from);
    const target = this.open(snap, to);
    if (source.id === target.id) {
      throw new LogbookError('INVALID_INPUT', `cannot migrate ${source.stable} to itself`, { hint: 'pass two different sessions: logbook migrate FROM TO' });
    }
    const keys = [...snap.items.items.values()].filter((i) => i.current_session === source.id && isOpenItem(i)).map((i) => i.key).sort();
    if (!keys.length) return { from: source, to: target, keys, events: [] };
    const events = await this.write([{ type: 'items.migrated', session: target.id, data: { from: source.id, to: target.id, keys } }]);
    return { from: source, to: target, keys, events };
  }

  /** Start a named work block `sub_NNN`; an open one is ended first (work blocks follow each other). */
  async subsessionStart(name: string, ref?: string): Promise<{ session: Session; sub: string; ended?: string; events: JournalEvent[] }> {
    const title = nonEmpty(name, 'NAME')!.trim();
    const snap = await this.load();
    const s = this.open(snap, ref);
    const numbers = s.subsessions.map((b) => Number(b.sub.slice(4)));
    const sub = `sub_${String(Math.max(0, ...numbers) + 1).padStart(3, '0')}`;
    const open = s.subsessions.filter((b) => !b.endedAt);
    const drafts: Draft[] = open.map((b) => ({ type: 'subsession.ended', session: s.id, data: { sub: b.sub } }));
    drafts.push({ type: 'subsession.started', session: s.id, data: { sub, name: title } });
    const events = await this.write(drafts);
    return { session: s, sub, ...(open.length ? { ended: open.map((b) => b.sub).join(', ') } : {}), events };
  }

  /** End the open work block (or the one named `sub`). */
  async subsessionEnd(options: { summary?: string; sub?: string } = {}, ref?: string): Promise<{ session: Session; sub: string; events: JournalEvent[] }> {
    const snap = await this.load();
    const s = this.open(snap, ref);
    const open = s.subsessions.filter((b) => !b.endedAt && (!options.sub || b.sub === options.sub));
    const block = open.at(-1);
    if (!block) {
      throw new LogbookError('SESSION_STATE', options.sub ? `${s.stable} has no open work block ${options.sub}` : `${s.stable} has no open work block`, {
        hint: 'start one with `logbook subsession start NAME`',
      });
    }
    const summary = options.summary === undefined ? undefined : nonEmpty(options.summary, '--summary');
    const events = await this.write([{ type: 'subsession.ended', session: s.id, data: { sub: block.sub, ...(summary ? { summary } : {}) } }]);
    return { session: s, sub: block.sub, events };
  }

  /** Set the project state (todo list, focus, next steps); fields not given keep their value. Project-wide: no session needed. */
  async setState(options: StateOptions): Promise<{ state: ProjectState; events: JournalEvent[] }> {
    const data: EventData<'state.set'> = {};
    if (options.todo?.length) data.todo = options.todo.map((t) => nonEmpty(t, '--todo')!);
    if (options.focus !== undefined) data.focus = options.focus.trim();
    if (options.next?.length) data.next = options.next.map((t) => nonEmpty(t, '--next')!);
    if (!Object.keys(data).length) {
      throw new LogbookError('INVALID_INPUT', 'nothing to set', { hint: 'pass --todo, --focus or --next (repeat --todo/--next for a list; --focus "" clears the focus)' });
    }
    const snap = await this.load();
    const from = this.findSession(snap);
    const events = await this.write([{ type: 'state.set', ...(from && isOpen(from) ? { session: from.id } : {}), data }]);
    return { state: projectState([...(await this.journal.events(snap)), ...events]), events };
  }

  /**
   * Send a message to a session (any reference form) or to an actor (`Name
   * <email>`, email or name; `actor:A` or `session:S` when a name could be
   * both), normalised once here (src/messages/recipient.ts): resume shows it to
   * the recipient once, as unread. An unknown recipient is an error unless `newActor`.
   */
  async sendMessage(to: string, text: string, options: { newActor?: boolean } = {}): Promise<{ to: { session?: string; actor?: string }; events: JournalEvent[] }> {
    const body = nonEmpty(text, 'TEXT')!;
    const snap = await this.load();
    const recipient = resolveRecipient(to, { sessions: snap.sessions, events: await this.journal.events(snap), newActor: options.newActor ?? false });
    const from = this.findSession(snap);
    const events = await this.write([{ type: 'message.sent', ...(from ? { session: from.id } : {}), data: { to: recipient, text: body } }]);
    return { to: recipient, events };
  }

  /** Add to the key context that must survive compaction: objective, key files, key facts. */
  async addContext(options: ContextOptions, ref?: string): Promise<{ session: Session; events: JournalEvent[] }> {
    const objective = options.objective === undefined ? undefined : nonEmpty(options.objective, '--objective');
    const keyFiles = (options.files ?? []).map((f) => nonEmpty(f, '--file')!.trim());
    const keyFacts = (options.facts ?? []).map((f) => nonEmpty(f, '--fact')!.trim());
    if (!objective && !keyFiles.length && !keyFacts.length) {
      throw new LogbookError('INVALID_INPUT', 'no context given', { hint: 'pass --objective, --file or --fact' });
    }
    const snap = await this.load();
    const s = this.open(snap, ref);
    const events = await this.write([{ type: 'context', session: s.id, data: { ...(objective ? { objective } : {}), keyFiles, keyFacts } }]);
    return { session: this.journal.loadSession(await this.load({ headers: false, items: false }), s.id)!, events };
  }

  /**
   * The resume context of a session (reopening it if paused), fitted to
   * `budget`. Unread messages that made it into the text are marked read
   * (a `message.read` event) unless `markRead` is false.
   */
  async resumeContext(ref?: string, options: { budget?: number; markRead?: boolean; since?: string[]; /** the journal as the caller just read it (a hook), instead of reading it again */ snap?: Snapshot } = {}): Promise<{ session: Session; text: string; omitted: string[]; input: ResumeInput; read: Message[] }> {
    const session = await this.resume(ref, options.snap);
    // Resuming a paused session wrote an event and read the journal again: the given snapshot is behind then.
    const snap = options.snap?.sessions.sessions.get(session.id) === session ? options.snap : await this.load({ headers: false, items: false });
    const index = await loadCommitLookup(this.journal);
    const commits = commitLines(sessionCommits(index, session.id).slice(0, 20).map((r) => commitView(index, r)), session.id);
    const { text, omitted, input, messages } = this.resumeText(snap, session, { ...options, commits });
    const read = omitted.includes('unread messages') ? [] : messages;
    if (read.length && options.markRead !== false) {
      await this.write([{ type: 'message.read', session: session.id, data: { messages: read.map((m) => m.id) } }]);
    }
    return { session, text, omitted, input, read };
  }

  /** The resume context of `session` from `snap`, with no side effect (`resume --at` shows a past one this way). */
  resumeText(snap: Snapshot, session: Session, options: { budget?: number; since?: string[]; commits?: string[] } = {}): { text: string; omitted: string[]; input: ResumeInput; messages: Message[] } {
    const messages = unreadMessagesFor(snap.sessions.messages, session, this.journal.actor);
    if (!isOpen(session)) this.journal.loadItems(snap); // a closed session's items are settled ones, kept on disk by the cache
    const items = [...snap.items.items.values()]
      .filter((i) => i.current_session === session.id && isOpenItem(i))
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .map((i) => {
        const note = [...i.history].reverse().find((h) => h.action !== 'migrated')?.note;
        return { key: i.key, status: i.status, ...(note ? { note } : {}) };
      });
    const input: ResumeInput = { session, messages, items, ...(options.budget ? { budget: options.budget } : {}), ...(options.since?.length ? { since: options.since } : {}), ...(options.commits?.length ? { commits: options.commits } : {}) };
    return { ...fitResume(input), input, messages };
  }

  /**
   * Import a `.sessions/` tree (seed 002 format) as events. Sessions imported
   * before (same original id) are skipped, so importing twice adds nothing.
   */
  async importSessions(dir: string): Promise<ImportReport> {
    return this.importParsed(readSessionsTree(dir));
  }

  async importParsed(parsed: readonly ParsedSession[]): Promise<ImportReport> {
    const snap = await this.load();
    this.journal.loadSessions(snap); // every session: an imported one is known by its original id, kept in its meta
    const plan = planImport(snap.sessions, parsed, () => this.journal.newEventId());
    // One append: the blockers' ids are given in advance, so their resolutions cannot be lost to a failure between two writes.
    if (plan.drafts.length) await this.write(plan.drafts);
    return plan.report;
  }

  /**
   * The "forget" path: append a `redaction` event that hides the text of the
   * event `eventRef` (its id, or a unique prefix or 6+ character suffix of it)
   * from every projection. Nothing is rewritten: the original commit stays in
   * git history until the ref is rewritten by hand (see docs/safety.md).
   * Redacting an event twice is a no-op that returns the earlier redaction.
   */
  async redact(eventRef: string, reason?: string): Promise<{ target: JournalEvent; events: JournalEvent[]; earlier?: JournalEvent }> {
    const ref = nonEmpty(eventRef, 'EVENT')!.trim().toUpperCase();
    const snap = await this.load();
    const all = await this.journal.events(snap);
    const exact = all.filter((e) => e.id === ref);
    const hits = exact.length ? exact : all.filter((e) => e.id.startsWith(ref) || (ref.length >= 6 && e.id.endsWith(ref)));
    if (hits.length !== 1) {
      throw new LogbookError(hits.length ? 'INVALID_INPUT' : 'UNKNOWN_EVENT', hits.length ? `"${eventRef}" matches ${hits.length} events: ${hits.slice(0, 5).map((e) => `${e.id} ${e.type}`).join(', ')}${hits.length > 5 ? ', …' : ''}` : `no event has the id "${eventRef}"`, {
        hint: 'pass the full event id; `logbook view --json` and `logbook log --json` show them',
      });
    }
    const target = hits[0]!;
    if (target.type === 'redaction') throw new LogbookError('INVALID_INPUT', `${target.id} is itself a redaction; a redaction cannot be undone or redacted`, { hint: 'pass the id of the event whose text should be hidden' });
    const earlier = all.find((e) => e.type === 'redaction' && e.data.event === target.id);
    if (earlier) return { target, events: [], earlier };
    const note = reason === undefined ? undefined : nonEmpty(reason, '--reason');
    // The search index takes the redaction from the append itself: the hidden text leaves it at once.
    const events = await updatingSearchIndex(this.journal, () => this.write([{ type: 'redaction', ...(target.session ? { session: target.session } : {}), data: { event: target.id, ...(note ? { reason: note } : {}) } }]));
    return { target, events };
  }

  /** Write every projection file to `out` (default `.logbook/` in the work tree). */
  rebuild(out?: string): Promise<WriteResult & { events: number }> {
    return rebuild(this.journal, out === undefined ? {} : { out });
  }
}

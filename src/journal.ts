/**
 * The journal: a store plus the envelope every appended event gets (id, time,
 * actor, Lamport clock, replica), with compare-and-swap retries, and the one
 * read path that yields the ordered events and the session model.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveActor } from './actor.js';
import { LogbookError, describeIssues, isLogbookError } from './errors.js';
import { compareEvents, journalEventSchema, type Actor, type Draft, type JournalEvent, type UnreadableRecord } from './events.js';
import { eventIdFactory, newReplicaId, type Random } from './ids.js';
import { findRepo, readGitConfig, readReplicaId, updateGitConfig, type Repo } from './repo.js';
import { checkDraftText } from './limits.js';
import { redactDrafts, redactText, type RedactionOptions } from './redact.js';
import { GitStore } from './store/git.js';
import { listRefsRaw } from './store/refs.js';
import type { Deadline } from './deadline/index.js';
import { gitBinary } from './store/gitBinary.js';
import { isCachingStore, type EventStore } from './store/types.js';
import { orderEvents, prepare } from '../projections/order.js';
import { itemsProjection, projectItems, type ItemsState } from '../projections/items.js';
import { loadViews, readHeaders, readItems, readSessions, saveViews, type CacheSource, type Views } from './viewsCache.js';
import { evolveSessions, projectSessions, type Session, type SessionsState } from '../projections/sessions.js';

/**
 * What a read of the journal yields: plain values (no getters, nothing read
 * later). A view that needs the events themselves asks for them explicitly,
 * `await journal.events(snapshot)`, so the cost shows at the call site.
 */
export interface Snapshot {
  unreadable: UnreadableRecord[];
  sessions: SessionsState;
  items: ItemsState;
  /** The tips the snapshot was read at. */
  tips: Record<string, string>;
  /** Where the parts it left on disk are (a snapshot read from the views cache): for `loadHeaders`, `loadSessions`, `loadItems`. */
  cache?: CacheSource;
}

/**
 * What a read must hold besides the open sessions and the live items. Both
 * default to true; a command whose view needs neither (resume, log) reads
 * less, and reads the rest explicitly if it turns out to need it.
 */
export interface LoadParts {
  /** Every closed session's header (finding a session by a reference other than an open one's id, list, stats). */
  headers?: boolean;
  /** Every item chain (items, agenda, a closed session's items). */
  items?: boolean;
}

/** What `Journal.subscribe` listeners receive after each successful append. */
export interface Appended {
  replica: string;
  /** The events as written, in order. */
  events: JournalEvent[];
  /** The replica's tip before the append (null for its first event), and after it. */
  from: string | null;
  tip: string;
}

export type AppendListener = (appended: Appended) => void;

function projectViews(events: readonly JournalEvent[]): Views {
  return { sessions: projectSessions(events), items: projectItems(events) };
}

function evolveViews(views: Views, e: JournalEvent): void {
  evolveSessions(views.sessions, e);
  itemsProjection.evolve(views.items, e);
}

/** New events folded into the cached views before they are saved again. */
const SAVE_AFTER = 64;

export interface JournalDeps {
  store: EventStore;
  replica: string;
  actor: Actor;
  now?: () => Date;
  random?: Random;
  redaction?: RedactionOptions;
  repo?: Repo;
  env?: NodeJS.ProcessEnv;
  /** New events folded into the cached views before they are saved again (default 64). */
  cacheSaveAfter?: number;
  deadline?: Deadline;
  /** Replica ids this clone had before (`logbook.formerReplicas`, written by `sync --fix-collision`). */
  formerReplicas?: readonly string[];
}

export interface OpenOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  random?: Random;
  agent?: { agent?: string; agentSession?: string };
  redaction?: RedactionOptions;
  /** Every wait (lock, git) and write stops when this runs out: a hook's budget. */
  deadline?: Deadline;
}

/** Per-call options of `Journal.append`. */
export interface AppendOptions {
  /** Keep text that looks like a secret as given, for this call only (`--allow-secret`). */
  allowSecret?: boolean;
}

const MAX_ATTEMPTS = 50;

export class Journal {
  readonly store: EventStore;
  readonly replica: string;
  readonly actor: Actor;
  readonly repo: Repo | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
  readonly random: Random;
  private readonly nextId: (now: number) => string;
  private readonly redaction: RedactionOptions;
  private readonly cacheSaveAfter: number;
  private readonly deadline: Deadline | undefined;
  readonly formerReplicas: readonly string[];
  private readonly listeners = new Set<AppendListener>();

  constructor(deps: JournalDeps) {
    this.deadline = deps.deadline;
    this.formerReplicas = deps.formerReplicas ?? [];
    this.store = deps.store;
    this.replica = deps.replica;
    this.actor = deps.actor;
    this.repo = deps.repo;
    this.env = deps.env ?? {};
    this.now = deps.now ?? (() => new Date());
    this.random = deps.random ?? Math.random;
    this.nextId = eventIdFactory(deps.random);
    this.redaction = deps.redaction ?? {};
    this.cacheSaveAfter = deps.cacheSaveAfter ?? SAVE_AFTER;
  }

  /** Open the journal of the repository containing `cwd`; it must have been initialised. */
  static open(options: OpenOptions): Journal {
    const env = options.env ?? {};
    const repo = findRepo(options.cwd);
    const replica = readReplicaId(repo.gitdir);
    if (!replica) {
      // A clone that fetched the journal (git fetch 'refs/logbook/*:refs/logbook/*') holds it already: it only lacks its replica id.
      const fetched = new Set(listRefsRaw(repo.gitdir, 'refs/logbook/replicas/').map((r) => r.ref)).size;
      if (fetched) {
        throw new LogbookError('NOT_INITIALISED', `this clone holds a journal (${fetched} replica ref${fetched === 1 ? '' : 's'} under refs/logbook/) but has not run \`logbook init\` yet`, {
          hint: 'run `logbook init` once in this clone: it reads the journal as it is and writes nothing to it',
        });
      }
      throw new LogbookError('NOT_INITIALISED', `no Logbook journal in ${repo.workTree ?? repo.gitdir}`, { hint: 'run `logbook init` first' });
    }
    const config = readGitConfig(repo.gitdir, env);
    const allow = config['logbook.allowsecret'];
    return new Journal({
      store: new GitStore(repo.gitdir, { gitBinary: gitBinary(env), env, ...(options.deadline ? { deadline: options.deadline } : {}) }),
      ...(options.deadline ? { deadline: options.deadline } : {}),
      formerReplicas: (config['logbook.formerreplicas'] ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      replica,
      actor: resolveActor(env, config, options.agent),
      repo,
      env,
      ...(options.now ? { now: options.now } : {}),
      ...(options.random ? { random: options.random } : {}),
      redaction: { ...(allow ? { allow: allow.split(',').map((s) => s.trim()).filter(Boolean) } : {}), ...options.redaction },
    });
  }

  /**
   * Read the journal. With the git store, the session model is cached by ref
   * tips and only events that are new since then are folded in (when they all
   * sort after what was cached; anything else, e.g. an older event arriving
   * by fetch, refolds from the start). The snapshot holds no events: ask
   * `events(snapshot)` for them.
   */
  async load(parts: LoadParts = {}): Promise<Snapshot> {
    const store = this.store;
    if (!isCachingStore(store)) {
      const { events, unreadable, tips } = await store.read();
      return { unreadable, ...projectViews(prepare(events)), tips };
    }
    const need = { headers: parts.headers ?? true, items: parts.items ?? true };
    // A part whose file is damaged is folded again from the events as of this read (after readNew below).
    const cachedEvents = () => store.eventsReader()().events;
    const cached = loadViews(store, cachedEvents, need);
    if (cached) {
      const delta = await store.readNew(cached.tips);
      const fresh = orderEvents(delta.events);
      const last = cached.last;
      if (delta.complete && (!last || fresh.every((e) => compareEvents(e, last) > 0)) && !fresh.some((e) => e.type === 'redaction')) {
        const views = { sessions: cached.sessions, items: cached.items };
        this.fold({ ...views, cache: cached.source }, fresh);
        const unreadable = [...cached.unreadable, ...delta.unreadable];
        // Folding a few new events is cheaper than rewriting the cache each time: save once enough have gathered.
        if (fresh.length >= this.cacheSaveAfter || delta.unreadable.length) {
          // Saved: the parts this snapshot left on disk are the new ones.
          const source = await saveViews(store, delta.tips, views, unreadable, fresh.at(-1) ?? last, cached.source, cachedEvents);
          return { ...views, unreadable, tips: delta.tips, cache: source };
        }
        return { ...views, unreadable, tips: delta.tips, cache: cached.source };
      }
    }
    const { events, unreadable, tips } = await store.read();
    const ordered = prepare(events);
    const views = projectViews(ordered);
    await saveViews(store, tips, views, unreadable, ordered.at(-1), undefined, () => ordered);
    return { unreadable, ...views, tips };
  }

  /**
   * Fold `events` (newer than what `snap` holds) into `snap`. What they change
   * is read first, so the fold never reads from disk (nor fails half-way): the
   * closed sessions they name, and the settled items when they name one.
   */
  fold(snap: Pick<Snapshot, 'sessions' | 'items' | 'cache'>, events: readonly JournalEvent[]): void {
    // A session kept on disk is one the state knows (in `order`) but does not hold; a new session's start reads nothing.
    const known = snap.sessions.aside ? new Set(snap.sessions.order) : undefined;
    const touched = new Set(events.flatMap((e) => (e.session && known?.has(e.session) && !snap.sessions.sessions.has(e.session) ? [e.session] : [])));
    if (touched.size) this.loadSessions(snap, touched);
    const settled = snap.items.aside?.keys;
    if (settled && events.some((e) => (e.type === 'item.linked' && settled.has(e.data.key)) || (e.type === 'items.migrated' && e.data.keys.some((k) => settled.has(k))))) this.loadItems(snap);
    for (const e of events) evolveViews(snap, e);
  }

  /**
   * The closed sessions' headers of `snap` (read from the views cache): read
   * now if the read did not, so `sessionHeaders` can list every session.
   * A no-op on a snapshot that holds every session.
   */
  loadHeaders(snap: Pick<Snapshot, 'sessions' | 'cache'>): void {
    if (!snap.sessions.aside || snap.sessions.aside.headers || !snap.cache || !isCachingStore(this.store)) return;
    const store = this.store;
    readHeaders(store, { sessions: snap.sessions, source: snap.cache }, () => store.eventsReader()().events);
  }

  /**
   * The state of these sessions (every session when `ids` is undefined), read
   * into `snap` if the views cache kept them on disk (closed ones). Ids of no
   * session are left out of the answer.
   */
  loadSessions(snap: Pick<Snapshot, 'sessions' | 'cache'>, ids?: Iterable<string>): Session[] {
    const state = snap.sessions;
    if (!state.aside || !snap.cache || !isCachingStore(this.store)) return (ids === undefined ? state.order : [...ids]).flatMap((id) => state.sessions.get(id) ?? []);
    const store = this.store;
    return readSessions(store, { sessions: state, source: snap.cache }, ids, () => store.eventsReader()().events);
  }

  /** One session's state (see `loadSessions`), or undefined when there is no such session. */
  loadSession(snap: Pick<Snapshot, 'sessions' | 'cache'>, id: string): Session | undefined {
    return snap.sessions.sessions.get(id) ?? this.loadSessions(snap, [id])[0];
  }

  /** Every item chain of `snap`: the settled ones read now if the read left them on disk. */
  loadItems(snap: Pick<Snapshot, 'items' | 'cache'>): void {
    if (!snap.items.aside || !snap.cache || !isCachingStore(this.store)) return;
    const store = this.store;
    readItems(store, { items: snap.items, source: snap.cache }, () => store.eventsReader()().events);
  }

  /**
   * Every event as of `snapshot`'s tips (or as of now), in the journal's order
   * (clock, id), deduplicated, redactions applied. Reads and sorts the whole
   * journal: for views that need every event, not for the hot path.
   */
  async events(snapshot?: Pick<Snapshot, 'tips'>): Promise<JournalEvent[]> {
    const { events } = await this.store.read(snapshot ? { at: snapshot.tips } : {});
    return prepare(events);
  }

  /**
   * Be told of every append this journal makes (after it succeeded), in
   * process: the events as written and the replica's tip before and after.
   * Returns the unsubscribe function. A listener that throws does not fail
   * the append (the error goes to `subscriber-errors.log`).
   */
  subscribe(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(appended: Appended): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(appended);
      } catch (e) {
        this.logLine('subscriber-errors.log', `${new Date().toISOString()} ${(e as Error)?.stack ?? String(e)}`);
      }
    }
  }

  /**
   * Append drafts as one atomic batch on this replica's ref. Text is checked
   * against the size limit and redacted first (unless `allowSecret`); each
   * event is validated; a moved tip is retried with a fresh clock. A draft
   * may carry its own `at` (ISO-8601 UTC): importers keep the time history
   * happened at, while the clock still orders it after what this replica has seen.
   * A draft may also carry its id, taken from `newEventId` (an importer's
   * blocker, so its resolution in the same batch can name it).
   */
  async append(drafts: Array<Draft & { at?: string; id?: string }>, options: AppendOptions = {}): Promise<JournalEvent[]> {
    if (drafts.length === 0) return [];
    const redaction = options.allowSecret ? { ...this.redaction, disabled: true } : this.redaction;
    const redacted = redactDrafts(drafts.map(checkDraftText), redaction);
    for (let attempt = 1; ; attempt++) {
      const head = await this.store.head();
      const expectedTip = head.tips[this.replica] ?? null;
      const now = this.now();
      const at = now.toISOString();
      const events = redacted.map((d, i) => {
        const candidate = {
          id: d.id ?? this.nextId(now.getTime()),
          type: d.type,
          v: 1,
          at: d.at ?? at,
          ...(d.session ? { session: d.session } : {}),
          actor: this.actor,
          clock: head.maxClock + 1 + i,
          replica: this.replica,
          data: d.data,
        };
        const parsed = journalEventSchema.safeParse(candidate);
        if (!parsed.success) {
          throw new LogbookError('INVALID_INPUT', `invalid ${d.type} event: ${describeIssues(parsed.error.issues)}`, {
            hint: 'check the values you passed',
          });
        }
        return parsed.data;
      });
      let tip: string;
      try {
        ({ tip } = await this.store.append({ replica: this.replica, events, expectedTip }));
      } catch (e) {
        if (!isLogbookError(e, 'CONFLICT') || attempt >= MAX_ATTEMPTS) throw e;
        this.deadline?.check('retrying an append');
        // Many writers racing for one ref (parallel hooks): a short random pause lets one through at a time.
        await new Promise((r) => setTimeout(r, this.random() * Math.min(attempt, 20)));
        continue;
      }
      this.publish({ replica: this.replica, events, from: expectedTip, tip });
      return events;
    }
  }

  /** An event id from this journal's id generator, for a draft that must be named before it is appended. */
  newEventId(): string {
    return this.nextId(this.now().getTime());
  }

  /** Is `replica` this clone: its id, or one it had before a `sync --fix-collision`? */
  ownsReplica(replica: string): boolean {
    return replica === this.replica || this.formerReplicas.includes(replica);
  }

  /** `text` as this journal would store it: redacted unless `allowSecret` (e.g. before deriving a file name from it). */
  redact(text: string, options: AppendOptions = {}): string {
    return options.allowSecret ? text : redactText(text, this.redaction).text;
  }

  /** Append one line to `.git/logbook/<name>` (error logs); never throws. */
  logLine(name: string, line: string): void {
    if (!this.repo) return;
    try {
      const dir = path.join(this.repo.gitdir, 'logbook');
      mkdirSync(dir, { recursive: true });
      appendFileSync(path.join(dir, name), `${redactText(line, this.redaction).text}\n`);
    } catch {
      /* logging must never fail the caller */
    }
  }
}

export interface InitResult {
  replica: string;
  created: boolean;
  gitdir: string;
  workTree: string | undefined;
}

/**
 * Create this clone's replica id (stored as `logbook.replica` in .git/config)
 * and exclude the default projection folder `.logbook/` from git status.
 * Idempotent: a second init reports the existing replica.
 */
export function initJournal({ cwd, random = Math.random }: { cwd: string; random?: Random }): InitResult {
  const repo = findRepo(cwd);
  const existing = readReplicaId(repo.gitdir);
  if (repo.workTree) {
    const exclude = path.join(repo.gitdir, 'info', 'exclude');
    const current = existsSync(exclude) ? readFileSync(exclude, 'utf8') : '';
    if (!current.split('\n').includes('/.logbook/')) {
      mkdirSync(path.dirname(exclude), { recursive: true });
      writeFileSync(exclude, `${current}${current && !current.endsWith('\n') ? '\n' : ''}/.logbook/\n`);
    }
  }
  if (existing) return { replica: existing, created: false, gitdir: repo.gitdir, workTree: repo.workTree };
  const replica = newReplicaId(random);
  // Appended rather than rewritten by a config serialiser, so the user's file keeps its layout.
  updateGitConfig(repo.gitdir, (config) => `${config}${config && !config.endsWith('\n') ? '\n' : ''}[logbook]\n\treplica = ${replica}\n`);
  return { replica, created: true, gitdir: repo.gitdir, workTree: repo.workTree };
}

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
import { LazySessions, loadViews, saveViews, type Views } from './viewsCache.js';
import { evolveSessions, projectSessions, type SessionsState } from '../projections/sessions.js';

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
  async load(): Promise<Snapshot> {
    const store = this.store;
    if (!isCachingStore(store)) {
      const { events, unreadable, tips } = await store.read();
      return { unreadable, ...projectViews(prepare(events)), tips };
    }
    // A closed session's state whose file is damaged is folded again from the events as of this read (after readNew below).
    const cached = loadViews(store, () => store.eventsReader()().events);
    if (cached) {
      const delta = await store.readNew(cached.tips);
      const fresh = orderEvents(delta.events);
      const last = cached.last;
      if (delta.complete && (!last || fresh.every((e) => compareEvents(e, last) > 0)) && !fresh.some((e) => e.type === 'redaction')) {
        const views = { sessions: cached.sessions, items: cached.items };
        // The closed sessions these events name are read now, so the fold below never reads from disk (nor fails half-way).
        const touched = new Set(fresh.flatMap((e) => (e.session ? [e.session] : [])));
        if (views.sessions.sessions instanceof LazySessions) views.sessions.sessions.loadClosed(touched);
        for (const e of fresh) evolveViews(views, e);
        const unreadable = [...cached.unreadable, ...delta.unreadable];
        // Folding a few new events is cheaper than rewriting the cache each time: save once enough have gathered.
        if (fresh.length >= this.cacheSaveAfter || delta.unreadable.length) {
          await saveViews(store, delta.tips, views, unreadable, fresh.at(-1) ?? last, cached.saved);
        }
        return { ...views, unreadable, tips: delta.tips };
      }
    }
    const { events, unreadable, tips } = await store.read();
    const ordered = prepare(events);
    const views = projectViews(ordered);
    await saveViews(store, tips, views, unreadable, ordered.at(-1), cached?.saved);
    return { unreadable, ...views, tips };
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

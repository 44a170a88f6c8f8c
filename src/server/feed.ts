/**
 * One repository as the server sees it: a long-lived journal for reads, the
 * snapshot of its current tips (reused until a ref moves), and the live feed
 * of events in delivery order.
 *
 * New events are found by watching the refs, not by rereading the journal:
 * fs.watch on `.git`, `.git/refs`, `.git/refs/logbook` and
 * `.git/refs/logbook/replicas` (each re-armed when it appears or is replaced;
 * `packed-refs` changes show in `.git`), then `store.readNew(lastTips)` reads
 * only the commits that are new since the tips last seen, whoever wrote them
 * (this server, the CLI, a hook, MCP or a plain `git fetch`). A cheap tip
 * check (refs only) on a slow timer covers file systems whose watch events
 * get lost (network mounts, some containers). A write made through this
 * server (a journal from `openWriter`, or the feed's own) is published to the
 * feed by the journal as it is appended (`Journal.subscribe`): it reaches the
 * stream at once, without waiting for the watcher or reading it back.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { compareEvents, type JournalEvent } from '../events.js';
import { Journal, type Appended, type OpenOptions, type Snapshot } from '../journal.js';
import { orderEvents } from '../../projections/order.js';
import type { SearchIndex } from '../search/live.js';
import { searchIndexOf } from '../search/search.js';

export interface FeedBatch {
  repo: string;
  events: JournalEvent[];
}

type Listener = (batch: FeedBatch) => void;

/**
 * What a request reads: the session model and item chains of the current
 * tips (folded incrementally by Journal.load), and every event in the
 * journal's order with lookups by session and id. The event list is kept by
 * the feed and grows with each batch it reads, so a new event never makes the
 * next request reread the whole journal.
 */
export interface View {
  snap: Snapshot;
  events: readonly JournalEvent[];
  bySession(id: string): JournalEvent[];
  byId(id: string): JournalEvent | undefined;
}

interface EventIndex {
  events: JournalEvent[];
  sessions: Map<string, JournalEvent[]>;
  ids: Map<string, JournalEvent>;
  /** One copy of each writer and of each repeated string (type, replica, session id): parsed events carry a copy each. */
  actors: Map<string, JournalEvent['actor']>;
  strings: Map<string, string>;
}

function indexOf(events: readonly JournalEvent[]): EventIndex {
  const index: EventIndex = { events: [], sessions: new Map(), ids: new Map(), actors: new Map(), strings: new Map() };
  add(index, events);
  return index;
}

/**
 * Share what 100k events repeat (the writer, the type, the replica, the
 * session id): the same values, held once. A third of the index's memory.
 */
function share(index: EventIndex, e: JournalEvent): void {
  const one = (s: string): string => {
    const held = index.strings.get(s);
    if (held !== undefined) return held;
    index.strings.set(s, s);
    return s;
  };
  // Every field of an actor (actorSchema keeps no other), a missing one told from an empty one.
  const { name, email, agent, agentSession } = e.actor;
  const key = `${name}\n${email}\n${agent === undefined ? '\u0000' : agent}\n${agentSession === undefined ? '\u0000' : agentSession}`;
  const actor = index.actors.get(key);
  if (actor) e.actor = actor;
  else index.actors.set(key, e.actor);
  (e as { type: string }).type = one(e.type);
  e.replica = one(e.replica);
  if (e.session) e.session = one(e.session);
}

function add(index: EventIndex, events: readonly JournalEvent[]): void {
  for (const e of events) {
    share(index, e);
    index.events.push(e);
    index.ids.set(e.id, e);
    if (e.session) (index.sessions.get(e.session) ?? index.sessions.set(e.session, []).get(e.session)!).push(e);
  }
}

export interface RepoOptions {
  name: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Debounce of ref changes before reading (ms). */
  settleMs?: number;
  /** The safety-net tip check (ms); 0 turns it off. */
  tipCheckMs?: number;
  onError?: (e: unknown) => void;
}

export class Repo {
  readonly name: string;
  readonly dir: string;
  readonly journal: Journal;
  /** The search index, kept current from the appends the feed hears of (searches load it once). */
  readonly searchIndex: SearchIndex;
  private readonly options: RepoOptions;
  private view: { tips: string; view: View } | undefined;
  /** Every event in order, kept up to date by the feed; undefined when it must be read again (a redaction, an event older than the newest). */
  private index: EventIndex | undefined;
  /** Event ids in the order the feed delivered them (the journal's order at start, then arrivals). */
  private readonly ids: string[] = [];
  private readonly position = new Map<string, number>();
  private tips: Record<string, string> = {};
  private readonly listeners = new Set<Listener>();
  private readonly watchers = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private interval: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private closed = false;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(options: RepoOptions) {
    this.options = options;
    this.name = options.name;
    this.dir = options.dir;
    this.journal = Journal.open({ cwd: options.dir, env: options.env, ...(options.now ? { now: options.now } : {}) });
    this.searchIndex = searchIndexOf(this.journal);
    this.unsubscribe.push(this.journal.subscribe((a) => this.absorb(a)));
  }

  /** A journal of this repository for one write (its own agent, deadline…), whose appends the feed hears of as they happen. */
  openWriter(options: Omit<OpenOptions, 'cwd'>): Journal {
    const journal = Journal.open({ cwd: this.dir, ...(this.options.now ? { now: this.options.now } : {}), ...options });
    // Held by the writer's journal only: it goes with that journal (after a closed feed, absorb does nothing).
    journal.subscribe((a) => this.absorb(a));
    return journal;
  }

  get gitdir(): string {
    return this.journal.repo!.gitdir;
  }

  /** Read the journal once, then follow it. */
  async start(): Promise<void> {
    const snap = await this.journal.load();
    this.index = indexOf(await this.journal.events(snap));
    for (const e of this.index.events) this.remember(e.id);
    this.tips = snap.tips;
    this.arm();
    const every = this.options.tipCheckMs ?? 5000;
    if (every > 0) {
      this.interval = setInterval(() => this.schedule(), every);
      this.interval.unref();
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.interval);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.listeners.clear();
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** The snapshot of the current tips; reused while no ref moved. */
  async current(): Promise<View> {
    // The feed first, so the event list holds at least what the snapshot below knows.
    await this.refresh();
    const tips = JSON.stringify(this.tips);
    if (this.view?.tips === tips && this.index) return this.view.view;
    const snap = await this.journal.load();
    const index = (this.index ??= indexOf(await this.journal.events(snap)));
    const view: View = {
      snap,
      events: index.events,
      bySession: (id) => index.sessions.get(id) ?? [],
      byId: (id) => index.ids.get(id),
    };
    this.view = { tips, view };
    return view;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ids delivered after `id` (in delivery order), or undefined when the feed never saw `id`. */
  idsAfter(id: string | undefined): string[] | undefined {
    if (id === undefined) return this.ids.slice();
    const at = this.position.get(id);
    return at === undefined ? undefined : this.ids.slice(at + 1);
  }

  lastId(): string | undefined {
    return this.ids.at(-1);
  }

  has(id: string): boolean {
    return this.position.has(id);
  }

  /**
   * Look now (after an append of our own, a request, or when a watcher fired);
   * resolves once a check that began after this call has finished. Callers
   * that arrive while a check runs share the one check that follows it, so
   * many concurrent requests cost two reads of the refs, not one each.
   */
  refresh(): Promise<void> {
    if (!this.checking) {
      this.checking = this.check()
        .catch((e) => this.options.onError?.(e))
        .finally(() => {
          this.checking = undefined;
        });
      return this.checking;
    }
    this.next ??= this.checking.then(() => {
      this.next = undefined;
      return this.refresh();
    });
    return this.next;
  }

  private remember(id: string): boolean {
    if (this.position.has(id)) return false;
    this.position.set(id, this.ids.length);
    this.ids.push(id);
    return true;
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), this.options.settleMs ?? 15);
  }

  private async check(): Promise<void> {
    const head = await this.journal.store.head();
    if (JSON.stringify(head.tips) === JSON.stringify(this.tips)) return;
    const delta = await this.journal.store.readNew(this.tips);
    let fresh: JournalEvent[];
    if (delta.complete) fresh = orderEvents(delta.events);
    else {
      // A ref was rewritten or the cache reset: compare ids with everything (rare).
      this.index = undefined;
      fresh = await this.journal.events();
    }
    this.tips = delta.tips;
    this.deliver(fresh);
  }

  /**
   * An append made through a journal of this server. When the feed had seen
   * the replica's tip it was written on, it is delivered now and the feed's
   * tips move with it (the next check has nothing to read). Otherwise the feed
   * is behind (e.g. a CLI write on the same ref it has not read yet): it looks
   * now, without waiting for the watcher, and delivers what it missed and this
   * append in the journal's order.
   */
  private absorb(appended: Appended): void {
    if (this.closed) return;
    this.searchIndex.absorb(appended);
    const { replica, events, from, tip } = appended;
    if ((this.tips[replica] ?? null) !== from) {
      void this.refresh();
      return;
    }
    this.tips = { ...this.tips, [replica]: tip };
    this.deliver(events);
  }

  /** Events not delivered before, to the index (when they extend it) and the listeners. */
  private deliver(fresh: readonly JournalEvent[]): void {
    const added = fresh.filter((e) => this.remember(e.id)).sort(compareEvents);
    if (!added.length) return;
    const last = this.index?.events.at(-1);
    if (this.index && (!last || compareEvents(added[0]!, last) > 0) && !added.some((e) => e.type === 'redaction')) add(this.index, added);
    else this.index = undefined; // an older event arrived (by fetch), or a redaction changes earlier ones: read again on next use
    for (const listener of [...this.listeners]) listener({ repo: this.name, events: added });
  }

  /** Watch each directory on the way to the replica refs; a directory that appears later is armed when its parent reports it. */
  private arm(): void {
    if (this.closed) return;
    const dirs = [this.gitdir, path.join(this.gitdir, 'refs'), path.join(this.gitdir, 'refs', 'logbook'), path.join(this.gitdir, 'refs', 'logbook', 'replicas')];
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, (_kind, file) => {
          if (file && String(file).endsWith('.lock') && dir !== dirs[3]) return;
          if (dir !== dirs[3]) this.arm();
          this.schedule();
        });
        w.on('error', () => {
          // The directory went away (e.g. `git pack-refs` removed it): watch it again once it is back.
          w.close();
          this.watchers.delete(dir);
          this.schedule();
        });
        this.watchers.set(dir, w);
      } catch {
        /* not there yet: its parent's watcher arms it when it appears */
      }
    }
  }
}

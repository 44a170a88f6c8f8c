/**
 * The cached views (session model and item chains), kept so that a command's
 * cost does not grow with the journal's history. Open sessions travel in the
 * main file with everything small; a closed session — most of a long
 * history, rarely needed — is only a header there, its state in a file of
 * its own, read on first use and written only when that session changes (it
 * closes, or an event arrives for it after closing).
 *
 *   views.json                      tips, order, bindings, messages, items, open sessions, closed headers
 *   views-s-<id>-<hash>.json        one closed session's state
 *
 * A closed session's file is named by a hash of its content, recorded in its
 * header, so a reader never pairs a main file with another version of a
 * session. A file that is missing or damaged (a concurrent rewrite, a damaged
 * cache) is folded again from the cached events, up to where the views were.
 *
 * The journal loads, before folding new events in, the closed sessions those
 * events name (`LazySessions.loadClosed`), so a fold never reads from disk
 * and never fails half-way through.
 */
import { createHash } from 'node:crypto';
import { LogbookError } from './errors.js';
import { compareEvents, type JournalEvent, type UnreadableRecord } from './events.js';
import { SerializedState, type CachingStore } from './store/types.js';
import stringify from 'fast-json-stable-stringify';
import { deserializeItems, projectItems, serializeItems, type ItemsState, type SerializedItems } from '../projections/items.js';
import { prepare } from '../projections/order.js';
import { headerOf, isOpen, projectSessions, sessionHeaders, type Message, type Session, type SessionHeader, type SessionsState, type WriterMark } from '../projections/sessions.js';

const MAIN = 'views';
const CLOSED_PREFIX = 'views-s-';

export interface Views {
  sessions: SessionsState;
  items: ItemsState;
}

/** A closed session in the main file: its header and the name of the file holding its state. */
type ClosedEntry = SessionHeader & { file: string };

export interface CachedViews extends Views {
  tips: Record<string, string>;
  unreadable: UnreadableRecord[];
  /** Order key of the last event folded in. */
  last: { clock: number; id: string } | undefined;
  /** The closed sessions' files as saved, to know which a save must rewrite. */
  saved: Map<string, string>;
}

interface MainFile {
  open: Session[];
  closed: ClosedEntry[];
  order: string[];
  clientBindings: Array<[string, string]>;
  actors: Array<[string, WriterMark[]]>;
  messages: Message[];
  eventCount: number;
  items: SerializedItems;
  unreadable: UnreadableRecord[];
  last: { clock: number; id: string } | undefined;
}

function stateFile(s: Session): { name: string; text: string } {
  const text = JSON.stringify(s);
  return { name: `${CLOSED_PREFIX}${s.id}-${createHash('sha1').update(text).digest('hex').slice(0, 12)}`, text };
}

/**
 * A session map whose closed sessions load on first use: `get` of a closed
 * one reads its file; iterating reads them all. `headers()` answers without
 * reading any.
 */
export class LazySessions extends Map<string, Session> {
  private readonly closed: Map<string, ClosedEntry>;
  private readonly load: (entry: ClosedEntry) => Session;
  private readonly order: readonly string[];
  private complete: boolean;

  constructor(open: Session[], closed: ClosedEntry[], load: (entry: ClosedEntry) => Session, order: readonly string[]) {
    super(open.map((s) => [s.id, s]));
    this.closed = new Map(closed.map((h) => [h.id, h]));
    this.load = load;
    this.order = order;
    this.complete = closed.length === 0;
  }

  private loadOne(id: string): void {
    const entry = this.closed.get(id);
    if (!entry || super.has(id)) return;
    super.set(id, this.load(entry));
  }

  /** Every session loaded, laid out in creation order as a folded map has them. */
  private loadAll(): void {
    if (this.complete) return;
    this.complete = true;
    for (const id of this.closed.keys()) this.loadOne(id);
    const all = new Map(super.entries());
    super.clear();
    for (const id of this.order) {
      const s = all.get(id);
      if (s) super.set(id, s);
      all.delete(id);
    }
    for (const [id, s] of all) super.set(id, s);
  }

  /** Read the state of these closed sessions now (before a fold that may change them). */
  loadClosed(ids: Iterable<string>): void {
    for (const id of ids) this.loadOne(id);
  }

  headers(): Map<string, SessionHeader> {
    const out = new Map<string, SessionHeader>(this.closed);
    for (const s of super.values()) out.set(s.id, headerOf(s));
    return out;
  }

  /** Closed sessions whose state is in memory (and so may have changed). */
  loadedIds(): Set<string> {
    return new Set([...super.keys()]);
  }

  override get(id: string): Session | undefined {
    this.loadOne(id);
    return super.get(id);
  }

  override has(id: string): boolean {
    return super.has(id) || this.closed.has(id);
  }

  override get size(): number {
    this.loadAll();
    return super.size;
  }

  override values(): MapIterator<Session> {
    this.loadAll();
    return super.values();
  }

  override keys(): MapIterator<string> {
    this.loadAll();
    return super.keys();
  }

  override entries(): MapIterator<[string, Session]> {
    this.loadAll();
    return super.entries();
  }

  override [Symbol.iterator](): MapIterator<[string, Session]> {
    return this.entries();
  }

  override forEach(fn: (value: Session, key: string, map: Map<string, Session>) => void, thisArg?: unknown): void {
    this.loadAll();
    super.forEach(fn, thisArg);
  }
}

/** The cached views, or undefined when there are none (or they cannot be trusted). */
export function loadViews(store: CachingStore, readEvents: () => readonly JournalEvent[]): CachedViews | undefined {
  const main = store.loadState<MainFile>(MAIN);
  if (!main || !Array.isArray(main.data.open) || !Array.isArray(main.data.closed)) return undefined;
  const d = main.data;
  // Saved before closed headers carried their closing time (the statistics read it), or before the writers' marks: folded again once.
  if (d.closed.some((h) => h.closedAt === undefined) || !Array.isArray(d.actors)) return undefined;
  let refolded: Map<string, Session> | undefined;
  const load = (entry: ClosedEntry): Session => {
    const saved = store.loadState<Session>(entry.file);
    if (saved && saved.data && saved.data.id === entry.id) return saved.data;
    // Missing or damaged: fold the closed sessions again from the cached events, up to where these views were.
    if (!refolded) {
      const upTo = prepare(readEvents()).filter((e) => !d.last || compareEvents(e, d.last) <= 0);
      refolded = projectSessions(upTo).sessions;
    }
    const s = refolded.get(entry.id);
    if (!s) {
      store.removeState(MAIN);
      throw new LogbookError('CORRUPT_OBJECT', 'the cached views no longer match the journal (a ref changed while they were read); they were dropped', { hint: 'run the command again' });
    }
    return s;
  };
  return {
    sessions: { sessions: new LazySessions(d.open, d.closed, load, d.order), order: d.order, clientBindings: new Map(d.clientBindings), messages: d.messages, eventCount: d.eventCount, actors: new Map(d.actors) },
    items: deserializeItems(d.items),
    tips: main.tips,
    unreadable: d.unreadable,
    last: d.last,
    saved: new Map(d.closed.map((h) => [h.id, h.file])),
  };
}

/** Save the views for `tips`, writing the state of each closed session that is new or changed. */
export async function saveViews(
  store: CachingStore,
  tips: Record<string, string>,
  views: Views,
  unreadable: UnreadableRecord[],
  last: JournalEvent | { clock: number; id: string } | undefined,
  saved: Map<string, string> = new Map(),
): Promise<void> {
  const { sessions } = views;
  const lazy = sessions.sessions instanceof LazySessions ? sessions.sessions : undefined;
  const inMemory = lazy ? lazy.loadedIds() : undefined;
  const closed: ClosedEntry[] = [];
  const replaced: string[] = [];
  for (const h of sessionHeaders(sessions).filter((x) => !isOpen(x))) {
    const previous = saved.get(h.id);
    if (previous && inMemory && !inMemory.has(h.id)) {
      closed.push({ ...headerOf(h), file: previous }); // not loaded, so not changed
      continue;
    }
    const s = sessions.sessions.get(h.id)!;
    const { name, text } = stateFile(s);
    if (name !== previous) {
      await store.saveState(name, {}, new SerializedState(text));
      if (previous) replaced.push(previous);
    }
    closed.push({ ...headerOf(s), file: name });
  }
  const main: MainFile = {
    open: sessionHeaders(sessions)
      .filter(isOpen)
      .map((h) => sessions.sessions.get(h.id)!),
    closed,
    order: sessions.order,
    clientBindings: [...sessions.clientBindings],
    actors: [...sessions.actors],
    messages: sessions.messages,
    eventCount: sessions.eventCount,
    items: serializeItems(views.items),
    unreadable,
    last: last ? { clock: last.clock, id: last.id } : undefined,
  };
  await store.saveState(MAIN, tips, main);
  for (const file of replaced) store.removeState(file);
  if (!saved.size) {
    // Saved from scratch (no views, or views that could not be used): files of no closed session in them are leftovers.
    const kept = new Set(closed.map((c) => c.file));
    for (const name of store.listStates(CLOSED_PREFIX)) if (!kept.has(name)) store.removeState(name);
  }
}

/**
 * How the saved views differ from the views folded again from `events` (the
 * events up to the tips they were saved at), or undefined when they match:
 * for `logbook doctor`. Reads only; changes nothing.
 */
export function viewsDiffer(store: CachingStore, events: readonly JournalEvent[]): string | undefined {
  const main = store.loadState<MainFile>(MAIN);
  if (!main) return undefined;
  const d = main.data;
  if (!d || !Array.isArray(d.open) || !Array.isArray(d.closed)) return 'the main views file is malformed';
  if (d.closed.some((h) => h.closedAt === undefined) || !Array.isArray(d.actors)) return undefined; // an older format, folded again by the next read
  const ordered = prepare(events);
  const fresh = projectSessions(ordered);
  // Native serialisation first (the fold builds its objects in one key order); key order aside only when that differs.
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null) || stringify(JSON.parse(JSON.stringify(a ?? null))) === stringify(JSON.parse(JSON.stringify(b ?? null)));
  const headers = sessionHeaders(fresh);
  const open = headers.filter(isOpen).map((h) => fresh.sessions.get(h.id)!);
  if (!same(d.open, open)) return 'the open sessions differ';
  const closed = headers.filter((h) => !isOpen(h));
  if (d.closed.length !== closed.length) return `${d.closed.length} closed sessions cached, ${closed.length} in the events`;
  for (const [i, entry] of d.closed.entries()) {
    const s = fresh.sessions.get(closed[i]!.id)!;
    const { file: _file, ...header } = entry;
    if (!same(header, headerOf(s))) return `closed session ${closed[i]!.id} differs`;
    const state = store.loadState<Session>(entry.file);
    if (state && !same(state.data, s)) return `closed session ${s.id} differs`;
  }
  if (!same(d.order, fresh.order)) return 'the session order differs';
  if (!same(d.clientBindings, [...fresh.clientBindings])) return 'the client bindings differ';
  if (!same(d.actors, [...fresh.actors])) return "the writers' marks differ";
  if (!same(d.messages, fresh.messages)) return 'the messages differ';
  if (!same(d.items, serializeItems(projectItems(ordered)))) return 'the items differ';
  return undefined;
}

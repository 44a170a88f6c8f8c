/**
 * The cached views (session model and item chains), kept so that a command's
 * cost does not grow with the journal's history. Open sessions travel in the
 * main file with everything small; a closed session — most of a long
 * history, rarely needed — is only a header there, its state in a pack of
 * closed sessions' states, read on first use (only its bytes) and written
 * again only when that session changes (it closes, or an event arrives for it
 * after closing).
 *
 *   views.json                      tips, order, bindings, messages, items, open sessions, closed headers
 *   views-p-<hash>.json             closed sessions' states, a JSON array; a header names its pack, bytes and hash
 *   views-s-<id>-<hash>.json        one closed session's state (before packs; still read)
 *
 * A save writes the states that are new or changed (by their hash) as one new
 * pack, so a first save writes one file, not one per session; a pack named by
 * the hash of its bytes is never rewritten, so a reader never pairs a main
 * file with another version of a session. A pack no header names any more is
 * removed; when more than MAX_PACKS are named, the smaller ones are copied
 * into one (their bytes, not parsed again). A state that is missing or
 * damaged (a concurrent rewrite, a damaged cache) is folded again from the
 * cached events, up to where the views were.
 *
 * The journal loads, before folding new events in, the closed sessions those
 * events name (`LazySessions.loadClosed`), so a fold never reads from disk
 * and never fails half-way through.
 */
import { createHash } from 'node:crypto';
import { LogbookError } from './errors.js';
import { compareEvents, type JournalEvent, type UnreadableRecord } from './events.js';
import type { CachingStore } from './store/types.js';
import stringify from 'fast-json-stable-stringify';
import { deserializeItems, projectItems, serializeItems, type ItemsState, type SerializedItems } from '../projections/items.js';
import { prepare } from '../projections/order.js';
import { headerOf, isOpen, projectSessions, sessionHeaders, type Message, type Session, type SessionHeader, type SessionsState, type WriterMark } from '../projections/sessions.js';

const MAIN = 'views';
const CLOSED_PREFIX = 'views-s-';
const PACK_PREFIX = 'views-p-';
/** Packs a main file may name before a save copies the smaller ones into one. */
const MAX_PACKS = 24;

export interface Views {
  sessions: SessionsState;
  items: ItemsState;
}

/** Where a closed session's state is: a pack, its bytes there and the hash of those bytes; or (no `pos`) a file of its own. */
interface ClosedRef {
  file: string;
  pos?: [start: number, length: number];
  hash?: string;
}

/** A closed session in the main file: its header and where its state is. */
type ClosedEntry = SessionHeader & ClosedRef;

export interface CachedViews extends Views {
  tips: Record<string, string>;
  unreadable: UnreadableRecord[];
  /** Order key of the last event folded in. */
  last: { clock: number; id: string } | undefined;
  /** Where the closed sessions' states are as saved, to know which a save must write again. */
  saved: Map<string, ClosedRef>;
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

const hashOf = (text: string) => createHash('sha1').update(text).digest('hex').slice(0, 12);

const refOf = (entry: ClosedEntry): ClosedRef => ({ file: entry.file, ...(entry.pos ? { pos: entry.pos } : {}), ...(entry.hash ? { hash: entry.hash } : {}) });

/** A closed session's saved state as text: its bytes in a pack, or its own file's data; undefined when missing or unreadable. */
function closedText(store: CachingStore, ref: ClosedRef): string | undefined {
  if (!ref.pos) {
    const saved = store.loadState<Session>(ref.file);
    return saved?.data ? JSON.stringify(saved.data) : undefined;
  }
  return store.readStateSlice(ref.file, ref.pos[0], ref.pos[1]);
}

/** A closed session's saved state, checked to be that session's (and, in a pack, to have the bytes its header hashed). */
function readClosed(store: CachingStore, entry: ClosedEntry): Session | undefined {
  if (!entry.pos) {
    const saved = store.loadState<Session>(entry.file);
    return saved && saved.data && saved.data.id === entry.id ? saved.data : undefined;
  }
  const text = store.readStateSlice(entry.file, entry.pos[0], entry.pos[1]);
  if (text === undefined || (entry.hash !== undefined && hashOf(text) !== entry.hash)) return undefined;
  try {
    const s = JSON.parse(text) as Session;
    return s && s.id === entry.id ? s : undefined;
  } catch {
    return undefined;
  }
}

/** A pack being written: states as JSON texts, each one's place in the file. */
class PackWriter {
  private readonly texts: string[] = [];
  private bytes = 1; // after '['

  get size(): number {
    return this.texts.length;
  }

  /** Add a state's text; its ref gets the pack's name when the pack is written. */
  add(text: string, hash: string): ClosedRef {
    const length = Buffer.byteLength(text);
    const ref = { file: '', pos: [this.bytes, length] as [number, number], hash };
    this.texts.push(text);
    this.bytes += length + 2; // ',\n'
    return ref;
  }

  /** Write the pack (named by the hash of its bytes) and name it in every ref it gave. */
  write(store: CachingStore, refs: ClosedRef[]): string | undefined {
    if (!this.texts.length) return undefined;
    // As pieces, hashed one by one: the pack is never one string (tens of MB on a first save).
    const pieces: string[] = [];
    for (const [i, text] of this.texts.entries()) pieces.push(i ? ',\n' : '[', text);
    pieces.push(']\n');
    const hash = createHash('sha1');
    for (const piece of pieces) hash.update(piece);
    const name = `${PACK_PREFIX}${hash.digest('hex').slice(0, 16)}`;
    store.saveStateText(name, pieces);
    for (const ref of refs) if (ref.file === '') ref.file = name;
    return name;
  }
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
    const saved = readClosed(store, entry);
    if (saved) return saved;
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
    saved: new Map(d.closed.map((h) => [h.id, refOf(h)])),
  };
}

/** Save the views for `tips`, writing the state of each closed session that is new or changed (one new pack for them all). */
export async function saveViews(
  store: CachingStore,
  tips: Record<string, string>,
  views: Views,
  unreadable: UnreadableRecord[],
  last: JournalEvent | { clock: number; id: string } | undefined,
  saved: Map<string, ClosedRef> = new Map(),
): Promise<void> {
  const { sessions } = views;
  const lazy = sessions.sessions instanceof LazySessions ? sessions.sessions : undefined;
  const inMemory = lazy ? lazy.loadedIds() : undefined;
  const closed: ClosedEntry[] = [];
  const pack = new PackWriter();
  for (const h of sessionHeaders(sessions).filter((x) => !isOpen(x))) {
    const previous = saved.get(h.id);
    if (previous && inMemory && !inMemory.has(h.id)) {
      closed.push({ ...headerOf(h), ...previous }); // not loaded, so not changed
      continue;
    }
    const s = sessions.sessions.get(h.id)!;
    const text = JSON.stringify(s);
    const hash = hashOf(text);
    closed.push({ ...headerOf(s), ...(previous?.pos && previous.hash === hash ? previous : pack.add(text, hash)) });
  }
  compactPacks(store, closed, pack);
  pack.write(store, closed);
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
  // Packs and files the views named before and name no more.
  const kept = new Set(closed.map((c) => c.file));
  for (const file of new Set([...saved.values()].map((r) => r.file))) if (!kept.has(file)) store.removeState(file);
  if (!saved.size) {
    // Saved from scratch (no views, or views that could not be used): states of no closed session in them are leftovers.
    for (const name of [...store.listStates(CLOSED_PREFIX), ...store.listStates(PACK_PREFIX)]) if (!kept.has(name)) store.removeState(name);
  }
}

/**
 * More than MAX_PACKS packs named: the states in all but the one holding the
 * most are copied (their bytes, read back, not parsed) into the pack being
 * written, so the count stays bounded however many saves there were.
 */
function compactPacks(store: CachingStore, closed: ClosedEntry[], pack: PackWriter): void {
  const live = new Map<string, number>();
  for (const c of closed) if (c.pos && c.file) live.set(c.file, (live.get(c.file) ?? 0) + c.pos[1]); // '': in the pack being written
  if (live.size + (pack.size ? 1 : 0) <= MAX_PACKS) return;
  const biggest = [...live].sort((a, b) => b[1] - a[1])[0]![0];
  for (const [i, c] of closed.entries()) {
    if (!c.pos || !c.file || c.file === biggest || c.hash === undefined) continue;
    const text = store.readStateSlice(c.file, c.pos[0], c.pos[1]);
    if (text === undefined || hashOf(text) !== c.hash) continue; // unreadable: left where it is, folded again when it is read
    const { file: _f, pos: _p, hash: _h, ...header } = c;
    closed[i] = { ...header, ...pack.add(text, c.hash) };
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
    const { file: _file, pos: _pos, hash: _hash, ...header } = entry;
    if (!same(header, headerOf(s))) return `closed session ${closed[i]!.id} differs`;
    const text = closedText(store, entry);
    if (text !== undefined) {
      let state: unknown;
      try {
        state = JSON.parse(text);
      } catch {
        return `closed session ${s.id} is damaged`;
      }
      if (!same(state, s)) return `closed session ${s.id} differs`;
    }
  }
  if (!same(d.order, fresh.order)) return 'the session order differs';
  if (!same(d.clientBindings, [...fresh.clientBindings])) return 'the client bindings differ';
  if (!same(d.actors, [...fresh.actors])) return "the writers' marks differ";
  if (!same(d.messages, fresh.messages)) return 'the messages differ';
  if (!same(d.items, serializeItems(projectItems(ordered)))) return 'the items differ';
  return undefined;
}

/**
 * The cached views (session model and item chains), kept so that a command's
 * cost does not grow with the journal's history, and laid out so that a
 * command reads only what its view needs:
 *
 *   views.json               the core, read by every command: tips, order, bindings, messages,
 *                            writers' marks, open sessions, live items (their chain ends in a
 *                            session not closed), the settled items' keys, and the names of:
 *   views-h-<hash>.json      every closed session's header, compact (list, stats, finding a session),
 *                            each naming where its state is: a pack, its bytes there and their hash
 *   views-i-<hash>.json      the settled items (items, agenda, a closed session's file)
 *   views-p-<hash>.json      closed sessions' states, a JSON array; a state is read alone, by its bytes
 *
 * Each part is named by a hash of its content, recorded where it is named,
 * so a reader never pairs a core with another version of a part; a part is
 * written only when its content changes. A save writes the closed states that
 * are new or changed (by their hash) as one new pack, so a first save of
 * thousands of closed sessions writes one file, not one each; a pack no
 * header names any more is removed, and past MAX_PACKS the smaller ones are
 * copied into one (their bytes, not parsed again). A part or state that is
 * missing or damaged (a concurrent rewrite removed it, a damaged cache) is
 * folded again from the cached events, up to where the views were.
 *
 * Nothing here reads behind the caller's back: a state read from the cache
 * says what it left on disk (`SessionsState.aside`, `ItemsState.aside`), and
 * the caller reads it explicitly (`readHeaders`, `readSessions`, `readItems`,
 * through `Journal.loadHeaders`, `loadSessions`, `loadItems`).
 */
import { createHash } from 'node:crypto';
import { LogbookError } from './errors.js';
import { compareEvents, stableId, type JournalEvent, type UnreadableRecord } from './events.js';
import { SerializedState, type CachingStore } from './store/types.js';
import stringify from 'fast-json-stable-stringify';
import { projectItems, type ItemChain, type ItemsState } from '../projections/items.js';
import { prepare } from '../projections/order.js';
import { headerOf, isOpen, projectSessions, sessionHeaders, type Message, type Session, type SessionHeader, type SessionsState, type StateRef, type WriterMark } from '../projections/sessions.js';

const MAIN = 'views';
/** Bumped when the layout changes: a core of another format is not read (the views are folded again, silently). */
const FORMAT = 3;
const PACK_PREFIX = 'views-p-';
/** Packs the headers may name before a save copies the smaller ones into one. */
const MAX_PACKS = 24;
const HEADERS_PREFIX = 'views-h-';
const ITEMS_PREFIX = 'views-i-';

export interface Views {
  sessions: SessionsState;
  items: ItemsState;
}

/** Where the views read from the cache were: the parts' names and the order key of the last event folded in. */
export interface CacheSource {
  headersFile: string | null;
  itemsFile: string | null;
  upTo: { clock: number; id: string } | undefined;
}

export interface CachedViews extends Views {
  tips: Record<string, string>;
  unreadable: UnreadableRecord[];
  /** Order key of the last event folded in. */
  last: { clock: number; id: string } | undefined;
  source: CacheSource;
}

/** A closed session's header, compact: [id, shortname, title, status, replica, createdAt, updatedAt, closedAt, where its state is, group?]. */
type HeaderRow = [string, string, string, SessionHeader['status'], string, string, string, string | null, StateRef, string?];

interface MainFile {
  format: number;
  open: Session[];
  order: string[];
  clientBindings: Array<[string, string]>;
  actors: Array<[string, WriterMark[]]>;
  messages: Message[];
  eventCount: number;
  /** Items whose chain ends in a session that is not closed. */
  items: ItemChain[];
  /** Keys of the items in the items file. */
  settled: string[];
  /** Every item's key, in the order a fold inserts them. */
  itemOrder: string[];
  headersFile: string | null;
  itemsFile: string | null;
  unreadable: UnreadableRecord[];
  last: { clock: number; id: string } | undefined;
}

const hash = (text: string) => createHash('sha1').update(text).digest('hex').slice(0, 12);

const packFile = (ref: StateRef) => `${PACK_PREFIX}${ref[0]}`;

const isRef = (r: unknown): r is StateRef =>
  Array.isArray(r) && r.length === 4 && typeof r[0] === 'string' && Number.isSafeInteger(r[1]) && r[1] >= 0 && Number.isSafeInteger(r[2]) && r[2] > 0 && typeof r[3] === 'string';

/** A closed session's state as saved, when its bytes are there and are the ones its header hashed. */
function stateText(store: CachingStore, ref: StateRef): string | undefined {
  const text = store.readStateSlice(packFile(ref), ref[1], ref[2]);
  return text !== undefined && hash(text) === ref[3] ? text : undefined;
}

/** A closed session's saved state, checked to be that session's; undefined when missing or damaged. */
function readState(store: CachingStore, id: string, ref: StateRef | undefined): Session | undefined {
  const text = ref && isRef(ref) ? stateText(store, ref) : undefined;
  if (text === undefined) return undefined;
  try {
    const s = JSON.parse(text) as Session;
    return s && s.id === id ? s : undefined;
  } catch {
    return undefined;
  }
}

/** A pack being written: states as JSON texts, each one's place in the file. */
class PackWriter {
  private readonly texts: string[] = [];
  private readonly refs: StateRef[] = [];
  private bytes = 1; // after '['

  get size(): number {
    return this.texts.length;
  }

  /** Add a state's text; its ref gets the pack's name when the pack is written. */
  add(text: string, stateHash: string): StateRef {
    const length = Buffer.byteLength(text);
    const ref: StateRef = ['', this.bytes, length, stateHash];
    this.texts.push(text);
    this.refs.push(ref);
    this.bytes += length + 2; // ',\n'
    return ref;
  }

  /** Write the pack (named by the hash of its bytes, written in pieces, never one string) and name it in every ref it gave. */
  write(store: CachingStore): string | undefined {
    if (!this.texts.length) return undefined;
    const pieces: string[] = [];
    for (const [i, text] of this.texts.entries()) pieces.push(i ? ',\n' : '[', text);
    pieces.push(']\n');
    const sum = createHash('sha1');
    for (const piece of pieces) sum.update(piece);
    const name = sum.digest('hex').slice(0, 16);
    store.saveStateText(`${PACK_PREFIX}${name}`, pieces);
    for (const ref of this.refs) ref[0] = name;
    return `${PACK_PREFIX}${name}`;
  }
}

function rowOf(h: SessionHeader, ref: StateRef): HeaderRow {
  const row: HeaderRow = [h.id, h.shortname, h.title, h.status, h.replica, h.createdAt, h.updatedAt, h.closedAt ?? null, ref];
  if (h.group !== undefined) row.push(h.group);
  return row;
}

function headerOfRow(r: HeaderRow): SessionHeader {
  const [id, shortname, title, status, replica, createdAt, updatedAt, closedAt, , group] = r;
  const h: SessionHeader = { id, stable: stableId(id), suffix: id.slice(-4), shortname, title, status, replica, createdAt, updatedAt };
  if (group !== undefined) h.group = group;
  if (closedAt !== null) h.closedAt = closedAt;
  return h;
}

/** Read by what the caller needs of the events (only when a part must be folded again). */
export type EventsReader = () => readonly JournalEvent[];

/** The cache's views folded again from the events up to where they were saved: for a part that cannot be read. */
function refold(events: EventsReader, upTo: CacheSource['upTo']): Views {
  const ordered = prepare(events()).filter((e) => !upTo || compareEvents(e, upTo) <= 0);
  return { sessions: projectSessions(ordered), items: projectItems(ordered) };
}

function dropped(store: CachingStore): LogbookError {
  store.removeState(MAIN);
  return new LogbookError('CORRUPT_OBJECT', 'the cached views no longer match the journal (a ref changed while they were read); they were dropped', { hint: 'run the command again' });
}

/**
 * The cached views, or undefined when there are none (or they cannot be
 * trusted). Reads the core only; `parts` says which other parts to read now.
 */
export function loadViews(store: CachingStore, events: EventsReader, parts: { headers?: boolean; items?: boolean } = {}): CachedViews | undefined {
  const main = store.loadState<MainFile>(MAIN);
  const d = main?.data;
  if (!main || !d || d.format !== FORMAT || !Array.isArray(d.open) || !Array.isArray(d.items) || !Array.isArray(d.itemOrder)) return undefined;
  const source: CacheSource = { headersFile: d.headersFile, itemsFile: d.itemsFile, upTo: d.last };
  const openIds = new Set(d.open.map((s) => s.id));
  const hasClosed = d.order.some((id) => !openIds.has(id));
  const sessions: SessionsState = {
    sessions: new Map(d.open.map((s) => [s.id, s])),
    order: d.order,
    clientBindings: new Map(d.clientBindings),
    messages: d.messages,
    eventCount: d.eventCount,
    actors: new Map(d.actors),
    ...(hasClosed ? { aside: { headers: undefined, refs: new Map() } } : {}),
  };
  const live = new Map(d.items.map((i) => [i.key, i]));
  const items: ItemsState = { items: new Map(d.itemOrder.flatMap((k) => (live.has(k) ? [[k, live.get(k)!] as const] : []))), ...(d.settled.length ? { aside: { keys: new Set(d.settled), order: d.itemOrder } } : {}) };
  const views: CachedViews = { sessions, items, tips: main.tips, unreadable: d.unreadable, last: d.last, source };
  if (parts.headers) readHeaders(store, views, events);
  if (parts.items) readItems(store, views, events);
  return views;
}

/** Read the closed sessions' headers into `views.sessions.aside` (a no-op when read, or when there are none). */
export function readHeaders(store: CachingStore, views: { sessions: SessionsState; source: CacheSource }, events: EventsReader): void {
  const aside = views.sessions.aside;
  if (!aside || aside.headers) return;
  const { headersFile } = views.source;
  const saved = headersFile ? store.loadState<HeaderRow[]>(headersFile) : undefined;
  const headers = new Map<string, SessionHeader>();
  if (saved && Array.isArray(saved.data)) {
    for (const row of saved.data) {
      headers.set(row[0], headerOfRow(row));
      aside.refs.set(row[0], row[8]);
    }
  } else {
    // Missing or damaged: the headers folded again (their states too: no pack of theirs is known).
    const again = refold(events, views.source.upTo).sessions;
    for (const s of sessionHeaders(again)) if (!isOpen(s) && !views.sessions.sessions.has(s.id)) {
      headers.set(s.id, headerOf(s));
      views.sessions.sessions.set(s.id, again.sessions.get(s.id)!);
    }
  }
  for (const id of views.sessions.order) if (!views.sessions.sessions.has(id) && !headers.has(id)) throw dropped(store);
  aside.headers = headers;
}

/**
 * Read the state of these closed sessions (every one when `ids` is
 * undefined) into `views.sessions.sessions`, and return the states asked for
 * (ids of no session are left out).
 */
export function readSessions(store: CachingStore, views: { sessions: SessionsState; source: CacheSource }, ids: Iterable<string> | undefined, events: EventsReader): Session[] {
  const state = views.sessions;
  const wanted = ids === undefined ? state.order : [...ids];
  if (state.aside && wanted.some((id) => !state.sessions.has(id))) {
    readHeaders(store, views, events);
    let again: SessionsState | undefined;
    for (const id of wanted) {
      const ref = state.aside.refs.get(id);
      if (state.sessions.has(id) || !ref) continue;
      const saved = readState(store, id, ref);
      if (saved) {
        state.sessions.set(id, saved);
        continue;
      }
      // Missing or damaged (no pack, other bytes than the header hashed): fold the closed sessions again from the cached events, up to where these views were.
      again ??= refold(events, views.source.upTo).sessions;
      const s = again.sessions.get(id);
      if (!s) throw dropped(store);
      state.sessions.set(id, s);
    }
  }
  if (ids === undefined && state.aside) {
    // Every session in memory: laid out in creation order, as a fold has them.
    const all = new Map(state.sessions);
    state.sessions.clear();
    for (const id of state.order) if (all.has(id)) state.sessions.set(id, all.get(id)!), all.delete(id);
    for (const [id, s] of all) state.sessions.set(id, s);
  }
  return wanted.flatMap((id) => state.sessions.get(id) ?? []);
}

/** Read the settled items into `views.items.items` (a no-op when read). */
export function readItems(store: CachingStore, views: { items: ItemsState; source: CacheSource }, events: EventsReader): void {
  const aside = views.items.aside;
  if (!aside) return;
  const { itemsFile } = views.source;
  const saved = itemsFile ? store.loadState<ItemChain[]>(itemsFile) : undefined;
  let settled: ItemChain[];
  if (saved && Array.isArray(saved.data)) settled = saved.data;
  else {
    const again = refold(events, views.source.upTo).items;
    settled = [...aside.keys].flatMap((k) => again.items.get(k) ?? []);
  }
  if (settled.length !== aside.keys.size || settled.some((i) => !aside.keys.has(i.key))) throw dropped(store);
  // Laid out in the order a fold inserts them; keys folded in since the read come last, as they were inserted.
  const all = new Map(views.items.items);
  for (const i of settled) if (!all.has(i.key)) all.set(i.key, i);
  views.items.items.clear();
  for (const k of aside.order) if (all.has(k)) views.items.items.set(k, all.get(k)!), all.delete(k);
  for (const [k, i] of all) views.items.items.set(k, i);
  delete views.items.aside;
}

/** Is this item's chain at its end in a closed session (so it goes to the items file)? */
function settledIn(sessions: SessionsState): (i: ItemChain) => boolean {
  const known = sessions.aside ? new Set(sessions.order) : undefined; // a session not in memory is a closed one kept aside
  return (i) => {
    const s = sessions.sessions.get(i.current_session);
    if (s) return !isOpen(s);
    return known?.has(i.current_session) ?? false;
  };
}

const byKey = (a: ItemChain, b: ItemChain) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** A part written by a save: its name (null when empty), and the parts it replaced. */
interface Written {
  name: string | null;
  replaced: string[];
  /** Packs the headers name. */
  kept: Set<string>;
}

/** Write the text of a part under its content's name, unless it is `previous` already. */
async function writePart(store: CachingStore, prefix: string, text: string | null, previous: string | null, replaced: string[]): Promise<string | null> {
  const name = text === null ? null : `${prefix}${hash(text)}`;
  if (name === previous) return name;
  if (name) await store.saveState(name, {}, new SerializedState(text!));
  if (previous) replaced.push(previous);
  return name;
}

/**
 * The closed sessions' part: the states in memory that are new or changed
 * (by their hash) written as one new pack, the headers file after it. A
 * headers file the views did not read is kept unless a closed session is in
 * memory; then it is read first. Packs the headers named before and name no
 * more are replaced.
 */
async function saveClosed(store: CachingStore, views: Views & { source: CacheSource }, events: EventsReader): Promise<Written> {
  const { sessions } = views;
  const replaced: string[] = [];
  const previousHeaders = views.source.headersFile;
  if (sessions.aside && !sessions.aside.headers && [...sessions.sessions.values()].some((s) => !isOpen(s))) readHeaders(store, views, events);
  if (sessions.aside && !sessions.aside.headers) return { name: previousHeaders, replaced, kept: new Set() };
  const refs = sessions.aside?.refs ?? new Map<string, StateRef>();
  const pack = new PackWriter();
  const rows: HeaderRow[] = [];
  for (const h of sessionHeaders(sessions)) {
    if (isOpen(h)) continue;
    const s = sessions.sessions.get(h.id);
    const previous = refs.get(h.id);
    if (!s) {
      rows.push(rowOf(h, previous!)); // not read, so not changed
      continue;
    }
    const text = JSON.stringify(s);
    const stateHash = hash(text);
    rows.push(rowOf(headerOf(s), previous && isRef(previous) && previous[3] === stateHash ? previous : pack.add(text, stateHash)));
  }
  compactPacks(store, rows, pack);
  pack.write(store);
  const kept = new Set(rows.map((r) => packFile(r[8])));
  for (const file of new Set([...refs.values()].map(packFile))) if (!kept.has(file)) replaced.push(file);
  const name = await writePart(store, HEADERS_PREFIX, rows.length ? JSON.stringify(rows) : null, previousHeaders, replaced);
  return { name, replaced, kept };
}

/**
 * More than MAX_PACKS packs named: the states in all but the one holding the
 * most bytes are copied (their bytes, read back and checked, not parsed) into
 * the pack being written, so the count stays bounded however many saves there
 * were. A state that cannot be read is left where it is (folded again when read).
 */
function compactPacks(store: CachingStore, rows: HeaderRow[], pack: PackWriter): void {
  const live = new Map<string, number>();
  for (const r of rows) if (r[8][0]) live.set(r[8][0], (live.get(r[8][0]) ?? 0) + r[8][2]); // '': in the pack being written
  if (live.size + (pack.size ? 1 : 0) <= MAX_PACKS) return;
  const biggest = [...live].sort((a, b) => b[1] - a[1])[0]![0];
  for (const r of rows) {
    const ref = r[8];
    if (!ref[0] || ref[0] === biggest) continue;
    const text = stateText(store, ref);
    if (text !== undefined) r[8] = pack.add(text, ref[3]);
  }
}

/**
 * The items' parts: live items go to the core, settled ones to the items
 * file. An items file the views did not read is kept unless an item in
 * memory now belongs in it; then it is read first.
 */
async function saveItems(store: CachingStore, views: Views & { source: CacheSource }, events: EventsReader): Promise<Written & { live: ItemChain[]; settledKeys: string[]; itemOrder: string[] }> {
  const { items } = views;
  const settled = settledIn(views.sessions);
  const replaced: string[] = [];
  const previous = views.source.itemsFile;
  if (items.aside && [...items.items.values()].some(settled)) readItems(store, views, events);
  const live = [...items.items.values()].filter((i) => !settled(i));
  if (items.aside) {
    // Not read, and nothing in memory belongs there: kept.
    const known = new Set(items.aside.order);
    const itemOrder = [...items.aside.order, ...[...items.items.keys()].filter((k) => !known.has(k))];
    return { name: previous, replaced, kept: new Set(), live, settledKeys: [...items.aside.keys], itemOrder };
  }
  const rest = [...items.items.values()].filter(settled).sort(byKey);
  const name = await writePart(store, ITEMS_PREFIX, rest.length ? JSON.stringify(rest) : null, previous, replaced);
  return { name, replaced, kept: new Set(), live, settledKeys: rest.map((i) => i.key), itemOrder: [...items.items.keys()] };
}

/**
 * Save the views for `tips`, writing each part whose content is new or
 * changed. A part the views did not read is kept as it was unless something
 * in memory belongs in it, then it is read first (`events` folds it again if
 * it cannot be).
 */
export async function saveViews(
  store: CachingStore,
  tips: Record<string, string>,
  views: Views,
  unreadable: UnreadableRecord[],
  last: JournalEvent | { clock: number; id: string } | undefined,
  source: CacheSource | undefined,
  events: EventsReader,
): Promise<CacheSource> {
  const { sessions } = views;
  const withSource = { ...views, source: source ?? { headersFile: null, itemsFile: null, upTo: undefined } };
  const closed = await saveClosed(store, withSource, events);
  const items = await saveItems(store, withSource, events);
  const main: MainFile = {
    format: FORMAT,
    open: sessions.order.flatMap((id) => {
      const s = sessions.sessions.get(id);
      return s && isOpen(s) ? [s] : [];
    }),
    order: sessions.order,
    clientBindings: [...sessions.clientBindings],
    actors: [...sessions.actors],
    messages: sessions.messages,
    eventCount: sessions.eventCount,
    items: items.live,
    settled: items.settledKeys,
    itemOrder: items.itemOrder,
    headersFile: closed.name,
    itemsFile: items.name,
    unreadable,
    last: last ? { clock: last.clock, id: last.id } : undefined,
  };
  await store.saveState(MAIN, tips, main);
  for (const file of [...closed.replaced, ...items.replaced]) store.removeState(file);
  if (!source) {
    // Saved from scratch (no views, or views that could not be used): parts named by nothing in them are leftovers.
    const kept = new Set([closed.name, items.name, ...closed.kept]);
    for (const name of store.listStates('views-')) if (!kept.has(name)) store.removeState(name);
  }
  return { headersFile: closed.name, itemsFile: items.name, upTo: main.last };
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
  if (!d || typeof d !== 'object') return 'the main views file is malformed';
  if (d.format !== FORMAT) return undefined; // an older format, folded again by the next read
  if (!Array.isArray(d.open) || !Array.isArray(d.items) || !Array.isArray(d.settled) || !Array.isArray(d.itemOrder)) return 'the main views file is malformed';
  const ordered = prepare(events);
  const fresh = projectSessions(ordered);
  // Native serialisation first (the fold builds its objects in one key order); key order aside only when that differs.
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null) || stringify(JSON.parse(JSON.stringify(a ?? null))) === stringify(JSON.parse(JSON.stringify(b ?? null)));
  const headers = sessionHeaders(fresh);
  const open = headers.filter(isOpen).map((h) => fresh.sessions.get(h.id)!);
  if (!same(d.open, open)) return 'the open sessions differ';
  const closed = headers.filter((h) => !isOpen(h));
  const rows = d.headersFile ? store.loadState<HeaderRow[]>(d.headersFile)?.data : [];
  if (!Array.isArray(rows)) return `the closed sessions' headers (${d.headersFile}) are missing or malformed`;
  if (rows.length !== closed.length) return `${rows.length} closed sessions cached, ${closed.length} in the events`;
  for (const [i, row] of rows.entries()) {
    const s = fresh.sessions.get(closed[i]!.id)!;
    if (!same(headerOfRow(row), headerOf(s))) return `closed session ${closed[i]!.id} differs`;
    if (!isRef(row[8])) return `closed session ${s.id}'s state reference is malformed`;
    const text = stateText(store, row[8]);
    if (text === undefined) continue; // missing, or not the bytes its header hashed: folded again by the read that needs it
    let state: unknown;
    try {
      state = JSON.parse(text);
    } catch {
      return `closed session ${s.id}'s saved state is damaged (${packFile(row[8])})`;
    }
    if (!same(state, s)) return `closed session ${s.id} differs`;
  }
  if (!same(d.order, fresh.order)) return 'the session order differs';
  if (!same(d.clientBindings, [...fresh.clientBindings])) return 'the client bindings differ';
  if (!same(d.actors, [...fresh.actors])) return "the writers' marks differ";
  if (!same(d.messages, fresh.messages)) return 'the messages differ';
  const settledItems = d.itemsFile ? store.loadState<ItemChain[]>(d.itemsFile)?.data : [];
  if (!Array.isArray(settledItems)) return `the settled items (${d.itemsFile}) are missing or malformed`;
  const all = [...projectItems(ordered).items.values()].sort(byKey);
  if (!same([...d.items, ...settledItems].sort(byKey), all)) return 'the items differ';
  if (!same([...d.settled].sort(), settledItems.map((i) => i.key).sort())) return 'the settled item keys differ';
  if (!same(d.itemOrder, [...projectItems(ordered).items.keys()])) return 'the item order differs';
  return undefined;
}

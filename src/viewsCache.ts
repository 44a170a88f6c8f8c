/**
 * The cached views (session model and item chains), kept so that a command's
 * cost does not grow with the journal's history. Open sessions travel in the
 * main file with everything small; a closed session — most of a long
 * history — is only a header there, its state in a file of its own, written
 * only when that session changes (it closes, or an event arrives for it after
 * closing), so a save rewrites what changed, not the history.
 *
 *   views.json                      tips, order, bindings, messages, items, open sessions, closed headers
 *   views-s-<id>-<hash>.json        one closed session's state
 *
 * A closed session's file is named by a hash of its content, recorded in its
 * header, so a reader never pairs a main file with another version of a
 * session. Loading reads every file into a plain session map before anything
 * folds (no I/O hides behind a lookup); a file that is missing or damaged (a
 * concurrent rewrite, a damaged cache) is folded again from the events, up to
 * where the views were.
 */
import { createHash } from 'node:crypto';
import { LogbookError } from './errors.js';
import { compareEvents, type JournalEvent, type UnreadableRecord } from './events.js';
import type { CachingStore } from './store/types.js';
import stringify from 'fast-json-stable-stringify';
import { deserializeItems, projectItems, serializeItems, type ItemsState, type SerializedItems } from '../projections/items.js';
import { prepare } from '../projections/order.js';
import { headerOf, isOpen, projectSessions, sessionHeaders, type Message, type Session, type SessionHeader, type SessionsState } from '../projections/sessions.js';

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
 * The cached views, or undefined when there are none (or they cannot be
 * trusted). Every closed session's state is read here, before anything folds
 * or projects: the session map handed on is plain data. A closed session's
 * file that is missing or damaged is folded again from `events` (asked for
 * only then), up to where these views were.
 */
export async function loadViews(store: CachingStore, events: () => Promise<readonly JournalEvent[]>): Promise<CachedViews | undefined> {
  const main = store.loadState<MainFile>(MAIN);
  if (!main || !Array.isArray(main.data.open) || !Array.isArray(main.data.closed)) return undefined;
  const d = main.data;
  const byId = new Map<string, Session>(d.open.map((s) => [s.id, s]));
  const lost: ClosedEntry[] = [];
  for (const entry of d.closed) {
    const saved = store.loadState<Session>(entry.file);
    if (saved && saved.data && saved.data.id === entry.id) byId.set(entry.id, saved.data);
    else lost.push(entry);
  }
  if (lost.length) {
    const last = d.last;
    const upTo = (await events()).filter((e) => !last || compareEvents(e, last) <= 0);
    const refolded = projectSessions(upTo).sessions;
    for (const entry of lost) {
      const s = refolded.get(entry.id);
      if (!s) {
        store.removeState(MAIN);
        throw new LogbookError('CORRUPT_OBJECT', 'the cached views no longer match the journal (a ref changed while they were read); they were dropped', { hint: 'run the command again' });
      }
      byId.set(entry.id, s);
    }
  }
  // Laid out in creation order, as a folded map has them.
  const sessions = new Map<string, Session>();
  for (const id of d.order) {
    const s = byId.get(id);
    if (s) sessions.set(id, s);
    byId.delete(id);
  }
  for (const [id, s] of byId) sessions.set(id, s);
  return {
    sessions: { sessions, order: d.order, clientBindings: new Map(d.clientBindings), messages: d.messages, eventCount: d.eventCount },
    items: deserializeItems(d.items),
    tips: main.tips,
    unreadable: d.unreadable,
    last: d.last,
    saved: new Map(d.closed.map((h) => [h.id, h.file])),
  };
}

/**
 * Save the views for `tips`, writing the state of each closed session that is
 * new or changed. `touched`: the sessions the events folded since `saved` was
 * read may have changed (any other closed session keeps its file unread);
 * without it every closed session's file is checked.
 */
export async function saveViews(
  store: CachingStore,
  tips: Record<string, string>,
  views: Views,
  unreadable: UnreadableRecord[],
  last: JournalEvent | { clock: number; id: string } | undefined,
  saved: Map<string, string> = new Map(),
  touched?: ReadonlySet<string>,
): Promise<void> {
  const { sessions } = views;
  const closed: ClosedEntry[] = [];
  const replaced: string[] = [];
  for (const h of sessionHeaders(sessions).filter((x) => !isOpen(x))) {
    const previous = saved.get(h.id);
    if (previous && touched && !touched.has(h.id)) {
      closed.push({ ...headerOf(h), file: previous }); // no event for it since it was read: unchanged
      continue;
    }
    const s = sessions.sessions.get(h.id)!;
    const { name, text } = stateFile(s);
    if (name !== previous) {
      await store.saveState(name, {}, JSON.parse(text));
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
  if (!same(d.messages, fresh.messages)) return 'the messages differ';
  if (!same(d.items, serializeItems(projectItems(ordered)))) return 'the items differ';
  return undefined;
}

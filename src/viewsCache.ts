/**
 * The cached views (session model and item chains), kept so that a command's
 * cost does not grow with the journal's history. Open sessions travel in the
 * main file with everything small; closed sessions — most of a long history,
 * rarely needed — only as headers there, their logs in a second file that is
 * read on first use and rewritten only when a closed session changes (a
 * session closes, or an event arrives for one).
 *
 *   views.json                 tips, order, bindings, messages, items, open sessions, closed headers
 *   views-closed-<gen>.json    the closed sessions' full state
 *
 * The closed file is named by a generation recorded in views.json, so a
 * reader never pairs a main file with the wrong closed file; the previous
 * generation is kept one save longer for a reader that is still on it.
 */
import { compareEvents, type JournalEvent, type UnreadableRecord } from './events.js';
import type { CachingStore } from './store/types.js';
import { deserializeItems, serializeItems, type ItemsState, type SerializedItems } from '../projections/items.js';
import { prepare } from '../projections/order.js';
import { headerOf, isOpen, projectSessions, sessionHeaders, type Message, type Session, type SessionHeader, type SessionsState } from '../projections/sessions.js';

const MAIN = 'views';
const closedName = (gen: string) => `views-closed-${gen}`;

export interface Views {
  sessions: SessionsState;
  items: ItemsState;
}

export interface CachedViews extends Views {
  tips: Record<string, string>;
  unreadable: UnreadableRecord[];
  /** Order key of the last event folded in. */
  last: { clock: number; id: string } | undefined;
  /** What the saved files were, to know what a save must rewrite. */
  saved: Saved;
}

interface Saved {
  gen: string | undefined;
  previousGen: string | undefined;
  closedIds: Set<string>;
}

interface MainFile {
  open: Session[];
  closed: SessionHeader[];
  order: string[];
  clientBindings: Array<[string, string]>;
  messages: Message[];
  items: SerializedItems;
  unreadable: UnreadableRecord[];
  last: { clock: number; id: string } | undefined;
  gen: string | undefined;
  previousGen: string | undefined;
}

/**
 * A session map whose closed sessions load on first use: `get` of a closed
 * one, or any iteration, reads the closed file once. `headers()` answers
 * without loading.
 */
export class LazySessions extends Map<string, Session> {
  private readonly closed: Map<string, SessionHeader>;
  private readonly loadClosed: () => Session[];
  private readonly order: readonly string[];
  materialized = false;

  constructor(open: Session[], closed: SessionHeader[], loadClosed: () => Session[], order: readonly string[]) {
    super(open.map((s) => [s.id, s]));
    this.closed = new Map(closed.map((h) => [h.id, h]));
    this.loadClosed = loadClosed;
    this.order = order;
    if (!closed.length) this.materialized = true;
  }

  /** Load the closed sessions, and lay every session out in creation order, as a folded map has them. */
  private materialize(): void {
    if (this.materialized) return;
    this.materialized = true;
    const all = new Map<string, Session>([...this.loadClosed().map((s): [string, Session] => [s.id, s]), ...super.entries()]);
    super.clear();
    for (const id of this.order) {
      const s = all.get(id);
      if (s) super.set(id, s);
      all.delete(id);
    }
    for (const [id, s] of all) super.set(id, s);
  }

  headers(): Map<string, SessionHeader> {
    const out = new Map(this.materialized ? [] : this.closed);
    for (const s of super.values()) out.set(s.id, headerOf(s));
    return out;
  }

  override get(id: string): Session | undefined {
    if (!super.has(id) && this.closed.has(id)) this.materialize();
    return super.get(id);
  }

  override has(id: string): boolean {
    return super.has(id) || (!this.materialized && this.closed.has(id));
  }

  override get size(): number {
    this.materialize();
    return super.size;
  }

  override values(): MapIterator<Session> {
    this.materialize();
    return super.values();
  }

  override keys(): MapIterator<string> {
    this.materialize();
    return super.keys();
  }

  override entries(): MapIterator<[string, Session]> {
    this.materialize();
    return super.entries();
  }

  override [Symbol.iterator](): MapIterator<[string, Session]> {
    return this.entries();
  }

  override forEach(fn: (value: Session, key: string, map: Map<string, Session>) => void, thisArg?: unknown): void {
    this.materialize();
    super.forEach(fn, thisArg);
  }
}

/** The cached views, or undefined when there are none (or they cannot be trusted). */
export function loadViews(store: CachingStore): CachedViews | undefined {
  const main = store.loadState<MainFile>(MAIN);
  if (!main || !Array.isArray(main.data.open) || !Array.isArray(main.data.closed)) return undefined;
  const d = main.data;
  const closedIds = new Set(d.closed.map((h) => h.id));
  const loadClosed = (): Session[] => {
    const closed = d.gen ? store.loadState<Session[]>(closedName(d.gen)) : undefined;
    if (closed && Array.isArray(closed.data)) return closed.data;
    // The closed file is gone or damaged: fold them again from the cached events, up to where these views were.
    const upTo = prepare(store.eventsReader()().events).filter((e) => !d.last || compareEvents(e, d.last) <= 0);
    return [...projectSessions(upTo).sessions.values()].filter((s) => closedIds.has(s.id));
  };
  return {
    sessions: { sessions: new LazySessions(d.open, d.closed, loadClosed, d.order), order: d.order, clientBindings: new Map(d.clientBindings), messages: d.messages },
    items: deserializeItems(d.items),
    tips: main.tips,
    unreadable: d.unreadable,
    last: d.last,
    saved: { gen: d.gen, previousGen: d.previousGen, closedIds: new Set(d.closed.map((h) => h.id)) },
  };
}

/** Save the views for `tips`; the closed file is rewritten only when a closed session may have changed. */
export async function saveViews(
  store: CachingStore,
  tips: Record<string, string>,
  views: Views,
  unreadable: UnreadableRecord[],
  last: JournalEvent | { clock: number; id: string } | undefined,
  saved?: Saved,
): Promise<void> {
  const { sessions } = views;
  const headers = sessionHeaders(sessions);
  const closed = headers.filter((h) => !isOpen(h));
  const touchedClosed = sessions.sessions instanceof LazySessions ? sessions.sessions.materialized && closed.length > 0 : true;
  const changed = !saved || touchedClosed || closed.length !== saved.closedIds.size || closed.some((h) => !saved.closedIds.has(h.id));
  let gen = saved?.gen;
  let previousGen = saved?.previousGen;
  if (changed && closed.length) {
    previousGen = gen;
    gen = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    await store.saveState(closedName(gen), {}, closed.map((h) => sessions.sessions.get(h.id)!));
  }
  const main: MainFile = {
    open: headers.filter(isOpen).map((h) => sessions.sessions.get(h.id)!),
    closed: closed.map((h) => (sessions.sessions instanceof LazySessions ? h : headerOf(sessions.sessions.get(h.id)!))),
    order: sessions.order,
    clientBindings: [...sessions.clientBindings],
    messages: sessions.messages,
    items: serializeItems(views.items),
    unreadable,
    last: last ? { clock: last.clock, id: last.id } : undefined,
    gen: closed.length ? gen : undefined,
    previousGen,
  };
  await store.saveState(MAIN, tips, main);
  // The generation before the previous one has no reader left.
  if (changed && saved?.previousGen && saved.previousGen !== previousGen) store.removeState(closedName(saved.previousGen));
}

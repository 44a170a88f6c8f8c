/**
 * Item chains (seed 000): every linked item with its origin session, the
 * sessions it passed through in order, when and from where it was last
 * migrated, and its current status. A fold `{ initial, evolve }` plus pure
 * renderers for `items.json` and `items.md`. Pure: no I/O.
 */
import { stableId, type JournalEvent } from '../src/events.js';
import { foldStep, ignoring } from './registry.js';
import { isoMinute as minute } from './time.js';
import { inlineAll } from './text.js';

export interface ItemEntry {
  at: string;
  /** Stable id of the session the entry happened in. */
  session: string;
  action: string;
  note?: string;
}

export interface ItemChain {
  key: string;
  type: string;
  /** The latest action: created, updated, completed, referenced or blocked. */
  status: string;
  origin_session: string;
  /** Stable ids, in the order the item reached them. */
  session_ids: string[];
  /** The full id of the session the item lives in now. */
  current_session: string;
  migrated_at: string | null;
  /** Full id of the session it was last migrated from (as seed 000 records it). */
  migrated_from: string | null;
  created_at: string;
  updated_at: string;
  history: ItemEntry[];
}

export interface ItemsState {
  items: Map<string, ItemChain>;
  /**
   * Present only on a state read from the views cache whose settled items
   * (those whose chain ends in a closed session) are still on disk: their
   * keys. `items` holds the others until a caller reads them (`Journal.loadItems`).
   */
  aside?: { keys: Set<string>; /** Every item's key in the order a fold inserts them (the order of `items` once read). */ order: string[] };
}

export const initialItemsState = (): ItemsState => ({ items: new Map() });

export function isOpenItem(i: ItemChain): boolean {
  return i.status !== 'completed';
}

export const itemsProjection = {
  initial: initialItemsState,

  /** Apply one event (mutates and returns `state`: a fold step). */
  evolve: foldStep<ItemsState>({
    'item.linked': (state, e) => {
      if (!e.session) return;
      const stable = stableId(e.session);
      let item = state.items.get(e.data.key);
      if (!item) {
        item = {
          key: e.data.key,
          type: e.data.key.slice(0, e.data.key.indexOf(':')),
          status: e.data.action,
          origin_session: stable,
          session_ids: [],
          current_session: e.session,
          migrated_at: null,
          migrated_from: null,
          created_at: e.at,
          updated_at: e.at,
          history: [],
        };
        state.items.set(item.key, item);
      }
      if (!item.session_ids.includes(stable)) item.session_ids.push(stable);
      item.current_session = e.session;
      item.status = e.data.action;
      if (e.at > item.updated_at) item.updated_at = e.at;
      item.history.push({ at: e.at, session: stable, action: e.data.action, ...(e.data.note ? { note: e.data.note } : {}) });
    },
    'items.migrated': (state, e) => {
      const to = stableId(e.data.to);
      for (const key of e.data.keys) {
        const item = state.items.get(key);
        if (!item) continue;
        if (!item.session_ids.includes(to)) item.session_ids.push(to);
        item.current_session = e.data.to;
        item.migrated_at = e.at;
        item.migrated_from = e.data.from;
        if (e.at > item.updated_at) item.updated_at = e.at;
        item.history.push({ at: e.at, session: to, action: 'migrated', note: `from ${stableId(e.data.from)}` });
      }
    },
    ...ignoring(
      'session.started', 'session.paused', 'session.resumed', 'session.checkpointed', 'session.compacted', 'session.closed', 'subsession.started',
      'subsession.ended', 'progress', 'decision', 'discovery', 'blocker', 'blocker.resolved', 'next', 'context', 'agent.started', 'agent.finished',
      'tool.used', 'transcript.linked', 'message.sent', 'message.read', 'state.set', 'redaction', 'commit.linked'
    ),
  }),
};

/** @deprecated name kept for callers of the first version; use `itemsProjection.evolve`. */

export function projectItems(events: readonly JournalEvent[]): ItemsState {
  const state = itemsProjection.initial();
  for (const e of events) itemsProjection.evolve(state, e);
  return state;
}

/** Every item, sorted by key (a stable order for views and files). */
export function sortedItems(state: ItemsState): ItemChain[] {
  if (state.aside) throw new Error('the settled items were not read (call Journal.loadItems first)');
  return [...state.items.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Items whose chain currently ends in `sessionId`. */
export function itemsIn(state: ItemsState, sessionId: string, options: { openOnly?: boolean } = {}): ItemChain[] {
  return sortedItems(state).filter((i) => i.current_session === sessionId && (!options.openOnly || isOpenItem(i)));
}

/** Open items whose chain currently ends in `sessionId`: key, latest action and latest note. */
export function openItemsFor(events: readonly JournalEvent[] | ItemsState, sessionId: string): Array<{ key: string; status: string; note?: string }> {
  const state = 'items' in events ? events : projectItems(events);
  return itemsIn(state, sessionId, { openOnly: true }).map((i) => {
    const note = [...i.history].reverse().find((h) => h.action !== 'migrated')?.note;
    return { key: i.key, status: i.status, ...(note ? { note } : {}) };
  });
}

/** The JSON view of one chain (the shape of `items.json` entries and `logbook item --json`). */
export function itemView(i: ItemChain) {
  return {
    key: i.key,
    type: i.type,
    status: i.status,
    open: isOpenItem(i),
    origin_session: i.origin_session,
    session_ids: [...i.session_ids],
    current_session: i.current_session,
    migrated_at: i.migrated_at,
    migrated_from: i.migrated_from,
    created_at: i.created_at,
    updated_at: i.updated_at,
    history: i.history.map((h) => ({ ...h })),
  };
}

export type ItemView = ReturnType<typeof itemView>;

export function renderItemsJson(state: ItemsState): string {
  return `${JSON.stringify({ items: sortedItems(state).map(itemView) }, null, 2)}\n`;
}


/** One item and its chain as markdown (a `##` section). */
export function renderItemSection(raw: ItemChain): string {
  const i = inlineAll(raw); // user text: one line each, controls escaped
  const lines = [
    `## ${i.key} · ${i.status}${isOpenItem(i) ? '' : ' ✓'}`,
    `- **Origin**: ${i.origin_session} (${minute(i.created_at)})`,
    `- **Sessions**: ${i.session_ids.join(' → ')}`,
  ];
  if (i.migrated_at) lines.push(`- **Migrated**: ${minute(i.migrated_at)} from ${i.migrated_from}`);
  lines.push('- **History**:', ...i.history.map((h) => `  - ${minute(h.at)} ${h.session} ${h.action}${h.note ? `: ${h.note}` : ''}`));
  return lines.join('\n');
}

/** `items.md`: open items first, then completed ones, each sorted by key. */
export function renderItemsMarkdown(state: ItemsState): string {
  const all = sortedItems(state);
  const open = all.filter(isOpenItem);
  const done = all.filter((i) => !isOpenItem(i));
  const parts = ['# Items', `${open.length} open, ${done.length} completed.`];
  parts.push(...open.map(renderItemSection));
  if (done.length) parts.push('# Completed items', ...done.map(renderItemSection));
  return `${parts.join('\n\n')}\n`;
}

/**
 * Items a session touched, for its session file: those still in it with their
 * status, and those migrated on with where they went.
 */
export function sessionItems(state: ItemsState, sessionId: string): Array<{ key: string; status: string; note?: string }> {
  return sessionItemsOf(state)(sessionId);
}

/**
 * `sessionItems` for many sessions: the items are sorted and grouped by
 * session once (a rebuild of thousands of sessions would otherwise sort every
 * item once per session).
 */
export function sessionItemsOf(state: ItemsState): (sessionId: string) => Array<{ key: string; status: string; note?: string }> {
  const bySession = new Map<string, ItemChain[]>();
  for (const i of sortedItems(state)) {
    for (const stable of new Set(i.session_ids)) {
      let list = bySession.get(stable);
      if (!list) bySession.set(stable, (list = []));
      list.push(i);
    }
  }
  return (sessionId) =>
    (bySession.get(stableId(sessionId)) ?? []).map((i) => {
      if (i.current_session !== sessionId) return { key: i.key, status: `migrated to ${stableId(i.current_session)}` };
      const note = [...i.history].reverse().find((h) => h.action !== 'migrated')?.note;
      return { key: i.key, status: i.status, ...(note ? { note } : {}) };
    });
}

/** Item chains as plain JSON, for the projection cache. */
export type SerializedItems = ItemChain[];

export function serializeItems(state: ItemsState): SerializedItems {
  if (state.aside) throw new Error('the settled items were not read (call Journal.loadItems first)');
  return [...state.items.values()];
}

export function deserializeItems(data: SerializedItems): ItemsState {
  return { items: new Map(data.map((i) => [i.key, i])) };
}

/**
 * Item chains (seed 000): every linked item with its origin session, the
 * sessions it passed through in order, when and from where it was last
 * migrated, and its current status. Pure.
 */
import { stableId, type JournalEvent } from '../src/events.js';

export interface ItemChain {
  key: string;
  type: string;
  status: string;
  origin_session: string;
  /** Stable ids, in the order the item reached them. */
  session_ids: string[];
  /** The full id of the session the item lives in now. */
  current_session: string;
  migrated_at: string | null;
  migrated_from: string | null;
  created_at: string;
  updated_at: string;
  history: Array<{ at: string; session: string; action: string; note?: string }>;
}

export interface ItemsState {
  items: Map<string, ItemChain>;
}

export const initialItemsState = (): ItemsState => ({ items: new Map() });

export function isOpenItem(i: ItemChain): boolean {
  return i.status !== 'completed';
}

export function evolveItems(state: ItemsState, e: JournalEvent): ItemsState {
  if (e.type === 'item.linked' && e.session) {
    const stable = stableId(e.session);
    let item = state.items.get(e.data.key);
    if (!item) {
      item = {
        key: e.data.key,
        type: e.data.key.slice(0, e.data.key.indexOf(':')),
        status: e.data.action,
        origin_session: stable,
        session_ids: [stable],
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
    item.updated_at = e.at;
    item.history.push({ at: e.at, session: stable, action: e.data.action, ...(e.data.note ? { note: e.data.note } : {}) });
  } else if (e.type === 'items.migrated') {
    for (const key of e.data.keys) {
      const item = state.items.get(key);
      if (!item) continue;
      const to = stableId(e.data.to);
      if (item.session_ids.at(-1) !== to) item.session_ids.push(to);
      item.current_session = e.data.to;
      item.migrated_at = e.at;
      item.migrated_from = e.data.from;
      item.updated_at = e.at;
      item.history.push({ at: e.at, session: to, action: 'migrated', note: `from ${stableId(e.data.from)}` });
    }
  }
  return state;
}

export function projectItems(events: readonly JournalEvent[]): ItemsState {
  const state = initialItemsState();
  for (const e of events) evolveItems(state, e);
  return state;
}

/** Open items whose chain currently ends in `sessionId`. */
export function openItemsFor(events: readonly JournalEvent[], sessionId: string): Array<{ key: string; status: string; note?: string }> {
  return [...projectItems(events).items.values()]
    .filter((i) => i.current_session === sessionId && isOpenItem(i))
    .map((i) => {
      const note = i.history.at(-1)?.note;
      return { key: i.key, status: i.status, ...(note ? { note } : {}) };
    });
}

/**
 * The commits fold (projections/commits.ts) kept beside the views cache, so
 * `why` on a long journal folds only the events that are new since it last ran.
 */
import type { Journal } from '../journal.js';
import { compareEvents, type JournalEvent } from '../events.js';
import { isCachingStore, type CachingStore } from '../store/types.js';
import { prepare } from '../../projections/order.js';
import { commitNote, commitView, deserializeCommits, evolveCommits, linesLookup, linkLateOrigins, lookupOf, projectCommits, serializeCommits, sessionCommits, type CommitLookup, type CommitsState, type CommitView, type SerializedCommits } from '../../projections/commits.js';

const STATE = 'code-commits';
/** Events read past the saved tips before the tips are saved again (as the views cache does). */
const SAVE_AFTER = 64;

export async function loadCommits(journal: Journal): Promise<CommitsState> {
  const store = journal.store;
  if (!isCachingStore(store)) return finish(projectCommits(prepare((await store.read()).events)));
  const cached = store.loadState<SerializedCommits>(STATE);
  if (cached && typeof cached.data?.lines === 'string') {
    const delta = await store.readNew(cached.tips);
    // A redaction hides a commit's record: refold from the start, as the views do.
    if (delta.complete && !delta.events.some((e) => e.type === 'redaction')) {
      const state = deserializeCommits(cached.data);
      const fresh = delta.events.filter((e) => e.type === 'commit.linked').sort(compareEvents);
      if (!fresh.length) {
        await keepUp(store, delta, cached.data);
        return state;
      }
      for (const e of fresh) evolveCommits(state, e);
      linkLateOrigins(state);
      await store.saveState(STATE, delta.tips, serializeCommits(state));
      return state;
    }
  }
  const all = await store.read();
  const state = finish(projectCommits(prepare(all.events.filter((e: JournalEvent) => e.type === 'commit.linked' || e.type === 'redaction'))));
  await store.saveState(STATE, all.tips, serializeCommits(state));
  return state;
}

/** New events, none of them commits: move the saved tips on now and then, so the next read does not go over them again. */
async function keepUp(store: CachingStore, delta: { events: readonly unknown[]; tips: Record<string, string> }, data: SerializedCommits): Promise<void> {
  if (delta.events.length >= SAVE_AFTER) await store.saveState(STATE, delta.tips, data);
}

function finish(state: CommitsState): CommitsState {
  linkLateOrigins(state);
  return state;
}

/**
 * The recorded commits as `why` needs them: when the cache is current, a
 * lookup on its saved lines (nothing else parsed); otherwise the fold, brought
 * up to date and saved as `loadCommits` does.
 */
export async function loadCommitLookup(journal: Journal): Promise<CommitLookup> {
  const store = journal.store;
  if (isCachingStore(store)) {
    const cached = store.loadState<SerializedCommits>(STATE);
    if (cached && typeof cached.data?.lines === 'string') {
      const delta = await store.readNew(cached.tips);
      if (delta.complete && !delta.events.some((e) => e.type === 'commit.linked' || e.type === 'redaction')) {
        await keepUp(store, delta, cached.data);
        return linesLookup(cached.data);
      }
    }
  }
  return lookupOf(await loadCommits(journal));
}

/**
 * A session's commits, newest first, each with where it came from and what it
 * became — what `view --json`, the session file, `GET /api/sessions/{S}` and the
 * session page show. `until` (ISO time) keeps those recorded by then (`--at`).
 */
export async function sessionCommitViews(journal: Journal, session: string, until?: string): Promise<Array<CommitView & { note?: string }>> {
  const index = await loadCommitLookup(journal);
  return sessionCommits(index, session)
    .filter((r) => until === undefined || r.at <= until)
    .map((r) => {
      const v = commitView(index, r);
      const note = commitNote(v, session);
      return note ? { ...v, note } : v;
    });
}

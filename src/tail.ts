/**
 * Following the journal as it grows: poll the ref tips and hand back the
 * events not seen yet, whichever way they arrived (an append on this clone,
 * another process, `logbook sync` or a plain `git fetch`). Reads are cheap
 * when nothing moved: only the refs are read.
 */
import type { JournalEvent } from './events.js';
import type { Journal } from './journal.js';

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface FollowOptions {
  /** Ids already shown: only events not among them are yielded. */
  seen: Set<string>;
  intervalMs?: number;
  signal?: AbortSignal;
}

/**
 * Yield batches of new events (in the journal's total order) until `signal`
 * aborts. Events that arrive late with an older clock (from a fetch) are
 * still yielded, when they arrive.
 */
export async function* followEvents(journal: Journal, options: FollowOptions): AsyncGenerator<JournalEvent[]> {
  const { seen, intervalMs = 500, signal } = options;
  let tips = JSON.stringify((await journal.store.head()).tips);
  while (!signal?.aborted) {
    await sleep(intervalMs, signal);
    if (signal?.aborted) return;
    const head = JSON.stringify((await journal.store.head()).tips);
    if (head === tips) continue;
    tips = head;
    const fresh = (await journal.events()).filter((e) => !seen.has(e.id));
    for (const e of fresh) seen.add(e.id);
    if (fresh.length) yield fresh;
  }
}

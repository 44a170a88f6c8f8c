/**
 * The search index kept current from the journal's appends (`Journal.subscribe`):
 * what this process appends is folded in from the events as written, never
 * read back from the store; only what other processes or a fetch brought
 * (refs whose tips the index does not know) is read, and only from the
 * index's tips on. Held by the long-lived faces (`serve`, the MCP server) so
 * that the index is loaded once, and by `redact`, whose redaction must leave
 * the index at once.
 */
import type { Appended, Journal } from '../journal.js';
import type { EventStore } from '../store/types.js';
import { loadCorpus, openCorpus, updateCorpus } from './cache.js';
import { DamagedIndex, addEvents, type Corpus } from './corpus.js';

const sameTips = (a: Record<string, string>, b: Record<string, string>) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};

export class SearchIndex {
  private corpus: Corpus | undefined;
  private pending: Appended[] = [];
  /** One catch-up at a time: concurrent searches share it. */
  private running: Promise<Corpus> | undefined;

  /** `dir`: where the index is cached (undefined: a store without a cache, the index lives in memory only). */
  constructor(
    private readonly store: EventStore,
    private readonly dir: string | undefined,
  ) {}

  /** Hear of every append `journal` makes from now on; returns the unsubscribe function. */
  follow(journal: Journal): () => void {
    return journal.subscribe((a) => this.absorb(a));
  }

  /** An append, as `Journal.subscribe` delivers it: folded in at the next `current()`. */
  absorb(appended: Appended): void {
    this.pending.push(appended);
  }

  /** The index, up to the store's tips. */
  current(): Promise<Corpus> {
    const run = (this.running ??= this.catchUp().finally(() => (this.running = undefined)));
    return run;
  }

  private async catchUp(): Promise<Corpus> {
    try {
      this.corpus ??= this.dir ? loadCorpus(this.dir) : undefined;
      if (this.corpus) {
        await this.foldPending(this.corpus);
        const { tips } = await this.store.head();
        if (!sameTips(tips, this.corpus.tips)) {
          const delta = await this.store.readNew(this.corpus.tips);
          if (!delta.complete) throw new DamagedIndex('a ref moved other than forward');
          if (this.dir) await updateCorpus(this.dir, delta.events, delta.tips, this.corpus);
          else addEvents(this.corpus, delta.events, delta.tips);
        }
        for (const s of this.corpus.segments) s.get(); // every segment intact and in memory, or rebuild
        return this.corpus;
      }
    } catch (e) {
      if (!(e instanceof DamagedIndex)) throw e;
    }
    // No usable index (or none yet in memory without a cache): built from every event.
    this.pending = [];
    this.corpus = await openCorpus(this.store, this.dir);
    for (const s of this.corpus.segments) s.get();
    return this.corpus;
  }

  /** The appends heard of that continue the index's tips, folded in (and saved) as one update; the others were read already or will be. */
  private async foldPending(c: Corpus): Promise<void> {
    const pending = this.pending.splice(0);
    const tips = { ...c.tips };
    const events = [];
    for (const a of pending) {
      if ((tips[a.replica] ?? null) !== a.from) continue;
      events.push(...a.events);
      tips[a.replica] = a.tip;
    }
    if (!events.length) return;
    if (this.dir) await updateCorpus(this.dir, events, tips, c);
    else addEvents(c, events, tips);
  }
}

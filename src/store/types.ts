import type { JournalEvent, UnreadableRecord } from '../events.js';

/** Where each replica's ref points, and the highest Lamport clock among the tips. */
export interface StoreHead {
  tips: Record<string, string>;
  maxClock: number;
}

export interface ReadResult {
  /** Every readable event of every replica, in no particular order. */
  events: JournalEvent[];
  /** Commits that are not (yet) readable events: kept in git, reported here. */
  unreadable: UnreadableRecord[];
  /** The tips the result was read at. */
  tips: Record<string, string>;
}

/**
 * One interface, two implementations (git and memory), one contract test suite.
 * `append` is compare-and-swap: it fails with a `CONFLICT` LogbookError when
 * the replica's tip is no longer `expectedTip`.
 */
export interface EventStore {
  head(): Promise<StoreHead>;
  append(options: { replica: string; events: JournalEvent[]; expectedTip: string | null }): Promise<{ tip: string }>;
  read(): Promise<ReadResult>;
}

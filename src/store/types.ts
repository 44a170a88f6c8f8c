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
  /**
   * Every event; with `at`, only those reachable from those tips (the tips a
   * snapshot was read at), so a caller gets the events its snapshot folded.
   */
  read(options?: ReadOptions): Promise<ReadResult>;
  /** Only what is new since the given tips (see NewEvents.complete). */
  readNew(since: Record<string, string>): Promise<NewEvents>;
}

export interface ReadOptions {
  /** Tips to read at (a snapshot's); a replica not listed is left out. CONFLICT when a ref no longer holds its tip. */
  at?: Record<string, string>;
}

export interface NewEvents {
  /** Events on the refs that are not reachable from `since`, in no particular order. */
  events: JournalEvent[];
  unreadable: UnreadableRecord[];
  tips: Record<string, string>;
  /**
   * False when the result is not exactly "everything after `since`" (a ref
   * was rewritten, the cache was reset, or a replica disappeared): the caller
   * must read everything again.
   */
  complete: boolean;
}

/** Projection state already serialised (a closed session's file): saved as the text it is, not parsed and written again. */
export class SerializedState {
  constructor(readonly json: string) {}
}

/** A store that can also keep projection state beside its event cache (the git store). */
export interface CachingStore extends EventStore {
  loadState<T>(name: string): { tips: Record<string, string>; data: T } | undefined;
  /** `data`, or a SerializedState when the caller already holds it as JSON text (then it is written as is). */
  saveState(name: string, tips: Record<string, string>, data: unknown): Promise<void>;
  /** Write the state file `name` as the text given, as it is (pieces in order): a pack of closed sessions' states. */
  saveStateText(name: string, text: string | readonly string[]): void;
  /** `length` bytes of the state file `name` from byte `start`, as text; undefined when it is not there (or shorter). */
  readStateSlice(name: string, start: number, length: number): string | undefined;
  removeState(name: string): void;
  /** Names of the saved states that start with `prefix`. */
  listStates(prefix: string): string[];
  /** A reader of every event as of the latest read (for a cache that must fold part of its state again). */
  eventsReader(): () => { events: JournalEvent[]; unreadable: UnreadableRecord[] };
  /** The same events as cached text lines, one JSON object `{c, e}` (or `{c, u}` for an unreadable commit) each. */
  rawLinesReader?(): () => string[];
  /** Per replica, the cache file and how many of its bytes hold the lines, plus the lines not in it yet. */
  cachedFiles?(): Array<{ replica: string; file: string; bytes: number; fresh: string[] }>;
  /** The same lines newest first, one iterable per ref; each reads its cache file from the end, so a caller that stops early reads only the tail. */
  rawLinesBackward?(): () => Array<Iterable<string>>;
}

export function isCachingStore(store: EventStore): store is CachingStore {
  return 'loadState' in store && 'eventsReader' in store;
}

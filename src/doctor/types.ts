/** What `logbook doctor` reports, and what one pass over the journal found. */
import type { JournalEvent } from '../events.js';
import type { CacheLine } from '../store/git.js';

export type Severity = 'error' | 'warning' | 'info';

export const doctorChecks = {
  refs: 'replica refs are well-formed',
  objects: 'journal objects are present and intact',
  events: 'every commit is a valid Logbook event',
  clocks: 'clocks increase along each ref; event ids are unique',
  history: 'each replica ref only moved forward',
  replicas: 'no sign of a replica id shared by two clones',
  locks: 'no lock or temp file left by a killed process',
  cache: 'the cache matches the refs',
  search: 'the search index matches the events',
} as const;
export type CheckId = keyof typeof doctorChecks;

export interface Finding {
  check: CheckId;
  code: string;
  severity: Severity;
  message: string;
  hint?: string;
  replica?: string;
  commit?: string;
  path?: string;
  /** `--repair` can deal with this one. */
  fixable?: boolean;
}

export interface ReplicaSummary {
  replica: string;
  tip: string;
  commits: number;
  events: number;
  unreadable: number;
  /** This clone writes to this replica. */
  local: boolean;
}

export interface DoctorReport {
  gitdir: string;
  /** This clone's replica id (undefined before `logbook init`). */
  replica: string | undefined;
  /** No error or warning left (info findings do not count). */
  healthy: boolean;
  replicas: ReplicaSummary[];
  checks: Array<{ id: CheckId; title: string; ok: boolean }>;
  findings: Finding[];
  /** What `--repair` did, in order (empty without `--repair`). */
  repairs: string[];
  stats: { commits: number; events: number; looseObjects: number };
}

export interface DoctorOptions {
  gitdir: string;
  repair?: boolean;
  /** The git binary for bulk reads (default `git`; null: none, read object by object). */
  gitBinary?: string | null;
  /** Injected for tests. */
  now?: () => number;
  staleMs?: number;
  /** The environment git runs with (the CLI passes its own; default: an empty one). */
  env?: NodeJS.ProcessEnv;
}

export const OID = /^[0-9a-f]{40}$/;
export const RESCUE_PREFIX = 'refs/logbook-rescued/';

export interface WalkedCommit {
  oid: string;
  parents: string[];
  event?: JournalEvent;
}

/** Everything one pass found, and what repair needs to act on it. */
export interface Pass {
  findings: Finding[];
  replicas: ReplicaSummary[];
  walked: Map<string, WalkedCommit[]>;
  journalObjects: Set<string>;
  looseObjects: number;
  /** Broken journal objects: oid -> replica. */
  broken: Map<string, string>;
  corruptLoose: string[];
  /** Loose objects already read and hash-checked by the walk. */
  verified: Set<string>;
  staleFiles: Array<{ file: string; lock: boolean }>;
  /** Staging refs of syncs that were killed. */
  staleStaging: string[];
  /** Old tips of rewritten refs: replica -> old tip. */
  rewritten: Array<{ replica: string; from: string }>;
  cacheBad: boolean;
  /** The event cache as read before the walk: replica -> its lines, and oid -> line. */
  cache: { lines: Map<string, CacheLine[]>; byOid: Map<string, CacheLine>; problems: Map<string, string>; mismatch: Map<string, string> };
}

/** What every check needs. */
export interface Ctx {
  gitdir: string;
  cacheDir: string;
  now: () => number;
  staleMs: number;
  gitBinary: string | null;
  env: NodeJS.ProcessEnv;
  objectCache: object;
}

export type Add = (f: Finding) => void;

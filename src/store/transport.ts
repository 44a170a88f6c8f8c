/**
 * What `sync` needs from a way of talking to a remote: list its journal refs,
 * bring their objects here, push one ref fast-forward only, and answer graph
 * questions about local objects. Two implementations: the system git binary
 * (./gitTransport.ts) and a smart-HTTP client on isomorphic-git's HTTP
 * plugin for machines without git (./httpTransport.ts).
 */
import { LogbookError } from '../errors.js';

export const JOURNAL_PREFIX = 'refs/logbook/';

/** A ref name Logbook accepts from a remote: under refs/logbook/, and one git itself would accept. */
export function isJournalRef(ref: string): boolean {
  if (!ref.startsWith(JOURNAL_PREFIX) || ref.length > 255) return false;
  const parts = ref.split('/');
  return parts.every(
    (p) => p.length > 0 && !p.startsWith('.') && !p.endsWith('.lock') && !p.endsWith('.') && /^[A-Za-z0-9._-]+$/.test(p),
  ) && !ref.includes('..');
}

/** Remote tips: ref name -> commit id. */
export type RefTips = Record<string, string>;

export interface Fetched {
  /** The remote's journal refs; every tip's objects are now in the local object store. */
  tips: RefTips;
  /** Remove whatever the fetch left behind (staging refs). Never throws. */
  cleanup(): Promise<void>;
}

export type PushOutcome =
  /** Pushed (`from`: the remote's tip before, null when the ref is new there, undefined when not known), or already there. */
  | { ok: true; upToDate: boolean; from?: string | null | undefined }
  /** The remote's copy is not an ancestor of what we pushed (it moved, or holds other commits). */
  | { ok: false; reason: 'non-fast-forward'; message: string }
  /** The remote refused for its own reasons (hook, permissions, policy). */
  | { ok: false; reason: 'rejected'; message: string };

export interface Transport {
  readonly kind: 'git' | 'http';
  /** The remote's refs under refs/logbook/, without fetching anything. */
  list(): Promise<RefTips>;
  /** Fetch every refs/logbook/* of the remote without moving any local ref. */
  fetch(haves: string[]): Promise<Fetched>;
  /** Push `oid` to `ref` on the remote, fast-forward only (never forced). */
  push(ref: string, oid: string): Promise<PushOutcome>;
  /** Commits reachable only from `a`, and only from `b` (`b` null: every commit of `a`). */
  compare(a: string, b: string | null): Promise<{ aOnly: number; bOnly: number }>;
  /** Which of these objects exist locally. */
  has(oids: string[]): Promise<Set<string>>;
}

/** `https://user:secret@host/x` -> `https://user:***@host/x`, in any text: URLs are shown, credentials never. */
export function maskUrl(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^/@\s]*)@/gi, (_m, scheme: string, auth: string) => `${scheme}${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`);
}

export type FailureReason = 'unreachable' | 'auth' | 'not-found' | 'protocol' | 'rejected' | 'no-transport' | 'timeout';

/** Default bound on every network wait of a sync (connect, an answer, a stalled transfer), in seconds. */
export const DEFAULT_NETWORK_TIMEOUT_S = 30;

/**
 * How long a sync waits for a remote that stops answering: `LOGBOOK_NETWORK_TIMEOUT`
 * (seconds) or git config `logbook.networkTimeout`, default 30 s.
 */
export function networkTimeoutSeconds(env: NodeJS.ProcessEnv, config: Record<string, string>): number {
  for (const raw of [env.LOGBOOK_NETWORK_TIMEOUT, config['logbook.networktimeout']]) {
    const n = Number(raw?.trim());
    if (raw?.trim() && Number.isFinite(n) && n > 0) return Math.max(1, Math.round(n));
  }
  return DEFAULT_NETWORK_TIMEOUT_S;
}

/** A transport failure: what failed, against which remote, and what to do about it. Local refs are untouched. */
export function syncFailure(stage: 'list' | 'fetch' | 'push', reason: FailureReason, remote: string, detail: string, cause?: unknown): LogbookError {
  const verb = stage === 'push' ? 'push to' : stage === 'fetch' ? 'fetch from' : 'read the refs of';
  const unchanged = 'nothing was changed locally; fix that and run `logbook sync` again';
  const hints: Record<FailureReason, string> = {
    unreachable: `check the network and the remote's address (\`git remote -v\`); ${unchanged}`,
    auth: `check your credentials for ${remote}: with git installed, sync authenticates exactly as \`git fetch\` does (credential helper, ssh agent); without it, put a token in the URL or set LOGBOOK_HTTP_USERNAME and LOGBOOK_HTTP_PASSWORD; ${unchanged}`,
    'not-found': `check that the repository exists and the remote's address is right (\`git remote -v\`); ${unchanged}`,
    protocol: `the remote does not speak the git smart protocol as expected; try \`git ls-remote ${remote}\`; ${unchanged}`,
    rejected: `the remote refused the update (a server hook or permissions); the journal refs must be writable under refs/logbook/, or run \`logbook sync --no-push\` to only fetch; ${unchanged}`,
    'no-transport': 'install git, or use an http(s):// remote (the only kind Logbook can reach without git)',
    timeout: `the remote accepted the connection but stopped answering; check the network and the remote, or allow more time with LOGBOOK_NETWORK_TIMEOUT=<seconds> (git config logbook.networkTimeout); ${unchanged}`,
  };
  return new LogbookError('SYNC_FAILED', maskUrl(`cannot ${verb} ${remote}: ${detail}`), { hint: maskUrl(hints[reason]), data: { stage, reason }, cause });
}

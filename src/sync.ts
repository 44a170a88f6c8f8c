/**
 * Sharing a journal through any git remote. Each clone writes only its own
 * ref, `refs/logbook/replicas/<replica>`; `sync` fetches every journal ref of
 * the remote, moves local copies of other replicas' refs forward (never
 * backwards, never sideways), and pushes this replica's ref fast-forward
 * only. Git is the distributed engine: no server of our own, no merges.
 *
 * Order of work, so that a failure changes nothing locally: fetch into a
 * staging namespace (objects only, no journal ref moves) -> decide per ref ->
 * stop on a replica-id collision -> push our ref -> fast-forward local refs by
 * compare-and-swap -> remove the staging refs.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LogbookError, isLogbookError } from './errors.js';
import type { Journal } from './journal.js';
import { readGitConfig, readReplicaId } from './repo.js';
import { gitBinary } from './store/gitBinary.js';
import { GitTransport, findExecutable } from './store/gitTransport.js';
import { REPLICA_PREFIX, compareAndSwapRef, isReplicaRef, listReplicaRefs, readRef } from './store/refs.js';
import { maskUrl, networkTimeoutSeconds, syncFailure, type Fetched, type PushOutcome, type RefTips, type Transport } from './store/transport.js';

export type SyncProgress =
  /** A step of the sync, for a status line. */
  | { kind: 'step'; message: string }
  /** Git's own transfer progress (contains `\r`), only when `progress` was asked for. */
  | { kind: 'transfer'; text: string };

export interface SyncOptions {
  /** The journal to sync; or give `gitdir` (and optionally `replica`). */
  journal?: Journal;
  gitdir?: string;
  replica?: string;
  /** A remote name from git config, a path, or a file://, http(s)://, ssh:// or scp-style address. Default `origin`. */
  remote?: string;
  /** Only say what would be fetched and pushed. */
  dryRun?: boolean;
  /** Push this replica's ref (default true); false only fetches (read-only remotes). */
  push?: boolean;
  onProgress?: (p: SyncProgress) => void;
  /** Ask the transport for transfer progress (a TTY wants it, a pipe does not). */
  progress?: boolean;
  /** Whether git may prompt on the terminal for credentials (default false: fail instead of hanging). */
  interactive?: boolean;
  /** Environment for git and for LOGBOOK_GIT_BINARY / LOGBOOK_HTTP_*; default the journal's. Required when there is no journal: it is never read from the process here. */
  env?: NodeJS.ProcessEnv;
  /** Directory relative remote paths are resolved against. */
  cwd?: string;
}

export interface RefChange {
  ref: string;
  /** The replica id, for refs/logbook/replicas/<id>. */
  replica?: string;
  /** Tip before: the local one for a fetch, the remote's for a push (null: the ref is new there). */
  from: string | null;
  to: string;
  /** Events (commits) added; null when a dry run cannot know without fetching. */
  events: number | null;
}

export interface RefNote {
  ref: string;
  replica?: string;
  local: string | null;
  remote: string;
  /** Events only the local copy has, and only the remote's has. */
  localOnly: number | null;
  remoteOnly: number | null;
}

export interface SyncResult {
  /** The remote as given, and where it points (credentials masked). */
  remote: string;
  url: string;
  transport: 'git' | 'http';
  dryRun: boolean;
  replica: string;
  /** Local refs created or fast-forwarded from the remote (in a dry run: that would be). */
  fetched: RefChange[];
  /** This replica's ref, pushed (in a dry run: that would be). */
  pushed: RefChange[];
  /** Other replicas' refs whose remote copy is older than ours: kept ours (it is their owner's to push). */
  behind: RefNote[];
  /** Other replicas' refs whose remote copy is not a fast-forward of ours: refused, ours kept. */
  refused: RefNote[];
  /** True when pushing was turned off. */
  pushSkipped: boolean;
  /** Remote refs under refs/logbook/ that are no replica ref Logbook reads (nested, misnamed): not fetched. */
  skipped: Array<{ ref: string; reason: string }>;
  /** Refs whose local update failed; every other ref was still synced. */
  failed: Array<{ ref: string; replica?: string; message: string }>;
}

interface Remote {
  given: string;
  /** What git is handed: the configured name (so pushurl, insteadOf etc. apply), a URL or an absolute path. */
  gitArg: string;
  fetchUrl: string;
  pushUrl: string;
  display: string;
}

/** Where a history that left a replica ref is kept (the namespace `logbook doctor` recognises): not read, not pushed, safe from gc. */
export const RESCUE_PREFIX = 'refs/logbook-rescued/';

const replicaOf = (ref: string) => (ref.startsWith(REPLICA_PREFIX) ? ref.slice(REPLICA_PREFIX.length) : undefined);
const withReplica = (ref: string) => {
  const replica = replicaOf(ref);
  return replica ? { ref, replica } : { ref };
};

function configuredRemotes(config: Record<string, string>): string[] {
  return Object.keys(config)
    .filter((k) => k.startsWith('remote.') && k.endsWith('.url'))
    .map((k) => k.slice('remote.'.length, -'.url'.length));
}

/** A remote name from git config, a URL, an scp-style address, or a path. */
export function resolveRemote(given: string, gitdir: string, env: NodeJS.ProcessEnv, cwd: string): Remote {
  const config = readGitConfig(gitdir, env);
  const url = config[`remote.${given}.url`];
  if (url !== undefined) {
    const pushUrl = config[`remote.${given}.pushurl`] ?? url;
    return { given, gitArg: given, fetchUrl: url, pushUrl, display: `${given} (${maskUrl(url)})` };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given)) return { given, gitArg: given, fetchUrl: given, pushUrl: given, display: maskUrl(given) };
  const local = path.resolve(cwd, given);
  // git's rule: `host:path` with no slash before the colon is ssh, unless it is an existing local path.
  if (/^[^/\\]+:/.test(given) && !/^[A-Za-z]:[\\/]/.test(given) && !existsSync(local)) {
    return { given, gitArg: given, fetchUrl: given, pushUrl: given, display: given };
  }
  if (existsSync(local)) return { given, gitArg: local, fetchUrl: local, pushUrl: local, display: given };
  const known = configuredRemotes(config);
  throw new LogbookError('SYNC_FAILED', `no remote named "${given}", and no repository at ${local}`, {
    hint: known.length
      ? `configured remotes: ${known.join(', ')}; or pass a URL or path: logbook sync <remote>`
      : 'add one with `git remote add origin <url>`, or pass a URL or path: logbook sync <url>',
    data: { stage: 'list', reason: 'not-found' },
  });
}

async function openTransport(remote: Remote, o: { gitdir: string; env: NodeJS.ProcessEnv; cwd: string; progress: boolean; interactive: boolean; onProgress?: SyncOptions['onProgress'] }): Promise<Transport> {
  const onTransfer = o.onProgress ? (text: string) => o.onProgress!({ kind: 'transfer', text }) : undefined;
  const binary = gitBinary(o.env);
  const config = readGitConfig(o.gitdir, o.env);
  const timeoutSeconds = networkTimeoutSeconds(o.env, config);
  if (binary) {
    const found = findExecutable(binary, o.env);
    if (found) {
      const sshCommandConfigured = config['core.sshcommand'] !== undefined;
      return new GitTransport({ binary: found, gitdir: o.gitdir, remote: remote.gitArg, display: remote.display, env: o.env, cwd: o.cwd, progress: o.progress, onTransfer, interactive: o.interactive, sshCommandConfigured, timeoutSeconds });
    }
    if (o.env.LOGBOOK_GIT_BINARY?.trim()) {
      throw syncFailure('list', 'no-transport', remote.display, `LOGBOOK_GIT_BINARY="${binary}" cannot be run`);
    }
  }
  if (!/^https?:\/\//i.test(remote.fetchUrl) || !/^https?:\/\//i.test(remote.pushUrl)) {
    throw syncFailure('list', 'no-transport', remote.display, 'no git binary is installed, and without it only http(s):// remotes can be reached');
  }
  // Loaded only here: the built-in transport (isomorphic-git) is not read or compiled by a sync that has git.
  const { HttpTransport } = await import('./store/httpTransport.js');
  return new HttpTransport({ gitdir: o.gitdir, url: remote.fetchUrl, pushUrl: remote.pushUrl, display: remote.display, env: o.env, progress: o.progress, onTransfer, timeoutSeconds });
}

/** The hint for a replica-id collision: how one clone gets its own id without losing an event. */
export function collisionHint(replica: string, kind: 'diverged' | 'remote-ahead', remote: string): string {
  const ref = `${REPLICA_PREFIX}${replica}`;
  const lines = [
    `two clones write replica ${replica} (a copied .git?); nothing was changed and no event is lost. Run \`logbook sync ${remote} --fix-collision\` on ONE of them (this one will do): it gives this clone a new replica id, re-records under it the events only this clone wrote, keeps the old ref's history under ${RESCUE_PREFIX}${replica}/, takes the remote's ${ref}, and syncs. Then run \`logbook sync\` on the other clone. See "Replica collisions" in docs/sync.md.`,
  ];
  if (kind === 'remote-ahead') {
    lines.push(`If no other clone uses ${replica} (this .git was restored from an older backup), take the remote's copy instead: git fetch ${remote} ${ref}:${ref}`);
  }
  return lines.join('\n');
}

interface Plan {
  fetch: Array<RefChange & { expected: string | null }>;
  push: RefChange | undefined;
  behind: RefNote[];
  refused: RefNote[];
}

/**
 * Decide per ref what happens, from the local tips and the remote's.
 * `known`: remote tips whose objects are local (all of them after a fetch).
 */
async function plan(t: Transport, own: string, local: RefTips, remote: RefTips, known: Set<string>, display: string, given: string): Promise<Plan> {
  const out: Plan = { fetch: [], push: undefined, behind: [], refused: [] };
  const ownLocal = local[own] ?? null;
  const ownRemote = remote[own] ?? null;
  // Our own ref: only ever pushed. The remote having commits on it that we lack means another clone writes it.
  if (ownRemote !== null && ownRemote !== ownLocal) {
    let kind: 'diverged' | 'remote-ahead' | undefined;
    let counts: { aOnly: number; bOnly: number } | undefined;
    if (!known.has(ownRemote) || ownLocal === null) kind = ownLocal === null ? 'remote-ahead' : 'diverged';
    else {
      counts = await t.compare(ownLocal, ownRemote);
      if (counts.bOnly > 0) kind = counts.aOnly > 0 ? 'diverged' : 'remote-ahead';
    }
    if (kind) {
      const replica = replicaOf(own)!;
      const what = kind === 'diverged' ? 'has diverged from ours' : 'is ahead of ours';
      throw new LogbookError('REPLICA_COLLISION', `the copy of this clone's own ref ${own} on ${display} ${what}${counts ? ` (${counts.bOnly} event(s) there that this clone never wrote)` : ''}: another clone uses the same replica id ${replica}`, {
        hint: collisionHint(replica, kind, given),
        data: { replica, ref: own, local: ownLocal, remote: ownRemote, kind },
      });
    }
    out.push = { ...withReplica(own), from: ownRemote, to: ownLocal!, events: counts!.aOnly };
  } else if (ownRemote === null && ownLocal !== null) {
    out.push = { ...withReplica(own), from: null, to: ownLocal, events: (await t.compare(ownLocal, null)).aOnly };
  }
  for (const [ref, tip] of Object.entries(remote).sort()) {
    if (ref === own) continue;
    const mine = local[ref] ?? null;
    if (mine === tip) continue;
    if (!known.has(tip)) {
      // Dry run: the objects are not here yet, so the fast-forward check happens at sync time.
      out.fetch.push({ ...withReplica(ref), from: mine, to: tip, events: null, expected: mine });
      continue;
    }
    if (mine === null) {
      out.fetch.push({ ...withReplica(ref), from: null, to: tip, events: (await t.compare(tip, null)).aOnly, expected: null });
      continue;
    }
    const c = await t.compare(mine, tip);
    if (c.aOnly === 0) out.fetch.push({ ...withReplica(ref), from: mine, to: tip, events: c.bOnly, expected: mine });
    else if (c.bOnly === 0) out.behind.push({ ...withReplica(ref), local: mine, remote: tip, localOnly: c.aOnly, remoteOnly: 0 });
    else out.refused.push({ ...withReplica(ref), local: mine, remote: tip, localOnly: c.aOnly, remoteOnly: c.bOnly });
  }
  return out;
}

/** Split a remote's journal refs into the replica refs Logbook reads and the rest, reported and left alone. */
function replicaRefsOnly(tips: RefTips): { tips: RefTips; skipped: SyncResult['skipped'] } {
  const kept: RefTips = {};
  const skipped: SyncResult['skipped'] = [];
  for (const [ref, oid] of Object.entries(tips).sort()) {
    if (isReplicaRef(ref)) kept[ref] = oid;
    else {
      const reason = ref.startsWith(REPLICA_PREFIX) ? 'not a replica ref (nested below a replica name, or not named like a replica id); Logbook never reads it' : 'not under refs/logbook/replicas/; Logbook never reads it';
      skipped.push({ ref, reason });
    }
  }
  return { tips: kept, skipped };
}

/** Every local ref under refs/logbook/ (loose or packed), through the same reader the store uses. */
async function localJournalTips(gitdir: string, refs: string[]): Promise<RefTips> {
  const tips: RefTips = {};
  for (const ref of refs) {
    const oid = await readRef(gitdir, ref);
    if (oid) tips[ref] = oid;
  }
  return tips;
}

/** What every sync needs: the repository, this replica, the remote and a transport to it. */
export async function setUp(options: SyncOptions) {
  const gitdir = options.gitdir ?? options.journal?.repo?.gitdir;
  if (!gitdir) throw new LogbookError('INVALID_INPUT', 'sync needs a journal stored in a git repository', { hint: 'pass { journal } opened with Journal.open, or { gitdir }' });
  const replica = options.replica ?? options.journal?.replica ?? readReplicaId(gitdir);
  if (!replica) throw new LogbookError('NOT_INITIALISED', `no Logbook journal in ${gitdir}`, { hint: 'run `logbook init` first' });
  // The environment is given, never read from the process here: git, credentials and proxies all come from it.
  const journalEnv = options.journal?.env;
  const env = options.env ?? (journalEnv && Object.keys(journalEnv).length ? journalEnv : undefined);
  if (!env) throw new LogbookError('INVALID_INPUT', 'sync needs the environment to run git and reach the remote with', { hint: 'pass { env: process.env } (or a journal opened with Journal.open({ env }))' });
  const cwd = options.cwd ?? options.journal?.repo?.workTree ?? gitdir;
  const step = (message: string) => options.onProgress?.({ kind: 'step', message });
  const remote = resolveRemote(options.remote ?? 'origin', gitdir, env, cwd);
  // From here on the remote is only named with its credentials masked.
  remote.given = maskUrl(remote.given);
  const own = `${REPLICA_PREFIX}${replica}`;
  const t = await openTransport(remote, { gitdir, env, cwd, progress: options.progress ?? false, interactive: options.interactive ?? false, onProgress: options.onProgress });
  return { gitdir, replica, remote, own, t, step };
}

/**
 * Fetch every `refs/logbook/*` of a remote and push this replica's ref,
 * fast-forward only. Throws `SYNC_FAILED` (transport), `REPLICA_COLLISION`
 * (this replica's ref was written elsewhere) with nothing changed locally.
 *
 * @example
 * const r = await sync({ journal, remote: 'origin' });
 * console.log(r.fetched.length, r.pushed.length);
 */
export async function sync(options: SyncOptions): Promise<SyncResult> {
  const { gitdir, replica, remote, own, t, step } = await setUp(options);
  const wantPush = options.push !== false;
  let skipped: SyncResult['skipped'] = [];
  const failed: SyncResult['failed'] = [];
  const result = (p: Plan): SyncResult => ({
    remote: remote.given,
    url: maskUrl(remote.fetchUrl),
    transport: t.kind,
    dryRun: options.dryRun ?? false,
    replica,
    fetched: p.fetch.map(({ expected: _e, ...c }) => c),
    pushed: wantPush && p.push ? [p.push] : [],
    behind: p.behind,
    refused: p.refused,
    pushSkipped: !wantPush,
    skipped,
    failed,
  });

  if (options.dryRun) {
    step(`listing journal refs on ${remote.display}`);
    const listed = replicaRefsOnly(await t.list());
    skipped = listed.skipped;
    const remoteTips = listed.tips;
    const local = await localJournalTips(gitdir, [...new Set([own, ...Object.keys(remoteTips)])]);
    const known = await t.has(Object.values(remoteTips));
    return result(await plan(t, own, local, remoteTips, known, remote.display, remote.given));
  }

  // With git the push need not wait for the fetch: a push without force can only fast-forward the
  // remote's copy of our ref, and is judged together with what the fetch found before any local ref moves.
  const early = wantPush && t.kind === 'git' ? await readRef(gitdir, own) : null;
  if (early) step(`pushing ${own} to ${remote.display}`);
  const pushing = early ? t.push(own, early).then((o) => ({ o }), (e: unknown) => ({ e })) : undefined;
  step(`fetching journal refs from ${remote.display}`);
  let fetched: Fetched;
  try {
    fetched = await t.fetch(Object.values(await listReplicaRefs(gitdir)));
  } catch (e) {
    await pushing;
    throw e;
  }
  try {
    const incoming = replicaRefsOnly(fetched.tips);
    skipped = incoming.skipped;
    // Decided while the push may still run (its outcome is judged against this plan below); a push failure still speaks first.
    const planning = localJournalTips(gitdir, [...new Set([own, ...Object.keys(incoming.tips)])])
      .then((local) => plan(t, own, local, incoming.tips, new Set(Object.values(incoming.tips)), remote.display, remote.given))
      .then((v) => ({ v }), (e: unknown) => ({ e }));
    const pushed = pushing ? await pushing : undefined;
    const planned = await planning; // never left running behind a failure
    if (pushed && 'e' in pushed) throw pushed.e;
    if ('e' in planned) throw planned.e;
    const p = planned.v;
    if (pushed && early) p.push = await afterPush(t, gitdir, own, early, pushed.o, p.push, remote.display, remote.given);
    else if (wantPush && p.push) {
      step(`pushing ${p.push.events} event(s) of ${own}`);
      p.push = await afterPush(t, gitdir, own, p.push.to, await t.push(own, p.push.to), p.push, remote.display, remote.given);
    }
    // One ref that cannot be updated never stops the others.
    for (const change of [...p.fetch]) {
      try {
        await fastForward(t, gitdir, change, p);
      } catch (e) {
        p.fetch = p.fetch.filter((f) => f !== change);
        failed.push({ ...withReplica(change.ref), message: (e as Error).message });
      }
    }
    return result(p);
  } finally {
    await fetched.cleanup();
  }
}

/**
 * What a push of `oid` did: the change to report, or an error. A non-fast-forward answer is
 * either a concurrent sync of this clone that pushed newer events first (fine) or a collision.
 */
async function afterPush(t: Transport, gitdir: string, own: string, oid: string, outcome: PushOutcome, planned: RefChange | undefined, display: string, given: string): Promise<RefChange | undefined> {
  if (outcome.ok) {
    if (outcome.upToDate) return undefined;
    if (planned && planned.to === oid && (outcome.from === undefined || outcome.from === planned.from)) return planned;
    const from = outcome.from === undefined ? (planned?.from ?? null) : outcome.from;
    return { ...withReplica(own), from, to: oid, events: (await t.compare(oid, from)).aOnly };
  }
  if (outcome.reason === 'rejected') {
    throw new LogbookError('SYNC_FAILED', `${display} refused ${own}: ${outcome.message}`, {
      hint: 'the remote must accept pushes to refs/logbook/* (check server hooks and permissions), or run `logbook sync --no-push` to only fetch; nothing was changed locally',
      data: { stage: 'push', reason: 'rejected' },
    });
  }
  const now = (await t.list())[own];
  const current = await readRef(gitdir, own);
  if (now && current && (await t.has([now])).has(now) && (await t.compare(current, now)).bOnly === 0) return undefined;
  const replica = replicaOf(own)!;
  throw new LogbookError('REPLICA_COLLISION', `${display} rejected ${own} as not a fast-forward (${outcome.message}): another clone pushed to this clone's own ref, so it uses the same replica id ${replica}`, {
    hint: collisionHint(replica, 'diverged', given),
    data: { replica, ref: own, local: oid, remote: now ?? null, kind: 'diverged' },
  });
}

/** Move a local copy of another replica's ref forward by compare-and-swap; re-decide if it moved meanwhile. */
async function fastForward(t: Transport, gitdir: string, change: RefChange & { expected: string | null }, p: Plan): Promise<void> {
  let expected = change.expected;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await compareAndSwapRef(gitdir, change.ref, expected, change.to);
      return;
    } catch (e) {
      if (!isLogbookError(e, 'CONFLICT')) throw e;
      const current = await readRef(gitdir, change.ref);
      if (current === change.to) return;
      if (current !== null) {
        const c = await t.compare(current, change.to);
        if (c.bOnly === 0) {
          // Something else (another sync, a stock git fetch) already moved it at least this far.
          p.fetch = p.fetch.filter((f) => f !== change);
          return;
        }
        if (c.aOnly > 0) {
          p.fetch = p.fetch.filter((f) => f !== change);
          p.refused.push({ ...withReplica(change.ref), local: current, remote: change.to, localOnly: c.aOnly, remoteOnly: c.bOnly });
          return;
        }
        change.events = c.bOnly;
        change.from = current;
      }
      expected = current;
    }
  }
  throw new LogbookError('LOCKED', `${change.ref} kept moving while sync tried to update it`, { hint: 'run `logbook sync` again' });
}


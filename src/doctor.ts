/**
 * `logbook doctor`: verify the whole journal and say plainly what is wrong.
 *
 * Checks every commit of every replica ref (it parses, its event validates,
 * it is not a foreign commit), the Lamport clocks (strictly increasing along a
 * ref, no event id with two contents), that each ref only moved forward since
 * the cache last saw it, signs of a replica id shared by two clones, lock files
 * left by killed processes, the cache against the refs, and that every loose
 * object inflates and hashes to its name.
 *
 * Nothing is changed unless `repair` is set, and repair is conservative: it
 * removes stale locks and leftovers, drops and rebuilds the disposable cache,
 * restores a damaged journal object only when it can rebuild it byte for byte
 * (the hash proves it), keeps a rewritten history reachable under
 * `refs/logbook-rescued/`, and moves a corrupt loose object aside only when no
 * ref reaches it. It never deletes an event and never moves a ref backwards.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import stringify from 'fast-json-stable-stringify';
import { parseStoredEvent, type JournalEvent } from './events.js';
import { readReplicaId } from './repo.js';
import { CACHE_VERSION, EMPTY_TREE, GitStore, commitMessage, durableFs, payloadOf } from './store/git.js';
import { commitBody, objectId, writeLooseObject } from './store/objects.js';
import { checkSearchIndex } from './search/doctor.js';
import { REPLICA_PREFIX, STALE_LOCK_MS, compareAndSwapRef, readRef, stealIfStale } from './store/refs.js';

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
  /** Injected for tests. */
  now?: () => number;
  staleMs?: number;
}

const OID = /^[0-9a-f]{40}$/;
/** isomorphic-git is loaded on first use, as the store does, so that `logbook` starts fast. */
const readCommit: typeof import('isomorphic-git').readCommit = async (args) => (await import('isomorphic-git')).readCommit(args);
const RESCUE_PREFIX = 'refs/logbook-rescued/';

interface WalkedCommit {
  oid: string;
  parents: string[];
  event?: JournalEvent;
}

interface CacheMetaFile {
  version?: unknown;
  replicas?: Record<string, { tip?: unknown; bytes?: unknown }>;
  rewrites?: Array<{ replica: string; from: string; to: string | null }>;
}

type CacheLine = { c: string; e?: JournalEvent; u?: unknown };

/** Everything one pass found, and what repair needs to act on it. */
interface Pass {
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
  /** Old tips of rewritten refs: replica -> old tip. */
  rewritten: Array<{ replica: string; from: string }>;
  cacheBad: boolean;
}

function errnoCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out;
}

async function readPacked(gitdir: string): Promise<Map<string, string>> {
  const refs = new Map<string, string>();
  let text = '';
  try {
    text = await fsp.readFile(path.join(gitdir, 'packed-refs'), 'utf8');
  } catch {
    return refs;
  }
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{40}) (\S+)$/.exec(line);
    if (m) refs.set(m[2]!, m[1]!);
  }
  return refs;
}

type LooseRead = { type: string; content: Buffer } | { problem: string };

/** A loose object, verified (inflates, header matches, hashes to its name); undefined when there is no such file. */
async function readLooseObject(file: string, oid: string): Promise<LooseRead | undefined> {
  let raw: Buffer;
  try {
    // Synchronous: thousands of tiny files, where thread-pool round trips would cost more than the reads.
    raw = readFileSync(file);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    return { problem: `cannot be read (${errnoCode(e) ?? String(e)})` };
  }
  if (raw.length === 0) return { problem: 'is empty (truncated by a crash?)' };
  let body: Buffer;
  try {
    body = inflateSync(raw);
  } catch {
    return { problem: `does not inflate (${raw.length} bytes, truncated or overwritten)` };
  }
  const nul = body.indexOf(0);
  const header = nul > 0 ? body.subarray(0, nul).toString('latin1') : '';
  const m = /^(commit|tree|blob|tag) (\d+)$/.exec(header);
  if (!m) return { problem: 'has no valid object header' };
  if (Number(m[2]) !== body.length - nul - 1) return { problem: `is ${body.length - nul - 1} bytes long but its header says ${m[2]}` };
  const sha = createHash('sha1').update(body).digest('hex');
  if (sha !== oid) return { problem: `hashes to ${sha}, not to its name` };
  return { type: m[1]!, content: body.subarray(nul + 1) };
}

async function checkLooseObject(file: string, oid: string): Promise<string | undefined> {
  const r = await readLooseObject(file, oid);
  return r === undefined ? 'is missing' : 'problem' in r ? r.problem : undefined;
}

/** The parts of a commit object the doctor needs. */
function parseCommit(content: Buffer): { tree: string; parent: string[]; message: string } {
  const text = content.toString('utf8');
  const end = text.indexOf('\n\n');
  const header = end < 0 ? text : text.slice(0, end);
  const lines = header.split('\n');
  return {
    tree: lines.find((l) => l.startsWith('tree '))?.slice(5) ?? '',
    parent: lines.filter((l) => l.startsWith('parent ')).map((l) => l.slice(7)),
    message: end < 0 ? '' : text.slice(end + 2),
  };
}

/** Does any pack index list `oid`? (Then a broken loose copy can simply go.) */
async function inPack(gitdir: string, oid: string): Promise<boolean> {
  const dir = path.join(gitdir, 'objects', 'pack');
  let names: string[] = [];
  try {
    names = (await fsp.readdir(dir)).filter((n) => n.endsWith('.idx'));
  } catch {
    return false;
  }
  const want = Buffer.from(oid, 'hex');
  for (const name of names) {
    const idx = await fsp.readFile(path.join(dir, name)).catch(() => undefined);
    if (!idx || idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) continue;
    const fan = 8;
    const first = want[0]!;
    let lo = first === 0 ? 0 : idx.readUInt32BE(fan + (first - 1) * 4);
    let hi = idx.readUInt32BE(fan + first * 4);
    const names0 = fan + 256 * 4;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = Buffer.compare(idx.subarray(names0 + mid * 20, names0 + mid * 20 + 20), want);
      if (c === 0) return true;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
  }
  return false;
}

function runGit(gitdir: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', [`--git-dir=${gitdir}`, ...args], { maxBuffer: 1 << 30 }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}

async function readCacheMeta(cacheDir: string): Promise<{ meta?: CacheMetaFile; problem?: string; missing?: boolean }> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(cacheDir, 'meta.json'), 'utf8');
  } catch {
    return { missing: true };
  }
  try {
    const meta = JSON.parse(text) as CacheMetaFile;
    if (!meta || typeof meta !== 'object') return { problem: 'meta.json is not a JSON object' };
    return { meta };
  } catch {
    return { problem: 'meta.json is not valid JSON' };
  }
}

async function readCacheLines(cacheDir: string, replica: string, bytes: number): Promise<CacheLine[] | string> {
  let buf: Buffer;
  try {
    buf = await fsp.readFile(path.join(cacheDir, `${replica}.ndjson`));
  } catch {
    return `${replica}.ndjson is missing`;
  }
  if (buf.length < bytes) return `${replica}.ndjson is ${buf.length} bytes, meta.json vouches for ${bytes}`;
  const text = buf.subarray(0, bytes).toString('utf8');
  try {
    return text ? text.trimEnd().split('\n').map((l) => JSON.parse(l) as CacheLine) : [];
  } catch {
    return `${replica}.ndjson holds a line that is not JSON`;
  }
}

class Doctor {
  private readonly gitdir: string;
  private readonly cacheDir: string;
  private readonly now: () => number;
  private readonly staleMs: number;
  private readonly objectCache = {};

  constructor(options: DoctorOptions) {
    this.gitdir = options.gitdir;
    this.cacheDir = path.join(options.gitdir, 'logbook', 'cache');
    this.now = options.now ?? Date.now;
    this.staleMs = options.staleMs ?? STALE_LOCK_MS;
  }

  async examine(): Promise<Pass> {
    const pass: Pass = {
      findings: [],
      replicas: [],
      walked: new Map(),
      journalObjects: new Set([EMPTY_TREE]),
      looseObjects: 0,
      broken: new Map(),
      corruptLoose: [],
      verified: new Set(),
      staleFiles: [],
      rewritten: [],
      cacheBad: false,
    };
    const add = (f: Finding) => pass.findings.push(f);
    const local = readReplicaId(this.gitdir);
    if (!local) add({ check: 'refs', code: 'not-initialised', severity: 'info', message: 'this clone has no replica id yet', hint: 'run `logbook init` to write events from here' });

    const tips = await this.checkRefs(add);
    for (const [replica, tip] of Object.entries(tips).sort()) {
      const commits = await this.walkReplica(replica, tip, pass, add);
      pass.walked.set(replica, commits);
      pass.replicas.push({
        replica,
        tip,
        commits: commits.length,
        events: commits.filter((c) => c.event).length,
        unreadable: commits.filter((c) => !c.event).length,
        local: replica === local,
      });
    }
    this.checkClocks(pass, add);
    await this.checkHistory(tips, pass, add);
    await this.checkLocks(pass, add);
    await this.checkCache(tips, pass, add);
    for (const f of checkSearchIndex({ gitdir: this.gitdir, tips, events: [...pass.walked.values()].flatMap((cs) => cs.flatMap((c) => (c.event ? [c.event] : []))) })) {
      add(f);
      pass.cacheBad = true; // --repair drops the cache, the index with it
    }
    await this.checkLooseObjects(pass, add);
    return pass;
  }

  /** Every ref under refs/logbook/: replica tips, and anything malformed. */
  private async checkRefs(add: (f: Finding) => void): Promise<Record<string, string>> {
    const tips: Record<string, string> = {};
    for (const [ref, oid] of await readPacked(this.gitdir)) {
      if (ref.startsWith(REPLICA_PREFIX)) tips[ref.slice(REPLICA_PREFIX.length)] = oid;
    }
    const root = path.join(this.gitdir, 'refs', 'logbook');
    for (const file of await listFiles(root)) {
      const ref = path.relative(this.gitdir, file).split(path.sep).join('/');
      if (ref.endsWith('.lock') || ref.includes('.stale-')) continue; // the locks check reports these
      if (!ref.startsWith(REPLICA_PREFIX) || ref.slice(REPLICA_PREFIX.length).includes('/')) {
        add({ check: 'refs', code: 'other-ref', severity: 'info', message: `${ref} is not a replica ref; Logbook does not read it`, path: ref });
        continue;
      }
      const replica = ref.slice(REPLICA_PREFIX.length);
      const value = (await fsp.readFile(file, 'utf8').catch(() => '')).trim();
      if (!OID.test(value)) {
        add({
          check: 'refs',
          code: 'bad-ref',
          severity: 'error',
          replica,
          path: ref,
          message: `${ref} does not hold a commit id (${value ? `"${value.slice(0, 60)}"` : 'empty'}); its events are invisible`,
          hint: 'restore it from a clone or from `git reflog`, e.g. `git update-ref ' + ref + ' <commit>`',
        });
        delete tips[replica];
        continue;
      }
      tips[replica] = value;
    }
    for (const replica of Object.keys(tips)) {
      if (!/^[0-9a-z]{8,32}$/.test(replica)) {
        add({ check: 'refs', code: 'odd-ref-name', severity: 'warning', replica, message: `replica ref ${REPLICA_PREFIX}${replica} is not named like a replica id (8-32 of a-z, 0-9)`, hint: 'Logbook never creates such a ref; was it pushed by another tool?' });
      }
    }
    return tips;
  }

  /** First-parent walk from the tip: every commit read, parsed and validated. Oldest first. */
  private async walkReplica(replica: string, tip: string, pass: Pass, add: (f: Finding) => void): Promise<WalkedCommit[]> {
    const commits: WalkedCommit[] = [];
    let oid: string | undefined = tip;
    while (oid) {
      pass.journalObjects.add(oid);
      let commit: { tree: string; parent: string[]; message: string };
      try {
        // Loose objects (every recent append) are read and verified here directly; packed ones through isomorphic-git.
        const loose = await readLooseObject(path.join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2)), oid);
        if (loose && 'problem' in loose) throw new Error(`its loose object ${loose.problem}`);
        if (loose && loose.type !== 'commit') throw new Error(`it is a ${loose.type}, not a commit`);
        if (loose) pass.verified.add(oid);
        commit = loose ? parseCommit(loose.content) : (await readCommit({ fs: durableFs, gitdir: this.gitdir, oid, cache: this.objectCache })).commit;
      } catch (e) {
        const missing = (e as { code?: string }).code === 'NotFoundError';
        pass.broken.set(oid, replica);
        add({
          check: 'objects',
          code: missing ? 'missing-object' : 'corrupt-object',
          severity: 'error',
          replica,
          commit: oid,
          fixable: true,
          message: missing
            ? `commit ${oid} of replica ${replica} is missing (${commits.length} newer commits read); older events of this replica cannot be read`
            : `commit ${oid} of replica ${replica} is damaged: ${(e as Error).message}`,
          hint: '`logbook doctor --repair` rebuilds it from the cache when it can; otherwise fetch the journal again from a clone that has it',
        });
        break;
      }
      const walked: WalkedCommit = { oid, parents: commit.parent };
      if (commit.parent.length > 1) {
        add({ check: 'events', code: 'merge-commit', severity: 'warning', replica, commit: oid, message: `commit ${oid} on replica ${replica} is a merge; Logbook follows only its first parent`, hint: 'Logbook never writes merges: the ref was changed by another tool' });
      }
      let raw: unknown;
      let noBody = false;
      try {
        raw = payloadOf(commit.message);
      } catch {
        noBody = true;
      }
      const parsed = noBody ? undefined : parseStoredEvent(raw);
      if (noBody) {
        add({
          check: 'events',
          code: 'foreign-commit',
          severity: 'error',
          replica,
          commit: oid,
          message: `commit ${oid} on replica ${replica} is not a Logbook event: "${commit.message.split('\n')[0]!.slice(0, 60)}"`,
          hint: 'Logbook skips it and keeps it; it was written by hand or another tool (see docs/safety.md to remove it by rewriting the ref)',
        });
      } else if (parsed && !parsed.ok) {
        const future = parsed.v !== undefined ? parsed.v > 1 : parsed.reason.startsWith('unknown event type');
        add({
          check: 'events',
          code: future ? 'future-event' : 'invalid-event',
          severity: future ? 'info' : 'error',
          replica,
          commit: oid,
          message: `commit ${oid} on replica ${replica}: ${parsed.reason}`,
          ...(future ? { hint: 'kept as is; upgrade Logbook to read it' } : { hint: 'Logbook skips it and keeps it; it was edited by hand or written by a broken tool' }),
        });
      } else if (parsed?.ok) {
        walked.event = parsed.event;
        if (commit.tree !== EMPTY_TREE) {
          add({ check: 'events', code: 'files-in-commit', severity: 'warning', replica, commit: oid, message: `commit ${oid} on replica ${replica} carries files (tree ${commit.tree}); Logbook commits never do` });
        }
        if (parsed.event.replica !== replica) {
          add({
            check: 'replicas',
            code: 'replica-mismatch',
            severity: 'error',
            replica,
            commit: oid,
            message: `event ${parsed.event.id} on ref of replica ${replica} says it was written by replica ${parsed.event.replica}`,
            hint: 'a ref was copied or two clones share a replica id (a copied .git): give one clone a new id with `git config --unset logbook.replica && logbook init`',
          });
        }
      }
      commits.push(walked);
      oid = commit.parent[0];
    }
    return commits.reverse();
  }

  private checkClocks(pass: Pass, add: (f: Finding) => void): void {
    const byId = new Map<string, { json: string; replica: string; commit: string }>();
    for (const [replica, commits] of pass.walked) {
      let prev: { clock: number; oid: string } | undefined;
      for (const c of commits) {
        if (!c.event) continue;
        if (prev && c.event.clock <= prev.clock) {
          add({
            check: 'clocks',
            code: 'clock-order',
            severity: 'error',
            replica,
            commit: c.oid,
            message: `commit ${c.oid} on replica ${replica} has clock ${c.event.clock}, not above its predecessor's ${prev.clock} (${prev.oid.slice(0, 12)})`,
            hint: 'Logbook always raises the clock; this ref was assembled by hand or by two writers sharing a replica id',
          });
        }
        prev = { clock: c.event.clock, oid: c.oid };
        const json = stringify(c.event);
        const seen = byId.get(c.event.id);
        if (!seen) byId.set(c.event.id, { json, replica, commit: c.oid });
        else if (seen.json !== json) {
          add({
            check: 'clocks',
            code: 'duplicate-id',
            severity: 'error',
            replica,
            commit: c.oid,
            message: `event id ${c.event.id} appears with different content in commit ${seen.commit.slice(0, 12)} (${seen.replica}) and ${c.oid.slice(0, 12)} (${replica}); views show only one`,
            hint: 'an event was edited by hand and re-committed; compare the two with `git show`',
          });
        }
      }
    }
  }

  /** Each ref only moved forward: against the tips the cache last saw, and rewrites recorded by earlier reads. */
  private async checkHistory(tips: Record<string, string>, pass: Pass, add: (f: Finding) => void): Promise<void> {
    const { meta } = await readCacheMeta(this.cacheDir);
    const suspects: Array<{ replica: string; from: string; to: string | null }> = [];
    if (meta?.replicas && typeof meta.replicas === 'object') {
      for (const [replica, entry] of Object.entries(meta.replicas)) {
        const from = entry?.tip;
        if (typeof from !== 'string' || !OID.test(from)) continue;
        const to = tips[replica] ?? null;
        if (to === from) continue;
        if (to && pass.walked.get(replica)?.some((c) => c.oid === from)) continue; // moved forward
        if (to && pass.broken.size && [...pass.broken.values()].includes(replica)) continue; // cannot tell: objects check reports it
        suspects.push({ replica, from, to });
      }
    }
    for (const r of Array.isArray(meta?.rewrites) ? meta!.rewrites! : []) {
      if (!r || typeof r.from !== 'string' || !OID.test(r.from) || suspects.some((s) => s.replica === r.replica && s.from === r.from)) continue;
      if (pass.walked.get(r.replica)?.some((c) => c.oid === r.from)) continue; // the ref holds the old tip again (restored)
      suspects.push(r);
    }
    for (const { replica, from, to } of suspects) {
      const old = await this.firstParentChain(from);
      const current = tips[replica] ?? null;
      const lost = old ? old.filter((oid) => !pass.walked.get(replica)?.some((c) => c.oid === oid)).length : undefined;
      const rescued = await readRef(this.gitdir, `${RESCUE_PREFIX}${replica}/${from}`);
      if (rescued === from) continue; // already kept by an earlier repair
      const what =
        current === null
          ? `replica ref ${replica} was deleted (it pointed at ${from.slice(0, 12)})`
          : old?.includes(current)
            ? `replica ref ${replica} moved backwards from ${from.slice(0, 12)} to ${current.slice(0, 12)}`
            : `replica ref ${replica} was rewritten: it no longer contains ${from.slice(0, 12)}${to && to !== current ? ` (seen moving to ${to.slice(0, 12)})` : ''}`;
      add({
        check: 'history',
        code: current === null ? 'ref-deleted' : 'moved-backwards',
        severity: 'error',
        replica,
        commit: from,
        fixable: old !== undefined,
        message: `${what}; ${lost === undefined ? 'the old commits are no longer in this repository' : `${lost} commit(s) of the old history are not on the ref`}`,
        hint:
          old !== undefined
            ? '`logbook doctor --repair` keeps the old history reachable under refs/logbook-rescued/ so git gc cannot delete it; if it was not intended, restore the ref with `git update-ref`'
            : 'fetch the journal from a clone that still has the old history',
      });
      if (old !== undefined) pass.rewritten.push({ replica, from });
    }
    for (const file of await listFiles(path.join(this.gitdir, ...RESCUE_PREFIX.split('/').filter(Boolean)))) {
      const ref = path.relative(this.gitdir, file).split(path.sep).join('/');
      add({ check: 'history', code: 'rescued-history', severity: 'info', path: ref, message: `an old history is kept at ${ref}`, hint: `inspect it with \`git log ${ref}\`; delete the ref when you no longer need it` });
    }
  }

  private async firstParentChain(oid: string): Promise<string[] | undefined> {
    const chain: string[] = [];
    let at: string | undefined = oid;
    while (at) {
      try {
        const { commit } = await readCommit({ fs: durableFs, gitdir: this.gitdir, oid: at, cache: this.objectCache });
        chain.push(at);
        at = commit.parent[0];
      } catch {
        return chain.length ? chain : undefined;
      }
    }
    return chain;
  }

  private async checkLocks(pass: Pass, add: (f: Finding) => void): Promise<void> {
    const candidates = [
      ...(await listFiles(path.join(this.gitdir, 'refs', 'logbook'))),
      ...(await listFiles(path.join(this.gitdir, 'refs', 'logbook-rescued'))),
      ...(await listFiles(this.cacheDir)),
    ];
    for (const dir of await fsp.readdir(path.join(this.gitdir, 'objects')).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{2}$/.test(dir)) continue;
      for (const name of await fsp.readdir(path.join(this.gitdir, 'objects', dir)).catch(() => [] as string[])) {
        if (name.includes('.tmp-') || name.startsWith('tmp_obj_')) candidates.push(path.join(this.gitdir, 'objects', dir, name));
      }
    }
    for (const file of candidates) {
      const name = path.basename(file);
      const lock = name.endsWith('.lock');
      const gitTemp = name.startsWith('tmp_obj_');
      if (!lock && !gitTemp && !name.includes('.stale-') && !name.includes('.tmp-')) continue;
      const stat = await fsp.stat(file).catch(() => undefined);
      if (!stat) continue;
      const age = this.now() - stat.mtimeMs;
      const rel = path.relative(this.gitdir, file);
      if (gitTemp) {
        // git's own temp-file name (Logbook uses it too): harmless, ignored by fsck, removed by `git gc`.
        if (age >= this.staleMs) add({ check: 'locks', code: 'temp-object', severity: 'info', path: rel, message: `${rel} is an unfinished object write (${Math.round(age / 1000)} s old)`, hint: '`git gc` removes it' });
        continue;
      }
      if (age < this.staleMs) {
        add({ check: 'locks', code: 'busy-lock', severity: 'info', path: rel, message: `${rel} is in use (${Math.round(age)} ms old): a Logbook or git process is writing` });
        continue;
      }
      pass.staleFiles.push({ file, lock });
      // In the disposable cache a leftover costs nothing (readers skip or steal it); under refs/ or objects/ it blocks writers or upsets git.
      const inCache = !path.relative(this.cacheDir, file).startsWith('..');
      add({
        check: 'locks',
        code: lock ? 'stale-lock' : 'leftover-file',
        severity: inCache ? 'info' : 'warning',
        path: rel,
        fixable: true,
        message: lock ? `${rel} was left by a process that died ${Math.round(age / 1000)} s ago` : `${rel} is a temp file left by a process that died`,
        hint: lock ? 'Logbook steals such locks after 3 s by itself; `logbook doctor --repair` removes it' : '`logbook doctor --repair` removes it',
      });
    }
  }

  private async checkCache(tips: Record<string, string>, pass: Pass, add: (f: Finding) => void): Promise<void> {
    const { meta, problem, missing } = await readCacheMeta(this.cacheDir);
    const bad = (message: string, severity: Severity = 'warning') => {
      pass.cacheBad = true;
      add({ check: 'cache', code: severity === 'error' ? 'cache-mismatch' : 'cache-corrupt', severity, message, fixable: true, hint: 'the cache is disposable: `logbook doctor --repair` rebuilds it from the refs' });
    };
    if (missing) {
      if (Object.keys(tips).length) add({ check: 'cache', code: 'cache-missing', severity: 'info', message: 'no cache yet: the next command builds it' });
      return;
    }
    if (problem) return bad(`the cache is corrupt: ${problem}`);
    if (meta!.version !== CACHE_VERSION) {
      pass.cacheBad = true;
      add({ check: 'cache', code: 'cache-version', severity: 'info', fixable: true, message: `the cache has format version ${String(meta!.version)}, this Logbook uses ${CACHE_VERSION}: it is rebuilt at the next command` });
      return;
    }
    if (!meta!.replicas || typeof meta!.replicas !== 'object') return bad('the cache is corrupt: meta.json has no replicas');
    // Saved views beside the event cache (sessions, items): they must at least parse.
    for (const file of await listFiles(this.cacheDir)) {
      const name = path.basename(file);
      if (!name.endsWith('.json') || name === 'meta.json') continue;
      try {
        JSON.parse(await fsp.readFile(file, 'utf8'));
      } catch {
        bad(`the cache file ${name} is corrupt`);
      }
    }
    if (Array.isArray(meta!.rewrites) && meta!.rewrites.length) pass.cacheBad = true; // dropped once the rewrites are dealt with
    for (const [replica, entry] of Object.entries(meta!.replicas)) {
      if (!entry || typeof entry.tip !== 'string' || typeof entry.bytes !== 'number') {
        bad(`the cache entry of replica ${replica} is malformed`);
        continue;
      }
      const lines = await readCacheLines(this.cacheDir, replica, entry.bytes);
      if (typeof lines === 'string') {
        bad(`the cache is corrupt: ${lines}`);
        continue;
      }
      const walked = pass.walked.get(replica);
      if (!walked || tips[replica] === undefined) continue; // the history check reports a vanished ref
      if ([...pass.broken.values()].includes(replica)) continue; // partly unreadable: the objects check reports it
      const upTo = walked.findIndex((c) => c.oid === entry.tip);
      if (upTo < 0) continue; // rewritten or unreadable: reported by history/objects
      const expected = walked.slice(0, upTo + 1);
      const bodyOf = (c: WalkedCommit) => (c.event ? stringify(c.event) : '');
      const mismatch =
        lines.length !== expected.length
          ? `${lines.length} cached commits, the ref has ${expected.length} up to the cached tip`
          : lines.findIndex((l, i) => l.c !== expected[i]!.oid || (l.e ? stringify(l.e) : '') !== bodyOf(expected[i]!));
      if (typeof mismatch === 'string') bad(`the cache of replica ${replica} does not match its ref: ${mismatch}`, 'error');
      else if (mismatch >= 0) bad(`the cache of replica ${replica} does not match its ref at commit ${expected[mismatch]!.oid} (views may show wrong text)`, 'error');
    }
  }

  private async checkLooseObjects(pass: Pass, add: (f: Finding) => void): Promise<void> {
    const objects = path.join(this.gitdir, 'objects');
    for (const dir of await fsp.readdir(objects).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{2}$/.test(dir)) continue;
      for (const name of await fsp.readdir(path.join(objects, dir)).catch(() => [] as string[])) {
        if (!/^[0-9a-f]{38}$/.test(name)) continue;
        pass.looseObjects++;
        const oid = dir + name;
        if (pass.verified.has(oid)) continue;
        const problem = await checkLooseObject(path.join(objects, dir, name), oid);
        if (!problem) continue;
        const journal = pass.journalObjects.has(oid);
        if (journal) {
          if (!pass.broken.has(oid)) pass.broken.set(oid, [...pass.walked].find(([, cs]) => cs.some((c) => c.oid === oid))?.[0] ?? '');
          // The walk already reported an unreadable commit; report the file once more only when the walk read it fine (e.g. from a pack).
          if (pass.findings.some((f) => f.commit === oid && f.check === 'objects')) continue;
        } else pass.corruptLoose.push(oid);
        add({
          check: 'objects',
          code: 'corrupt-loose-object',
          severity: journal ? 'error' : 'warning',
          commit: oid,
          path: path.join('objects', dir, name),
          fixable: true,
          message: `loose object ${oid} ${problem}${journal ? ' (a journal object)' : ''}`,
          hint: journal
            ? '`logbook doctor --repair` restores it when the cache or a pack can vouch for it'
            : '`logbook doctor --repair` moves it to .git/logbook/quarantine/ if no ref reaches it; otherwise run `git fsck --full`',
        });
      }
    }
  }

  /** Apply the safe repairs for what `pass` found; returns what was done. */
  async repair(pass: Pass): Promise<string[]> {
    const done: string[] = [];
    // 1. Keep rewritten histories reachable before anything else can lose track of them.
    for (const { replica, from } of pass.rewritten) {
      const ref = `${RESCUE_PREFIX}${replica}/${from}`;
      try {
        await compareAndSwapRef(this.gitdir, ref, null, from);
        done.push(`kept the old history of replica ${replica} at ${ref}`);
      } catch (e) {
        done.push(`could not keep the old history of replica ${replica}: ${(e as Error).message}`);
      }
    }
    // 2. Stale locks and leftovers.
    for (const { file, lock } of pass.staleFiles) {
      const rel = path.relative(this.gitdir, file);
      if (lock) {
        if ((await stealIfStale(file, this.staleMs)) && !(await fsp.stat(file).catch(() => undefined))) done.push(`removed stale lock ${rel}`);
      } else if (await fsp.unlink(file).then(() => true, () => false)) done.push(`removed leftover ${rel}`);
    }
    // 3. Broken journal objects: rebuilt from the cache (the hash proves the bytes), or dropped when a pack holds a good copy.
    const cacheLines = new Map<string, CacheLine[]>();
    const { meta } = await readCacheMeta(this.cacheDir);
    for (const [oid, replica] of pass.broken) {
      const loose = path.join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
      if (oid === EMPTY_TREE) {
        writeLooseObject(this.gitdir, 'tree', Buffer.alloc(0), { replace: true });
        done.push(`rewrote the empty tree object ${oid}`);
        continue;
      }
      let restored = false;
      for (const r of replica ? [replica] : Object.keys(meta?.replicas ?? {})) {
        const entry = meta?.replicas?.[r];
        if (!cacheLines.has(r) && entry && typeof entry.bytes === 'number') {
          const lines = await readCacheLines(this.cacheDir, r, entry.bytes);
          if (typeof lines !== 'string') cacheLines.set(r, lines);
        }
        const lines = cacheLines.get(r) ?? [];
        const i = lines.findIndex((l) => l.c === oid);
        if (i < 0 || !lines[i]!.e) continue;
        const e = lines[i]!.e!;
        const body = commitBody({ tree: EMPTY_TREE, parent: i > 0 ? lines[i - 1]!.c : null, name: e.actor.name, email: e.actor.email, seconds: Math.floor(Date.parse(e.at) / 1000), message: commitMessage(e) });
        if (objectId('commit', body) !== oid) continue; // the hash proves the bytes
        writeLooseObject(this.gitdir, 'commit', body, { replace: true });
        done.push(`restored journal commit ${oid} of replica ${r} from the cache`);
        restored = true;
        break;
      }
      const copy = restored ? undefined : await readLooseObject(loose, oid);
      if (copy && 'problem' in copy && (await inPack(this.gitdir, oid))) {
        await this.quarantine(oid);
        done.push(`moved the damaged loose copy of ${oid} aside (a pack holds a good copy)`);
      }
    }
    // 4. Corrupt loose objects outside the journal: only when no ref, reflog or index reaches them.
    if (pass.corruptLoose.length) {
      const reachable = await runGit(this.gitdir, ['rev-list', '--objects', '--all', '--reflog', '--indexed-objects']);
      for (const oid of pass.corruptLoose) {
        if (await inPack(this.gitdir, oid)) {
          await this.quarantine(oid);
          done.push(`moved the damaged loose copy of ${oid} aside (a pack holds a good copy)`);
        } else if (reachable !== undefined && !reachable.includes(oid)) {
          await this.quarantine(oid);
          done.push(`moved unreachable damaged object ${oid} to .git/logbook/quarantine/`);
        }
      }
    }
    // 5. The cache last: dropped and rebuilt from the (repaired) refs.
    if (pass.cacheBad || pass.rewritten.length || done.some((d) => d.startsWith('restored'))) {
      // Everything in it: event lines, meta.json and the saved views (a lock was dealt with above).
      for (const file of await listFiles(this.cacheDir)) if (!file.endsWith('.lock')) await fsp.unlink(file).catch(() => undefined);
      try {
        await new GitStore(this.gitdir).read();
        done.push('rebuilt the cache from the refs');
      } catch (e) {
        done.push(`dropped the cache; rebuilding it failed: ${(e as Error).message}`);
      }
    }
    return done;
  }

  private async quarantine(oid: string): Promise<void> {
    const dir = path.join(this.gitdir, 'logbook', 'quarantine');
    await fsp.mkdir(dir, { recursive: true });
    await fsp.rename(path.join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2)), path.join(dir, oid));
  }
}

/**
 * Check the journal of the repository at `gitdir`; with `repair`, fix what
 * can be fixed safely and check again. The report is the state afterwards.
 *
 * @example const report = await runDoctor({ gitdir: repo.gitdir }); if (!report.healthy) …
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const doctor = new Doctor(options);
  let pass = await doctor.examine();
  let repairs: string[] = [];
  if (options.repair) {
    repairs = await doctor.repair(pass);
    if (repairs.length) pass = await doctor.examine();
  }
  const problems = pass.findings.filter((f) => f.severity !== 'info');
  return {
    gitdir: options.gitdir,
    replica: readReplicaId(options.gitdir),
    healthy: problems.length === 0,
    replicas: pass.replicas,
    checks: (Object.keys(doctorChecks) as CheckId[]).map((id) => ({ id, title: doctorChecks[id], ok: !problems.some((f) => f.check === id) })),
    findings: pass.findings,
    repairs,
    stats: {
      commits: pass.replicas.reduce((n, r) => n + r.commits, 0),
      events: pass.replicas.reduce((n, r) => n + r.events, 0),
      looseObjects: pass.looseObjects,
    },
  };
}

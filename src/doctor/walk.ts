/**
 * Reading every commit of every replica ref, checking each one (it parses,
 * its event validates, it is no foreign commit), and the clocks along them.
 * One `git log` per replica where git is installed; object by object through
 * the store (verifying loose objects on the way) where it is not, or where
 * that `git log` fails on a missing or damaged object and the damage has to
 * be located.
 */
import stringify from 'fast-json-stable-stringify';
import { parseStoredEvent } from '../events.js';
import { durableFs, type CacheLine } from '../store/git.js';
import { runGit } from '../store/gitBinary.js';
import { EMPTY_TREE, parseCommitBody, verifyLooseObject } from '../store/objects.js';
import type { Add, Ctx, Pass, WalkedCommit } from './types.js';

/** isomorphic-git is loaded on first use, as the store does, so that `logbook` starts fast. */
const readCommit: typeof import('isomorphic-git').readCommit = async (args) => (await import('isomorphic-git')).readCommit(args);

interface RawCommit {
  oid: string;
  parents: string[];
  tree: string;
  message: string;
}

/** First-parent walk from the tip: every commit read, parsed and validated. Oldest first. */
export async function walkReplica(ctx: Ctx, replica: string, tip: string, pass: Pass, add: Add): Promise<WalkedCommit[]> {
  const bulk = ctx.gitBinary ? await walkWithGit(ctx, tip) : undefined;
  if (bulk) return bulk.map((c) => checkCommit(replica, c, pass, add)).reverse();
  return walkObjects(ctx, replica, tip, pass, add);
}

/** Newest first; undefined when git cannot read the whole chain (then the object walk says where it breaks). */
async function walkWithGit(ctx: Ctx, tip: string): Promise<RawCommit[] | undefined> {
  const run = await runGit(ctx.gitBinary!, ctx.gitdir, undefined, ['log', '--first-parent', '--format=%x1e%H%x1f%P%x1f%T%x1f%B', tip, '--'], ctx.env);
  if (!run || run.code !== 0) return undefined;
  const out: RawCommit[] = [];
  for (const record of run.stdout.split('\x1e')) {
    if (!record) continue;
    const [oid, parents, tree, message] = record.split('\x1f') as [string, string, string, string];
    out.push({ oid, parents: parents ? parents.split(' ') : [], tree, message: message.replace(/\n$/, '') });
  }
  return out;
}

async function walkObjects(ctx: Ctx, replica: string, tip: string, pass: Pass, add: Add): Promise<WalkedCommit[]> {
  const commits: WalkedCommit[] = [];
  let oid: string | undefined = tip;
  while (oid) {
    let commit: { tree: string; parent: string[]; message: string };
    try {
      // Loose objects (every recent append) are read and verified here directly; packed ones through isomorphic-git.
      const loose = verifyLooseObject(ctx.gitdir, oid);
      if (loose && 'problem' in loose) throw new Error(`its loose object ${loose.problem}`);
      if (loose && loose.type !== 'commit') throw new Error(`it is a ${loose.type}, not a commit`);
      if (loose) pass.verified.add(oid);
      commit = loose ? parseCommitBody(loose.content) : (await readCommit({ fs: durableFs, gitdir: ctx.gitdir, oid, cache: ctx.objectCache })).commit;
    } catch (e) {
      pass.journalObjects.add(oid);
      reportBroken(ctx, replica, oid, commits.length, e, pass, add);
      break;
    }
    commits.push(checkCommit(replica, { oid, parents: commit.parent, tree: commit.tree, message: commit.message }, pass, add));
    oid = commit.parent[0];
  }
  return commits.reverse();
}

/** A commit that cannot be read. Fixable only when the cache holds its event and rebuilds it byte for byte (the hash proves it). */
function reportBroken(ctx: Ctx, replica: string, oid: string, newer: number, e: unknown, pass: Pass, add: Add): void {
  const missing = (e as { code?: string }).code === 'NotFoundError';
  pass.broken.set(oid, replica);
  const cached = pass.cache.byOid.get(oid);
  const recoverable = Boolean(cached && 'e' in cached);
  add({
    check: 'objects',
    code: missing ? 'missing-object' : 'corrupt-object',
    severity: 'error',
    replica,
    commit: oid,
    fixable: recoverable,
    message: missing
      ? `commit ${oid} of replica ${replica} is missing (${newer} newer commits read); older events of this replica cannot be read`
      : `commit ${oid} of replica ${replica} is damaged: ${(e as Error).message}`,
    hint: recoverable
      ? '`logbook doctor --repair` rebuilds it from the cache (the hash proves the bytes)'
      : 'the cache does not hold this commit, so `--repair` cannot rebuild it: fetch the journal again from a clone that has it (`logbook sync`), or restore .git/objects from a backup' +
        (missing ? '; `git gc --prune=now` beside running appends deletes commits written during it (git warns that it is unsafe)' : ''),
  });
}

/** The checks of one commit; uses the cached event when the cache holds exactly this commit's event (no second parse). */
function checkCommit(replica: string, c: RawCommit, pass: Pass, add: Add): WalkedCommit {
  const { oid } = c;
  pass.journalObjects.add(oid);
  const walked: WalkedCommit = { oid, parents: c.parents };
  if (c.parents.length > 1) {
    add({ check: 'events', code: 'merge-commit', severity: 'warning', replica, commit: oid, message: `commit ${oid} on replica ${replica} is a merge; Logbook follows only its first parent`, hint: 'Logbook never writes merges: the ref was changed by another tool' });
  }
  const start = c.message.indexOf('\n\n');
  const body = start < 0 ? undefined : c.message.slice(start + 2).trimEnd();
  const cached = pass.cache.byOid.get(oid);
  let raw: unknown;
  if (body !== undefined && cached && 'e' in cached) {
    try {
      raw = JSON.parse(body);
    } catch {
      // not JSON: reported by the parse below, which names the commit
      raw = undefined;
    }
  }
  if (raw !== undefined && cached && 'e' in cached && sameJson(raw, cached.e)) {
    // The cache line was validated when it was written, with this schema (the cache version says so).
    walked.event = cached.e;
  } else {
    parseAndReport(replica, c, body, walked, add);
    if (cached && ('e' in cached ? !walked.event || stringify(walked.event) !== stringify(cached.e) : Boolean(walked.event))) {
      if (!pass.cache.mismatch.has(replica)) pass.cache.mismatch.set(replica, oid);
    }
  }
  if (walked.event) {
    if (c.tree !== EMPTY_TREE) {
      add({ check: 'events', code: 'files-in-commit', severity: 'warning', replica, commit: oid, message: `commit ${oid} on replica ${replica} carries files (tree ${c.tree}); Logbook commits never do` });
    }
    if (walked.event.replica !== replica) {
      add({
        check: 'replicas',
        code: 'replica-mismatch',
        severity: 'error',
        replica,
        commit: oid,
        message: `event ${walked.event.id} on ref of replica ${replica} says it was written by replica ${walked.event.replica}`,
        hint: 'a ref was copied or two clones share a replica id (a copied .git): give one clone a new id with `git config --unset logbook.replica && logbook init`',
      });
    }
  }
  return walked;
}

function parseAndReport(replica: string, c: RawCommit, body: string | undefined, walked: WalkedCommit, add: Add): void {
  const { oid } = c;
  let raw: unknown;
  let noBody = body === undefined;
  if (!noBody) {
    try {
      raw = JSON.parse(body!);
    } catch {
      // not JSON: reported as a commit with no event body
      noBody = true;
    }
  }
  if (noBody) {
    add({
      check: 'events',
      code: 'foreign-commit',
      severity: 'error',
      replica,
      commit: oid,
      message: `commit ${oid} on replica ${replica} is not a Logbook event: "${c.message.split('\n')[0]!.slice(0, 60)}"`,
      hint: 'Logbook skips it and keeps it; it was written by hand or another tool (see docs/safety.md to remove it by rewriting the ref)',
    });
    return;
  }
  const parsed = parseStoredEvent(raw);
  if (parsed.ok) {
    walked.event = parsed.event;
    return;
  }
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
}

export function checkClocks(pass: Pass, add: Add): void {
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
      const seen = byId.get(c.event.id);
      // Serialised only for the rare id seen twice: most ids are unique.
      if (!seen) byId.set(c.event.id, { json: '', replica, commit: c.oid });
      else {
        const first = pass.walked.get(seen.replica)!.find((x) => x.oid === seen.commit)!.event!;
        if (stringify(first) !== stringify(c.event)) {
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
}

/** Deep equality of two JSON values, key order aside: cheaper than serialising both. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  let nb = 0;
  for (const k in b) if ((b as Record<string, unknown>)[k] !== undefined) nb++;
  let na = 0;
  for (const k of ka) {
    const va = (a as Record<string, unknown>)[k];
    if (va === undefined) continue;
    na++;
    if (!sameJson(va, (b as Record<string, unknown>)[k])) return false;
  }
  return na === nb;
}

/** Cache lines as they were read before the walk (so a walk can use them), keyed by commit. */
export function indexCache(lines: Map<string, CacheLine[]>): Map<string, CacheLine> {
  const byOid = new Map<string, CacheLine>();
  for (const list of lines.values()) for (const l of list) byOid.set(l.c, l);
  return byOid;
}

/**
 * `logbook doctor --repair`: the safe repairs. It removes stale locks and
 * leftovers, drops and rebuilds the disposable cache, restores damaged or
 * missing journal commits only when it can rebuild them byte for byte from
 * the cache (the hash proves it), keeps a rewritten history reachable under
 * `refs/logbook-rescued/`, and moves a corrupt loose object aside only when
 * no ref reaches it. It never deletes an event and never moves a ref backwards.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { EMPTY_TREE, GitStore, commitMessage } from '../store/git.js';
import { runGit } from '../store/gitBinary.js';
import { commitBody, objectId, verifyLooseObject, writeLooseObject } from '../store/objects.js';
import { packContains } from '../store/pack.js';
import { compareAndSwapRef, stealIfStale } from '../store/refs.js';
import { listFiles } from './checks.js';
import { RESCUE_PREFIX, type Ctx, type Pass } from './types.js';

/** Apply the safe repairs for what `pass` found; returns what was done. In this order: */
export async function repair(ctx: Ctx, pass: Pass): Promise<string[]> {
  const done: string[] = [];
  await keepRewritten(ctx, pass, done); // before anything else can lose track of them
  await removeLeftovers(ctx, pass, done);
  await removeStaleStaging(ctx, pass, done);
  restoreJournalCommits(ctx, pass, done);
  await setBrokenCopiesAside(ctx, pass, done);
  await setCorruptLooseAside(ctx, pass, done);
  await rebuildCache(ctx, pass, done); // last: from the repaired refs
  return done;
}

/** 1. Keep rewritten histories reachable under refs/logbook-rescued/. */
async function keepRewritten(ctx: Ctx, pass: Pass, done: string[]): Promise<void> {
  for (const { replica, from } of pass.rewritten) {
    const ref = `${RESCUE_PREFIX}${replica}/${from}`;
    try {
      await compareAndSwapRef(ctx.gitdir, ref, null, from);
      done.push(`kept the old history of replica ${replica} at ${ref}`);
    } catch (e) {
      done.push(`could not keep the old history of replica ${replica}: ${(e as Error).message}`);
    }
  }
}

/** 2. Stale locks and leftovers. */
async function removeLeftovers(ctx: Ctx, pass: Pass, done: string[]): Promise<void> {
  for (const { file, lock } of pass.staleFiles) {
    const rel = path.relative(ctx.gitdir, file);
    if (lock) {
      if ((await stealIfStale(file, ctx.staleMs)) && !(await fsp.stat(file).catch(() => undefined))) done.push(`removed stale lock ${rel}`);
    } else if (await fsp.unlink(file).then(() => true, () => false)) done.push(`removed leftover ${rel}`);
  }
}

/** 2b. Staging refs of killed syncs. */
async function removeStaleStaging(ctx: Ctx, pass: Pass, done: string[]): Promise<void> {
  if (!pass.staleStaging.length) return;
  const r = ctx.gitBinary ? await runGit(ctx.gitBinary, ctx.gitdir, undefined, ['update-ref', '--stdin'], ctx.env, pass.staleStaging.map((ref) => `delete ${ref}\n`).join('')) : null;
  if (r && r.code === 0) done.push(`removed ${pass.staleStaging.length} staging ref(s) left by killed syncs`);
  else {
    for (const ref of pass.staleStaging) await fsp.unlink(path.join(ctx.gitdir, ref)).catch(() => undefined);
    done.push(`removed the loose staging refs left by killed syncs`);
  }
}

/**
 * 3. Broken journal objects: every commit of the chain the cache holds that is
 * missing or damaged is rebuilt from its cached event (the hash proves the bytes).
 */
function restoreJournalCommits(ctx: Ctx, pass: Pass, done: string[]): void {
  for (const replica of new Set(pass.broken.values())) {
    const lines = pass.cache.lines.get(replica) ?? [];
    lines.forEach((line, i) => {
      if (!('e' in line)) return;
      const state = verifyLooseObject(ctx.gitdir, line.c);
      const present = state ? !('problem' in state) : packContains(ctx.gitdir, line.c);
      if (present) return;
      const e = line.e;
      const body = commitBody({ tree: EMPTY_TREE, parent: i > 0 ? lines[i - 1]!.c : null, name: e.actor.name, email: e.actor.email, seconds: Math.floor(Date.parse(e.at) / 1000), message: commitMessage(e) });
      if (objectId('commit', body) !== line.c) return; // the cache cannot vouch for these bytes
      writeLooseObject(ctx.gitdir, 'commit', body, { replace: true });
      done.push(`restored journal commit ${line.c} of replica ${replica} from the cache`);
    });
  }
}

/** 3b. The empty tree rewritten; a damaged loose copy of an object a pack holds whole moved aside. */
async function setBrokenCopiesAside(ctx: Ctx, pass: Pass, done: string[]): Promise<void> {
  for (const oid of pass.broken.keys()) {
    if (oid === EMPTY_TREE) {
      writeLooseObject(ctx.gitdir, 'tree', Buffer.alloc(0), { replace: true });
      done.push(`rewrote the empty tree object ${oid}`);
      continue;
    }
    const copy = verifyLooseObject(ctx.gitdir, oid);
    if (copy && 'problem' in copy && packContains(ctx.gitdir, oid)) {
      await quarantine(ctx, oid);
      done.push(`moved the damaged loose copy of ${oid} aside (a pack holds a good copy)`);
    }
  }
}

/** 4. Corrupt loose objects outside the journal: only when a pack has them or no ref, reflog or index reaches them. */
async function setCorruptLooseAside(ctx: Ctx, pass: Pass, done: string[]): Promise<void> {
  if (!pass.corruptLoose.length) return;
  const run = ctx.gitBinary ? await runGit(ctx.gitBinary, ctx.gitdir, undefined, ['rev-list', '--objects', '--all', '--reflog', '--indexed-objects'], ctx.env) : null;
  const reachable = run && run.code === 0 ? run.stdout : undefined;
  for (const oid of pass.corruptLoose) {
    if (packContains(ctx.gitdir, oid)) {
      await quarantine(ctx, oid);
      done.push(`moved the damaged loose copy of ${oid} aside (a pack holds a good copy)`);
    } else if (reachable !== undefined && !reachable.includes(oid)) {
      await quarantine(ctx, oid);
      done.push(`moved unreachable damaged object ${oid} to .git/logbook/quarantine/`);
    }
  }
}

/** 5. The cache, when anything in it was found wrong or the refs changed: dropped and rebuilt from the refs. */
async function rebuildCache(ctx: Ctx, pass: Pass, done: string[]): Promise<void> {
  if (!(pass.cacheBad || pass.rewritten.length || done.some((d) => d.startsWith('restored')))) return;
  // Everything in it: event lines, meta.json and the saved views (a lock was dealt with above).
  for (const file of await listFiles(ctx.cacheDir)) if (!file.endsWith('.lock')) await fsp.unlink(file).catch(() => undefined);
  try {
    await new GitStore(ctx.gitdir, { gitBinary: ctx.gitBinary, env: ctx.env }).read();
    done.push('rebuilt the cache from the refs');
  } catch (e) {
    done.push(`dropped the cache; rebuilding it failed: ${(e as Error).message}`);
  }
}

async function quarantine(ctx: Ctx, oid: string): Promise<void> {
  const dir = path.join(ctx.gitdir, 'logbook', 'quarantine');
  await fsp.mkdir(dir, { recursive: true });
  await fsp.rename(path.join(ctx.gitdir, 'objects', oid.slice(0, 2), oid.slice(2)), path.join(dir, oid));
}

/**
 * The checks of `logbook doctor` that look at refs, history, leftovers, the
 * cache and loose objects; the commit walk is in ./walk.ts.
 */
import { promises as fsp, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import stringify from 'fast-json-stable-stringify';
import type { JournalEvent } from '../events.js';
import { CACHE_VERSION, GitStore, durableFs, readCacheMetaFile, type RewriteRecord } from '../store/git.js';
import { listLooseObjects, verifyLooseObject } from '../store/objects.js';
import { REPLICA_ID, REPLICA_PREFIX, listRefsRaw, readRef } from '../store/refs.js';
import { stagingNamespaces } from '../store/staging.js';
import { viewsDiffer } from '../viewsCache.js';
import { OID, RESCUE_PREFIX, type Add, type Ctx, type Pass, type Severity, type WalkedCommit } from './types.js';

/** isomorphic-git is loaded on first use, as the store does, so that `logbook` starts fast. */
const readCommit: typeof import('isomorphic-git').readCommit = async (args) => (await import('isomorphic-git')).readCommit(args);

export async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    // no cache folder (or unreadable): the cache is disposable and nothing in it is checked
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

/** Every ref under refs/logbook/ (loose or packed): replica tips, and anything malformed or never read. */
export function checkRefs(ctx: Ctx, add: Add): Record<string, string> {
  const tips: Record<string, string> = {};
  for (const { ref, value } of listRefsRaw(ctx.gitdir, 'refs/logbook/')) {
    const name = ref.slice(REPLICA_PREFIX.length);
    if (!ref.startsWith(REPLICA_PREFIX)) {
      add({ check: 'refs', code: 'other-ref', severity: 'info', message: `${ref} is not a replica ref; Logbook does not read it`, path: ref });
      continue;
    }
    if (!REPLICA_ID.test(name)) {
      const nested = name.includes('/');
      add({
        check: 'refs',
        code: nested ? 'unread-ref' : 'odd-ref-name',
        severity: 'warning',
        path: ref,
        message: nested
          ? `${ref} is nested below a replica name: Logbook never reads it, so its events are not in any view`
          : `replica ref ${ref} is not named like a replica id (8-32 of a-z, 0-9); Logbook does not read it`,
        hint: 'Logbook never creates such a ref (was it pushed by another tool?); keep its history with `git update-ref refs/logbook-rescued/<name> ' + ref + '` and delete it with `git update-ref -d ' + ref + '`',
      });
      continue;
    }
    if (!OID.test(value)) {
      add({
        check: 'refs',
        code: 'bad-ref',
        severity: 'error',
        replica: name,
        path: ref,
        message: `${ref} does not hold a commit id (${value ? `"${value.slice(0, 60)}"` : 'empty'}); its events are invisible`,
        hint: 'restore it from a clone or from `git reflog`, e.g. `git update-ref ' + ref + ' <commit>`',
      });
      continue;
    }
    tips[name] = value;
  }
  return tips;
}

/** Each ref only moved forward: against the tips the cache last saw, and rewrites recorded by earlier reads. */
export async function checkHistory(ctx: Ctx, tips: Record<string, string>, pass: Pass, add: Add): Promise<void> {
  const { meta } = readCacheMetaFile(ctx.cacheDir);
  const suspects: Array<{ replica: string; from: string; to: string | null }> = [];
  if (meta?.replicas && typeof meta.replicas === 'object') {
    for (const [replica, entry] of Object.entries(meta.replicas as Record<string, { tip?: unknown }>)) {
      const from = entry?.tip;
      if (typeof from !== 'string' || !OID.test(from)) continue;
      const to = tips[replica] ?? null;
      if (to === from) continue;
      if (to && pass.walked.get(replica)?.some((c) => c.oid === from)) continue; // moved forward
      if (to && pass.broken.size && [...pass.broken.values()].includes(replica)) continue; // cannot tell: objects check reports it
      suspects.push({ replica, from, to });
    }
  }
  for (const r of Array.isArray(meta?.rewrites) ? (meta!.rewrites as RewriteRecord[]) : []) {
    if (!r || typeof r.from !== 'string' || !OID.test(r.from) || suspects.some((s) => s.replica === r.replica && s.from === r.from)) continue;
    if (pass.walked.get(r.replica)?.some((c) => c.oid === r.from)) continue; // the ref holds the old tip again (restored)
    suspects.push(r);
  }
  for (const { replica, from, to } of suspects) {
    const old = await firstParentChain(ctx, from);
    const current = tips[replica] ?? null;
    const lost = old ? old.filter((oid) => !pass.walked.get(replica)?.some((c) => c.oid === oid)).length : undefined;
    const rescued = await readRef(ctx.gitdir, `${RESCUE_PREFIX}${replica}/${from}`);
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
  for (const file of await listFiles(path.join(ctx.gitdir, ...RESCUE_PREFIX.split('/').filter(Boolean)))) {
    const ref = path.relative(ctx.gitdir, file).split(path.sep).join('/');
    add({ check: 'history', code: 'rescued-history', severity: 'info', path: ref, message: `an old history is kept at ${ref}`, hint: `inspect it with \`git log ${ref}\`; delete the ref when you no longer need it` });
  }
}

async function firstParentChain(ctx: Ctx, oid: string): Promise<string[] | undefined> {
  const chain: string[] = [];
  let at: string | undefined = oid;
  while (at) {
    try {
      const { commit } = await readCommit({ fs: durableFs, gitdir: ctx.gitdir, oid: at, cache: ctx.objectCache });
      chain.push(at);
      at = commit.parent[0];
    } catch {
      // an unreadable commit ends the walk; the walk check reports it with its cause
      return chain.length ? chain : undefined;
    }
  }
  return chain;
}

export async function checkLocks(ctx: Ctx, pass: Pass, add: Add): Promise<void> {
  const candidates = [
    ...(await listFiles(path.join(ctx.gitdir, 'refs', 'logbook'))),
    ...(await listFiles(path.join(ctx.gitdir, 'refs', 'logbook-rescued'))),
    ...(await listFiles(ctx.cacheDir)),
  ];
  for (const temp of listLooseObjects(ctx.gitdir).temps) candidates.push(path.join(ctx.gitdir, temp));
  for (const ns of stagingNamespaces(ctx.gitdir, ctx.now())) {
    for (const ref of ns.refs) {
      if (!ns.abandoned) {
        add({ check: 'locks', code: 'busy-staging-ref', severity: 'info', path: ref, message: `${ref} belongs to a sync that is running` });
        continue;
      }
      pass.staleStaging.push(ref);
      add({ check: 'locks', code: 'leftover-staging-ref', severity: 'warning', path: ref, fixable: true, message: `${ref} was left by a sync that was killed; nothing reads it, but it keeps objects alive`, hint: 'the next `logbook sync` removes it, and so does `logbook doctor --repair`' });
    }
  }
  for (const file of candidates) {
    const name = path.basename(file);
    const lock = name.endsWith('.lock');
    const gitTemp = name.startsWith('tmp_obj_');
    if (!lock && !gitTemp && !name.includes('.stale-') && !name.includes('.tmp-')) continue;
    const stat = await fsp.stat(file).catch(() => undefined);
    if (!stat) continue;
    const age = ctx.now() - stat.mtimeMs;
    const rel = path.relative(ctx.gitdir, file);
    if (gitTemp) {
      // git's own temp-file name (Logbook uses it too): harmless, ignored by fsck, removed by `git gc`.
      if (age >= ctx.staleMs) add({ check: 'locks', code: 'temp-object', severity: 'info', path: rel, message: `${rel} is an unfinished object write (${Math.round(age / 1000)} s old)`, hint: '`git gc` removes it' });
      continue;
    }
    if (age < ctx.staleMs) {
      add({ check: 'locks', code: 'busy-lock', severity: 'info', path: rel, message: `${rel} is in use (${Math.round(age)} ms old): a Logbook or git process is writing` });
      continue;
    }
    pass.staleFiles.push({ file, lock });
    // In the disposable cache a leftover costs nothing (readers skip or steal it); under refs/ or objects/ it blocks writers or upsets git.
    const inCache = !path.relative(ctx.cacheDir, file).startsWith('..');
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


export function checkCache(ctx: Ctx, tips: Record<string, string>, pass: Pass, add: Add): void {
  const { meta, problem, missing } = readCacheMetaFile(ctx.cacheDir);
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
  for (const name of readdirSync(ctx.cacheDir)) {
    if (!name.endsWith('.json') || name === 'meta.json') continue;
    try {
      JSON.parse(readFileSync(path.join(ctx.cacheDir, name), 'utf8'));
    } catch {
      // reported just below, as a finding
      bad(`the cache file ${name} is corrupt`);
    }
  }
  if (Array.isArray(meta!.rewrites) && meta!.rewrites.length) pass.cacheBad = true; // dropped once the rewrites are dealt with
  for (const [replica, entry] of Object.entries(meta!.replicas as Record<string, { tip?: unknown; bytes?: unknown }>)) {
    if (!entry || typeof entry.tip !== 'string' || typeof entry.bytes !== 'number') {
      bad(`the cache entry of replica ${replica} is malformed`);
      continue;
    }
    const problemText = pass.cache.problems.get(replica);
    if (problemText) {
      bad(`the cache is corrupt: ${problemText}`);
      continue;
    }
    const lines = pass.cache.lines.get(replica) ?? [];
    const walked = pass.walked.get(replica);
    if (!walked || tips[replica] === undefined) continue; // the history check reports a vanished ref
    if ([...pass.broken.values()].includes(replica)) continue; // partly unreadable: the objects check reports it
    const upTo = walked.findIndex((c) => c.oid === entry.tip);
    if (upTo < 0) continue; // rewritten or unreadable: reported by history/objects
    const differs = pass.cache.mismatch.get(replica);
    if (lines.length !== upTo + 1) bad(`the cache of replica ${replica} does not match its ref: ${lines.length} cached commits, the ref has ${upTo + 1} up to the cached tip`, 'error');
    else if (lines.some((l, i) => l.c !== walked[i]!.oid)) bad(`the cache of replica ${replica} does not match its ref: its commits are not the ref's`, 'error');
    else if (differs) bad(`the cache of replica ${replica} does not match its ref at commit ${differs} (views may show wrong text)`, 'error');
  }
}

/**
 * The saved views (sessions, items) against the events: folded again from
 * the commits up to the tips they were saved at, they must come out the
 * same. A hand-edited views file is served by every view otherwise.
 */
export function checkViews(ctx: Ctx, pass: Pass, add: Add): void {
  const store = new GitStore(ctx.gitdir, { gitBinary: null });
  const saved = store.loadState<unknown>('views');
  if (!saved || !Object.keys(saved.tips).length) return; // none, or saved before the first event
  const events: JournalEvent[] = [];
  for (const [replica, tip] of Object.entries(saved.tips)) {
    const walked = pass.walked.get(replica);
    const upTo = walked ? walked.findIndex((c) => c.oid === tip) : -1;
    if (upTo < 0) return; // saved at tips that are gone (rewritten, unreadable): reported elsewhere, rebuilt at the next read
    for (let i = 0; i <= upTo; i++) if (walked![i]!.event) events.push(walked![i]!.event!);
  }
  for (const replica of pass.walked.keys()) if (!(replica in saved.tips) && pass.walked.get(replica)!.some((c) => c.event)) return; // saved before that replica arrived
  const diff = viewsDiffer(store, events);
  if (!diff) return;
  pass.cacheBad = true;
  add({
    check: 'cache',
    code: 'views-mismatch',
    severity: 'error',
    fixable: true,
    message: `the cached views do not match the events: ${diff} (a hand-edited or damaged .git/logbook/cache file is shown by every view)`,
    hint: '`logbook doctor --repair` drops them; the next command folds them again from the events',
  });
}

export function checkLooseObjects(ctx: Ctx, pass: Pass, add: Add): void {
  const { oids } = listLooseObjects(ctx.gitdir);
  pass.looseObjects = oids.length;
  const owner = (oid: string) => [...pass.walked].find(([, cs]) => cs.some((c) => c.oid === oid))?.[0] ?? '';
  for (const oid of oids) {
    if (pass.verified.has(oid)) continue;
    const r = verifyLooseObject(ctx.gitdir, oid);
    const problem = r === undefined ? undefined : 'problem' in r ? r.problem : undefined;
    if (!problem) continue;
    const journal = pass.journalObjects.has(oid);
    if (journal) {
      if (!pass.broken.has(oid)) pass.broken.set(oid, owner(oid));
      // The walk already reported an unreadable commit; report the file once more only when the walk read it fine (e.g. from a pack).
      if (pass.findings.some((f) => f.commit === oid && f.check === 'objects')) continue;
    } else pass.corruptLoose.push(oid);
    const rel = path.join('objects', oid.slice(0, 2), oid.slice(2));
    add({
      check: 'objects',
      code: 'corrupt-loose-object',
      severity: journal ? 'error' : 'warning',
      commit: oid,
      path: rel,
      fixable: true,
      message: `loose object ${oid} ${problem}${journal ? ' (a journal object)' : ''}`,
      hint: journal
        ? '`logbook doctor --repair` restores it when the cache or a pack can vouch for it'
        : '`logbook doctor --repair` moves it to .git/logbook/quarantine/ if no ref reaches it; otherwise run `git fsck --full`',
    });
  }
}

/**
 * `sync --fix-collision`: one clone of two that share a replica id (a copied
 * .git) takes a new one, re-records under it the events only it wrote, keeps
 * its old history of the shared ref under refs/logbook-rescued/, and hands
 * the shared ref back to the remote's copy. Split from sync.ts.
 */
import path from 'node:path';
import stringify from 'fast-json-stable-stringify';
import { LogbookError, isLogbookError } from './errors.js';
import { parseStoredEvent } from './events.js';
import { newReplicaId, type Random } from './ids.js';
import { updateGitConfig } from './repo.js';
import { durableFs, payloadOf } from './store/git.js';
import { EMPTY_TREE, writeCommitObject, writeLooseObject } from './store/objects.js';
import { REPLICA_PREFIX, compareAndSwapRef, listReplicaRefs, readRef } from './store/refs.js';
import { RESCUE_PREFIX, setUp, type SyncOptions } from './sync.js';

export interface FixCollisionResult {
  oldReplica: string;
  newReplica: string;
  /** Events only this clone had written under the old id, now re-recorded under the new one. */
  moved: number;
  /** Where this clone's old history of the shared ref is kept (null when nothing diverged). */
  rescued: string | null;
}

/** Switch `logbook.replica` from `from` to `to` in .git/config, in place, keeping the file's layout. */
function switchReplicaId(gitdir: string, from: string, to: string): void {
  // Only inside the [logbook] section: another section may have a key named replica too.
  const line = new RegExp(`(^\\[logbook\\][^\\[]*?^\\s*replica\\s*=\\s*)${from}(\\s*)$`, 'mi');
  updateGitConfig(gitdir, (text) => {
    if (!line.test(text)) {
      throw new LogbookError('INVALID_INPUT', `cannot find "replica = ${from}" in the [logbook] section of ${path.join(gitdir, 'config')}`, { hint: 'set it by hand: git config logbook.replica <new id>' });
    }
    // Remember the old id: the sessions this clone started under it stay its own (`logbook log` keeps finding them).
    const former = /(^\[logbook\][^\[]*?^\s*formerReplicas\s*=\s*)(.*)$/mi;
    const switched = text.replace(line, `$1${to}$2`);
    if (former.test(switched)) return switched.replace(former, (_m, head: string, list: string) => `${head}${[...new Set([...list.split(',').map((s) => s.trim()).filter(Boolean), from])].join(',')}`);
    return switched.replace(/^\[logbook\][^\n]*\n/mi, (h) => `${h}\tformerReplicas = ${from}\n`);
  });
}

/** A journal commit's message with its event re-recorded under `replica` (anything else carried over unchanged). */
function moveToReplica(message: string, replica: string): string {
  try {
    const raw = payloadOf(message) as Record<string, unknown>;
    if (raw && typeof raw === 'object' && typeof raw.replica === 'string') {
      const moved = { ...raw, replica };
      // Keep events a newer Logbook wrote as they are, apart from the replica.
      if (parseStoredEvent(moved).ok || !parseStoredEvent(raw).ok) return `${message.split('\n')[0]}\n\n${stringify(moved)}\n`;
    }
  } catch {
    /* not an event: carried over unchanged, doctor reports it as before */
  }
  return message;
}

/**
 * Resolve a replica-id collision from this clone's side: give it a new
 * replica id, re-record under that id the events only this clone wrote on
 * the shared ref (same ids, clocks, times and data; only `replica` differs),
 * keep this clone's old history of the shared ref under refs/logbook-rescued/,
 * and take the remote's copy of the shared ref. No event is lost and no ref
 * ends up holding another replica's events. Call `sync` afterwards.
 */
export async function fixCollision(options: SyncOptions & { random?: Random }): Promise<FixCollisionResult> {
  const { gitdir, replica, remote, own, t, step } = await setUp(options);
  step(`fetching journal refs from ${remote.display}`);
  const fetched = await t.fetch(Object.values(await listReplicaRefs(gitdir)));
  try {
    const remoteTip = fetched.tips[own] ?? null;
    const localTip = await readRef(gitdir, own);
    const c = remoteTip && localTip ? await t.compare(localTip, remoteTip) : { aOnly: localTip ? 1 : 0, bOnly: remoteTip ? 1 : 0 };
    if (!remoteTip || c.bOnly === 0) {
      throw new LogbookError('INVALID_INPUT', `no replica-id collision: ${remote.display} holds nothing on ${own} that this clone did not write`, {
        hint: 'nothing to fix; `logbook sync` works as it is',
      });
    }
    const random = options.random ?? options.journal?.random ?? Math.random; // the journal's, as its event ids
    const taken = new Set(Object.keys(await listReplicaRefs(gitdir)));
    let fresh = newReplicaId(random);
    while (taken.has(fresh) || fresh === replica) fresh = newReplicaId(random);
    // This clone's own events: the commits of the local ref that the remote's copy lacks (one linear chain).
    const mine: Array<{ message: string; name: string; email: string; seconds: number }> = [];
    const { readCommit } = await import('isomorphic-git');
    for (let oid = localTip, n = 0; oid && n < (localTip && remoteTip ? c.aOnly : 0); n++) {
      const { commit } = await readCommit({ fs: durableFs, gitdir, oid });
      mine.push({ message: commit.message, name: commit.author.name, email: commit.author.email, seconds: commit.author.timestamp });
      oid = commit.parent[0] ?? null;
    }
    mine.reverse();
    writeLooseObject(gitdir, 'tree', Buffer.alloc(0));
    let parent: string | null = null;
    for (const m of mine) {
      parent = writeCommitObject(gitdir, { tree: EMPTY_TREE, parent, name: m.name, email: m.email, seconds: m.seconds, message: moveToReplica(m.message, fresh) });
    }
    step(`moving ${mine.length} event(s) of this clone to replica ${fresh}`);
    const newRef = `${REPLICA_PREFIX}${fresh}`;
    if (parent) await compareAndSwapRef(gitdir, newRef, null, parent);
    switchReplicaId(gitdir, replica, fresh);
    let rescued: string | null = null;
    if (localTip && c.aOnly > 0) {
      rescued = `${RESCUE_PREFIX}${replica}/${localTip}`;
      if ((await readRef(gitdir, rescued)) !== localTip) await compareAndSwapRef(gitdir, rescued, null, localTip);
    }
    // A process that still had the old id (a hook mid-append) may have appended since we read the
    // ref: carry those events over too, until the shared ref is handed back unchanged.
    let handedFrom = localTip;
    let moved = mine.length;
    for (;;) {
      try {
        await compareAndSwapRef(gitdir, own, handedFrom, remoteTip);
        break;
      } catch (e) {
        if (!isLogbookError(e, 'CONFLICT')) throw e;
        const now = await readRef(gitdir, own);
        const late: Array<{ message: string; name: string; email: string; seconds: number }> = [];
        for (let oid = now; oid && oid !== handedFrom; ) {
          const { commit } = await readCommit({ fs: durableFs, gitdir, oid });
          late.push({ message: commit.message, name: commit.author.name, email: commit.author.email, seconds: commit.author.timestamp });
          oid = commit.parent[0] ?? null;
        }
        let tip = parent;
        for (const m of late.reverse()) tip = writeCommitObject(gitdir, { tree: EMPTY_TREE, parent: tip, name: m.name, email: m.email, seconds: m.seconds, message: moveToReplica(m.message, fresh) });
        await compareAndSwapRef(gitdir, newRef, parent, tip!);
        parent = tip;
        moved += late.length;
        handedFrom = now;
      }
    }
    return { oldReplica: replica, newReplica: fresh, moved, rescued };
  } finally {
    await fetched.cleanup();
  }
}

/**
 * Turning spooled git hook runs into `commit.linked` events on the session
 * that was current when the commit was made (SPEC 4 with the environment the
 * hook saw: LOGBOOK_SESSION, the agent's client session, else this clone's
 * newest active session). Commits made while no session was open are dropped.
 * Run by the detached drain the hook starts, and before `commits`, `why` and
 * `sync` read, so nothing waits for the background.
 */
import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Draft, EventData } from '../events.js';
import { Journal } from '../journal.js';
import { Logbook } from '../logbook.js';
import { findRepo } from '../repo.js';
import { isOpen } from '../../projections/sessions.js';
import type { RewriteWhy } from '../../projections/commits.js';
import { commitInfos, gitRunner } from './git.js';
import { loadCommitLookup } from './commitsIndex.js';
import { takeSpool, type SpoolLine } from './spool.js';

export interface DrainOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
}

export interface DrainReport {
  recorded: number;
  /** Commits dropped because no session was open when they were made. */
  noSession: number;
  /** Why commits were dropped when the session they name is not on this clone (a stale `LOGBOOK_SESSION`): for hook-errors.log. */
  problems: unknown[];
}

interface Wanted {
  commit: string;
  t: string;
  env: SpoolLine['env'];
  branch?: string;
  replaces?: string;
  why?: RewriteWhy;
  picked?: string;
  mergedInto?: string;
  /** A squash or fixup: the other commits the same rewrite folded into this one. */
  alsoReplaces?: string[];
  /** When the rewrite that set `replaces` ran (its pairs share it). */
  rewriteAt?: string;
}

/** One wanted record per new commit: a rewrite line says more than the post-commit line of the same commit. */
function wantedFrom(lines: readonly SpoolLine[]): Wanted[] {
  const byCommit = new Map<string, Wanted>();
  for (const l of [...lines].sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0))) {
    const entries: Wanted[] = l.hook === 'post-commit' && l.commit
      ? [{ commit: l.commit, t: l.t, env: l.env, ...(l.branch ? { branch: l.branch } : {}), ...(l.picked ? { picked: l.picked } : {}), ...(l.mergedInto ? { mergedInto: l.mergedInto } : {}) }]
      : (l.pairs ?? []).map(([old, fresh]) => ({ commit: fresh, t: l.t, env: l.env, replaces: old, why: l.why ?? 'rebase', rewriteAt: l.t, ...(l.branch ? { branch: l.branch } : {}) }));
    for (const w of entries) {
      const had = byCommit.get(w.commit);
      if (!had) byCommit.set(w.commit, w);
      else {
        if (w.replaces && had.replaces && had.replaces !== w.replaces && had.why === w.why && had.rewriteAt === w.rewriteAt) {
          // One rewrite listing several old commits for this one (squash, fixup): it replaced them all.
          if (!had.alsoReplaces?.includes(had.replaces)) had.alsoReplaces = [...(had.alsoReplaces ?? []), had.replaces];
          had.replaces = w.replaces;
          had.alsoReplaces = had.alsoReplaces.filter((c) => c !== w.replaces);
        } else if (w.replaces) {
          had.replaces = w.replaces;
          had.why = w.why!;
          had.rewriteAt = w.rewriteAt!;
          delete had.alsoReplaces;
        }
        had.branch ??= w.branch;
      }
    }
  }
  return [...byCommit.values()];
}

const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 20_000;

/**
 * One drain at a time: a reader (`commits`, `why`) that drains while the
 * hook's background drain is still appending waits for it, so it never reads
 * the journal between "taken from the spool" and "appended".
 */
async function withDrainLock<T>(gitdir: string, now: () => Date, fn: () => Promise<T>): Promise<T> {
  const dir = path.join(gitdir, 'logbook');
  mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, 'commits.drain.lock');
  const started = Date.now();
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (now().getTime() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { force: true }); // its holder died
      } catch {
        /* released meanwhile */
      }
      if (Date.now() - started > LOCK_WAIT_MS) return fn(); // a stuck holder must not stall the reader: spool files are taken atomically anyway
      await new Promise((r) => setTimeout(r, 15));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Record every spooled commit. Lines that could not be recorded (the journal busy, git failing) go back to the spool. */
export async function drainCommits(options: DrainOptions): Promise<DrainReport> {
  const now = options.now ?? (() => new Date());
  const repo = findRepo(options.cwd);
  return withDrainLock(repo.gitdir, now, () => drainLocked(options, repo, now));
}

interface DrainPlan {
  journal: Journal;
  session: string;
  wanted: Wanted[];
}

/**
 * The session of each group of spooled commits (those made with the same
 * session environment), found before any git process runs: commits made with
 * no session open cost none. Dropped commits are counted in `report`.
 */
async function planDrain(options: DrainOptions, wanted: Wanted[], report: DrainReport): Promise<DrainPlan[]> {
  const groups = new Map<string, Wanted[]>();
  for (const w of wanted) {
    const key = JSON.stringify(w.env);
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  const plans: DrainPlan[] = [];
  for (const group of groups.values()) {
    const lineEnv = group[0]!.env;
    const env = { ...options.env, LOGBOOK_SESSION: undefined, LOGBOOK_CLIENT_SESSION: undefined, ...lineEnv };
    const clientSession = lineEnv.LOGBOOK_CLIENT_SESSION;
    const journal = Journal.open({ cwd: options.cwd, env, ...(clientSession ? { agent: { agentSession: clientSession } } : {}) });
    const logbook = new Logbook(journal, { clientSession });
    // A journal that cannot be read is an error (the lines go back to the spool), not "no session open".
    const snap = await logbook.load();
    let session;
    try {
      session = logbook.findSession(snap);
    } catch (e) {
      session = undefined; // LOGBOOK_SESSION names a session this clone does not hold: dropped, and said
      report.problems.push(e);
    }
    const open = session && isOpen(session) ? session : undefined;
    const kept = group.filter((w) => open && open.createdAt <= w.t);
    report.noSession += group.length - kept.length;
    if (open && kept.length) plans.push({ journal, session: open.id, wanted: kept });
  }
  return plans;
}

async function drainLocked(options: DrainOptions, repo: { gitdir: string; workTree: string | undefined }, now: () => Date): Promise<DrainReport> {
  const taken = takeSpool(repo.gitdir, now(), `${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const report: DrainReport = { recorded: 0, noSession: 0, problems: [] };
  if (!taken.lines.length) return report;
  try {
    const git = gitRunner(repo.workTree ?? repo.gitdir, options.env);
    const plans = await planDrain(options, wantedFrom(taken.lines), report);
    if (!plans.length) {
      taken.done();
      return report;
    }
    const infos = commitInfos(git, plans.flatMap((p) => p.wanted.map((w) => w.commit)));
    for (const plan of plans) {
      const index = await loadCommitLookup(plan.journal);
      const drafts: Draft[] = [];
      for (const w of plan.wanted) {
        const info = infos.get(w.commit);
        if (!info) continue; // gone (gc'd) before it was recorded
        if (w.mergedInto && !(info.parents.length >= 2 && info.parents[0] === w.mergedInto)) continue; // a fast-forward: not a commit made here
        let replaces = w.replaces;
        let why = w.why;
        // A cherry-pick: the commit picked (CHERRY_PICK_HEAD), else a recorded commit with the same patch.
        if (!replaces && w.picked && w.picked !== w.commit) {
          replaces = w.picked;
          why = 'cherry-pick';
        }
        if (!replaces && info.patchId) {
          const twin = index.withPatch(info.patchId).find((c) => c !== w.commit);
          if (twin) {
            replaces = twin;
            why = 'cherry-pick';
          }
        }
        const known = index.get(w.commit);
        if (known && known.session === plan.session && (!replaces || (known.replaces === replaces && known.why === why))) continue; // recorded already
        const data: EventData<'commit.linked'> = { commit: w.commit, subject: info.subject, files: info.files.slice(0, 500) };
        if (info.patchId) data.patchId = info.patchId;
        if (w.branch) data.branch = w.branch;
        if (replaces && why) {
          data.replaces = replaces;
          data.why = why;
        }
        drafts.push({ type: 'commit.linked', session: plan.session, data });
        // The other commits a squash folded in: one record each, after the main one, so the fold keeps them all.
        for (const also of w.alsoReplaces ?? []) if (why && also !== w.commit) drafts.push({ type: 'commit.linked', session: plan.session, data: { ...data, replaces: also, why } });
      }
      if (drafts.length) await plan.journal.append(drafts);
      report.recorded += drafts.length;
    }
    taken.done();
    return report;
  } catch (e) {
    taken.giveBack();
    throw e;
  }
}

/**
 * Counting compactions exactly once (SPEC 7). Three hooks can each prove that
 * a compaction happened: PreCompact (it is about to), SessionStart with
 * source `compact` (it did) and PostCompact (it did, with its summary). A
 * client may send any of them, in any order, and a hook installed twice (user
 * and project settings) or retried arrives twice. So:
 *
 * - the first hook of a compaction writes the one counted `session.compacted`;
 * - the hooks that follow for the same compaction join it: PostCompact's
 *   summary is written as a `session.compacted` with `of` = the counted one,
 *   which the projection attaches to it instead of counting again;
 * - which compaction a hook belongs to is kept per client session under
 *   `.git/logbook/hooks/` (an "episode": the counted event and the hooks seen),
 *   read and written under a lock, so two concurrent hooks decide one after the other.
 *
 * Which hooks join the current episode is decided by `joinsEpisode` from the
 * order and times they arrive: a compaction is PreCompact, a model call of
 * minutes, then SessionStart(compact) and PostCompact seconds apart; so a
 * PreCompact after those hooks, or a PostCompact with another summary, starts
 * the next compaction however soon it comes.
 */
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { writeFileAtomic } from '../store/atomic.js';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { clientKey } from './hookState.js';

export type CompactionHook = 'PreCompact' | 'SessionStart' | 'PostCompact';
export type CompactTrigger = 'manual' | 'auto' | 'unknown';

/** One compaction of one client session, as far as the hooks have seen it. */
export interface CompactionEpisode {
  /** Logbook session it was counted in */
  session: string;
  /** id of the counted `session.compacted` event */
  event: string;
  trigger: CompactTrigger;
  /** ISO time the first hook of it arrived */
  at: string;
  /** hook → ISO time it (last) arrived */
  seen: Partial<Record<CompactionHook, string>>;
  /** a summary was written for it */
  summarised?: boolean;
  /** SessionStart or PostCompact arrived after the last PreCompact (so another PreCompact is the next compaction) */
  postAfterPre?: boolean;
  /** hash of the summary PostCompact brought (another summary proves another compaction); a hash, so that no text is kept outside the journal's redaction */
  summary?: string;
}

/** What an episode keeps of a summary: enough to tell two apart. */
export const summaryHash = (summary: string): string => createHash('sha256').update(summary).digest('hex').slice(0, 16);

/** The same hook again within this long is a duplicate or a retry, not another compaction. */
export const DUPLICATE_MS = 30_000;
/** PreCompact to the hooks after the compaction: the compaction's own model call, minutes at most. */
export const COMPACTING_MS = 10 * 60_000;
/** SessionStart(compact) and PostCompact of one compaction arrive together, seconds apart. */
export const BURST_MS = 2 * 60_000;

/**
 * Does `hook`, arriving at `nowMs` (a PostCompact with the summaryHash of its
 * summary), belong to the compaction `episode` (true) or prove a new one
 * (false)? Pure. A hook seen
 * before in the episode joins only as a duplicate (within DUPLICATE_MS), and
 * never when it proves a new compaction by itself: a PreCompact after the
 * hooks that follow a compaction (the client runs PreCompact, and waits for
 * it, before compacting), a PostCompact with another summary. PreCompact,
 * which comes first, joins a later hook only when delivered moments late; the
 * hooks after the compaction join a PreCompact within COMPACTING_MS, and each
 * other within BURST_MS.
 */
export function joinsEpisode(episode: CompactionEpisode | undefined, hook: CompactionHook, nowMs: number, summaryHashed?: string): boolean {
  if (!episode) return false;
  const since = (iso: string | undefined) => (iso === undefined ? Infinity : nowMs - Date.parse(iso));
  if (episode.seen[hook] !== undefined) {
    if (hook === 'PreCompact' && (episode.postAfterPre ?? Math.min(since(episode.seen.SessionStart), since(episode.seen.PostCompact)) < since(episode.seen.PreCompact))) return false;
    if (hook === 'PostCompact' && summaryHashed !== undefined && episode.summary !== undefined && summaryHashed !== episode.summary) return false;
    return since(episode.seen[hook]) < DUPLICATE_MS;
  }
  if (hook === 'PreCompact') return since(episode.at) < DUPLICATE_MS;
  const after = Math.min(since(episode.seen.SessionStart), since(episode.seen.PostCompact));
  return after === Infinity ? since(episode.seen.PreCompact) < COMPACTING_MS : after < BURST_MS;
}

/** What an episode records of `hook` arriving at `iso`: when, and (by order, not by time, which may tie) whether a hook after the compaction followed the last PreCompact. */
export function seenIn(episode: Pick<CompactionEpisode, 'seen'>, hook: CompactionHook, iso: string): Pick<CompactionEpisode, 'seen' | 'postAfterPre'> {
  return { seen: { ...episode.seen, [hook]: iso }, postAfterPre: hook !== 'PreCompact' };
}

/** Stale locks (a killed hook) are broken after this long; the hooks' own deadline is shorter. */
const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 4_000;

export class CompactionStore {
  private readonly dir: string;

  constructor(gitdir: string) {
    this.dir = path.join(gitdir, 'logbook', 'hooks');
  }

  private file(clientSession: string): string {
    return path.join(this.dir, `compaction-${clientKey(clientSession)}.json`);
  }

  read(clientSession: string): CompactionEpisode | undefined {
    try {
      const e = JSON.parse(readFileSync(this.file(clientSession), 'utf8')) as CompactionEpisode;
      return e && typeof e.event === 'string' && typeof e.at === 'string' && e.seen ? e : undefined;
    } catch {
      return undefined;
    }
  }

  write(clientSession: string, episode: CompactionEpisode): void {
    const file = this.file(clientSession);
    writeFileAtomic(file, JSON.stringify(episode), { mkdir: true, fsync: false });
  }

  /**
   * Run `fn` holding this client session's compaction lock (an exclusively
   * created file), so that two hooks of one compaction decide in turn. A lock
   * left by a killed process is broken after LOCK_STALE_MS; if the lock cannot be
   * had within LOCK_WAIT_MS, `fn` runs anyway: a hook never hangs the agent.
   */
  async locked<T>(clientSession: string, fn: () => Promise<T>): Promise<T> {
    const lock = `${this.file(clientSession)}.lock`;
    mkdirSync(this.dir, { recursive: true });
    const deadline = Date.now() + LOCK_WAIT_MS;
    let held = false;
    while (!held) {
      try {
        closeSync(openSync(lock, 'wx'));
        held = true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        try {
          if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) unlinkSync(lock);
        } catch {
          /* released meanwhile */
        }
        if (Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 15 + Math.random() * 30));
      }
    }
    try {
      return await fn();
    } finally {
      if (held) {
        try {
          unlinkSync(lock);
        } catch {
          /* broken as stale by another process */
        }
      }
    }
  }
}

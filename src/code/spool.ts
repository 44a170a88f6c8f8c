/**
 * The commit spool: `.git/logbook/commits.spool`, one JSON line per git hook
 * run. The hook only appends here (so `git commit` pays little more than node's
 * start-up); `drainCommits` (record.ts) turns the lines into `commit.linked`
 * events. No zod, no journal: this file is part of the hook's small bundle.
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The environment that decides the session and actor (SPEC 4), as the hook saw it. */
export const SPOOL_ENV = ['LOGBOOK_SESSION', 'LOGBOOK_CLIENT_SESSION', 'LOGBOOK_AGENT', 'LOGBOOK_ACTOR', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL'] as const;

export interface SpoolLine {
  /** when the hook ran */
  t: string;
  /** post-commit: the new commit; post-rewrite: old → new pairs */
  hook: 'post-commit' | 'post-rewrite';
  commit?: string;
  /** CHERRY_PICK_HEAD during a cherry-pick's post-commit: the commit picked */
  picked?: string;
  /** post-merge: ORIG_HEAD, which a merge commit made by `git merge` has as first parent (a fast-forward's HEAD does not) */
  mergedInto?: string;
  /** a post-commit inside a rebase or an amend: its post-rewrite follows */
  waits?: boolean;
  why?: 'amend' | 'rebase';
  pairs?: Array<[string, string]>;
  branch?: string;
  env: Partial<Record<(typeof SPOOL_ENV)[number], string>>;
}

export const spoolDir = (gitdir: string) => path.join(gitdir, 'logbook');
const SPOOL = 'commits.spool';

export function appendSpool(gitdir: string, line: SpoolLine): void {
  const dir = spoolDir(gitdir);
  mkdirSync(dir, { recursive: true });
  // One write of a short line with O_APPEND: concurrent hooks never interleave.
  appendFileSync(path.join(dir, SPOOL), `${JSON.stringify(line)}\n`);
}

/**
 * Take every spooled line: the spool is renamed to a file of this taker's own
 * (so a hook appending meanwhile starts a new spool), plus what an earlier
 * taker left behind when it died (older than a minute). `done()` removes the
 * taken files; `giveBack()` puts the lines back for the next drain.
 */
export function takeSpool(gitdir: string, now: Date, tag: string): { lines: SpoolLine[]; done: () => void; giveBack: () => void } {
  const dir = spoolDir(gitdir);
  const mine = path.join(dir, `${SPOOL}.${tag}`);
  const files: string[] = [];
  try {
    renameSync(path.join(dir, SPOOL), mine);
    files.push(mine);
  } catch {
    /* nothing spooled */
  }
  try {
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(`${SPOOL}.`) || name === `${SPOOL}.${tag}`) continue;
      const p = path.join(dir, name);
      try {
        if (now.getTime() - statSync(p).mtimeMs > 60_000) {
          const adopted = `${mine}.${files.length}`;
          renameSync(p, adopted);
          files.push(adopted);
        }
      } catch {
        /* taken by another drain */
      }
    }
  } catch {
    /* no directory */
  }
  const lines: SpoolLine[] = [];
  const raw: string[] = [];
  for (const f of files) {
    for (const text of readFileSync(f, 'utf8').split('\n')) {
      if (!text.trim()) continue;
      try {
        lines.push(JSON.parse(text) as SpoolLine);
        raw.push(text);
      } catch {
        /* a torn line from a killed hook: nothing to recover */
      }
    }
  }
  const done = () => {
    for (const f of files) rmSync(f, { force: true });
  };
  return {
    lines,
    done,
    giveBack: () => {
      if (raw.length) appendFileSync(path.join(dir, SPOOL), `${raw.join('\n')}\n`);
      done();
    },
  };
}

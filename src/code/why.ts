/**
 * `logbook why PATH[:LINE[-END]]`: blame → commit → session. Each blamed
 * commit is matched to a recorded `commit.linked`: directly, through the
 * rewrites Logbook saw (amend, rebase, cherry-pick), or by patch id for the
 * rewrites it never saw (a rebase on another clone, a squash that kept the
 * patch). Then each session brings the decisions, discoveries, blockers and
 * `file:` items that concern the path.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { LogbookError } from '../errors.js';
import type { Logbook } from '../logbook.js';
import { originsOf, type CommitLookup, type CommitRecord } from '../../projections/commits.js';
import { whyView, type BlamedCommit, type WhyView } from '../../projections/why.js';
import { loadCommitLookup } from './commitsIndex.js';
import { gitRunner, patchIds, type GitRunner } from './git.js';

export interface WhyTarget {
  file: string;
  start?: number;
  end?: number;
}

/** `src/a.ts`, `src/a.ts:12`, `src/a.ts:12-20` (a path may itself hold colons; only a trailing line part counts). */
export function parseTarget(text: string): WhyTarget {
  const t = text.trim();
  if (!t) throw new LogbookError('INVALID_INPUT', 'why needs a path', { hint: 'for example: logbook why src/app.ts:42' });
  const m = /^(.+?):(\d+)(?:-(\d+))?$/.exec(t);
  if (!m) return { file: t };
  const start = Number(m[2]);
  const end = m[3] === undefined ? start : Number(m[3]);
  if (start < 1 || end < start) {
    throw new LogbookError('INVALID_INPUT', `line range ${m[2]}${m[3] ? `-${m[3]}` : ''} is not a range of lines`, { hint: 'lines count from 1, and END is not before LINE: src/a.ts:10-20' });
  }
  return { file: m[1]!, start, end };
}

interface Located {
  rel: string;
  workTree: string;
  lineCount: number;
}

function locate(target: WhyTarget, cwd: string, workTree: string | undefined, git: GitRunner): Located {
  if (!workTree) throw new LogbookError('INVALID_INPUT', 'this repository has no work tree to blame', { hint: 'run `logbook why` in a clone with a checkout' });
  const root = realpathSync(workTree);
  const abs = path.resolve(cwd, target.file);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Only a missing path is "no file": a directory that cannot be searched (EACCES) or a symlink loop says so.
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new LogbookError('INVALID_INPUT', `cannot open ${target.file} (${abs}): ${(e as Error).message}`, { hint: 'check the permissions of the file and of the folders above it', cause: e });
    throw new LogbookError('UNKNOWN_PATH', `no file ${target.file} (looked for ${abs})`, { hint: 'pass the path of a file in this repository, relative to where you are', cause: e });
  }
  const rel = path.relative(root, real);
  if (!rel) throw new LogbookError('INVALID_INPUT', `${target.file} is the repository's top folder, not a file`, { hint: 'pass a file, e.g. logbook why src/app.ts' });
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new LogbookError('INVALID_INPUT', `${target.file} is outside the repository ${root}`, { hint: 'pass a file inside this repository' });
  }
  if (statSync(real).isDirectory()) throw new LogbookError('INVALID_INPUT', `${target.file} is a directory`, { hint: 'pass a file, e.g. logbook why src/app.ts' });
  const relPosix = rel.split(path.sep).join('/');
  const text = readFileSync(real, 'utf8');
  const lineCount = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (target.start !== undefined && target.end! > lineCount) {
    throw new LogbookError('INVALID_INPUT', `line ${target.end} is out of range: ${relPosix} has ${lineCount} line(s)`, { hint: lineCount ? `pass lines between 1 and ${lineCount}` : 'the file is empty' });
  }
  return { rel: relPosix, workTree: root, lineCount };
}

/** Parse `git blame --porcelain`: each commit with the final line numbers it explains. */
export function parseBlame(out: string): Array<{ commit: string; lines: number[]; summary: string; author: string; time?: string }> {
  const byCommit = new Map<string, { commit: string; lines: number[]; summary: string; author: string; time?: string }>();
  let current: { commit: string; lines: number[]; summary: string; author: string; time?: string } | undefined;
  let final = 0;
  for (const line of out.split('\n')) {
    const head = /^([0-9a-f]{40}(?:[0-9a-f]{24})?) \d+ (\d+)/.exec(line);
    if (head) {
      current = byCommit.get(head[1]!);
      if (!current) {
        current = { commit: head[1]!, lines: [], summary: '', author: '' };
        byCommit.set(head[1]!, current);
      }
      final = Number(head[2]);
      continue;
    }
    if (!current) continue;
    if (line.startsWith('\t')) current.lines.push(final);
    else if (line.startsWith('summary ')) current.summary = line.slice(8);
    else if (line.startsWith('author ')) current.author = line.slice(7);
    else if (line.startsWith('author-time ')) current.time = new Date(Number(line.slice(12)) * 1000).toISOString();
  }
  return [...byCommit.values()];
}

/** The recorded commit a blamed commit leads to, and how. */
function match(index: CommitLookup, commit: string, direct: CommitRecord | undefined, byPatch: Map<string, string>): { record: CommitRecord; how: BlamedCommit['how'] } | undefined {
  if (direct) return { record: direct, how: direct.replaces ? 'rewritten' : 'recorded' };
  const patch = byPatch.get(commit);
  const twins = patch ? index.withPatch(patch) : [];
  // The first recorded commit with that patch: where the change was written (later ones are its copies).
  const twin = twins.length ? index.get(twins[0]!) : undefined;
  return twin ? { record: twin, how: 'patch-id' } : undefined;
}

export async function why(logbook: Logbook, options: { target: string; cwd: string; env: NodeJS.ProcessEnv }): Promise<WhyView> {
  const target = parseTarget(options.target);
  const repo = logbook.journal.repo;
  const git = gitRunner(repo?.workTree ?? options.cwd, options.env);
  const where = locate(target, options.cwd, repo?.workTree, git);
  const range = target.start !== undefined ? ['-L', `${target.start},${target.end}`] : [];
  const untracked = () => !git(['ls-files', '--full-name', '--', where.rel], { allowFail: true }).trim();
  const notTracked = () => new LogbookError('UNKNOWN_PATH', `${where.rel} is not tracked by git: no commit explains it`, { hint: 'commit it first, or pass a tracked file (`git ls-files`)' });
  let blameOut = '';
  if (!where.lineCount) {
    if (untracked()) throw notTracked();
  } else {
    try {
      blameOut = git(['blame', '--porcelain', ...range, '--', where.rel]);
    } catch (e) {
      // Asked only when blame fails, so the common case runs one git process.
      if (untracked()) throw notTracked();
      throw e;
    }
  }
  const blame = parseBlame(blameOut);
  const [snap, index] = await Promise.all([logbook.load(), loadCommitLookup(logbook.journal)]);
  const uncommitted = /^0+$/;
  const direct = new Map(blame.map((b) => [b.commit, uncommitted.test(b.commit) ? undefined : index.get(b.commit)]));
  const unknown = blame.filter((b) => !uncommitted.test(b.commit) && !direct.get(b.commit)).map((b) => b.commit);
  const byPatch = unknown.length && !index.empty ? patchIds(git, unknown) : new Map<string, string>();
  const blamed: BlamedCommit[] = blame.map((b) => {
    if (uncommitted.test(b.commit)) return { commit: b.commit, lines: b.lines, subject: 'Not committed yet', author: b.author, how: 'uncommitted' };
    const m = match(index, b.commit, direct.get(b.commit), byPatch);
    if (!m) return { commit: b.commit, lines: b.lines, subject: b.summary, author: b.author, ...(b.time ? { at: b.time } : {}), how: 'unrecorded' };
    return { commit: b.commit, lines: b.lines, subject: b.summary, author: b.author, ...(b.time ? { at: b.time } : {}), how: m.how, record: m.record, origins: originsOf(index, m.record.commit) };
  });
  return whyView({
    path: where.rel,
    ...(target.start !== undefined ? { range: { start: target.start, end: target.end! } } : {}),
    blamed,
    sessionOf: (id) => {
      try {
        return logbook.journal.loadSession(snap, id);
      } catch {
        return undefined; // a closed session's cached file unreadable: shown by id only
      }
    },
    items: snap.items,
  });
}

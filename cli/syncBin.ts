/**
 * Entry of dist/sync.cjs: a plain `logbook sync [REMOTE] [--json] [--no-push]` with the system git,
 * without loading the CLI bundle (commander, every command, the journal and its schemas): a sync's
 * own work is two git processes, and the start-up was most of its time. bin/logbook.cjs requires
 * it for `sync`; anything else it is given (other flags, --help, commits the git hooks spooled for
 * this sync to record first, no repository, no journal, no git binary) is handed back untouched
 * to the full CLI, which handles it as ever.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { findRepo, readReplicaId } from '../src/repo.js';
import { gitBinary } from '../src/store/gitBinary.js';
import { findExecutable } from '../src/store/gitTransport.js';
import { sync } from '../src/sync.js';
import { errorExit, guardedIo } from './errorExit.js';
import type { Io } from './io.js';
import { processWriters } from './stdio.js';
import { reportSync, syncIoOptions } from './syncReport.js';

interface Plain {
  remote: string;
  json: boolean;
  push: boolean;
}

/** The arguments of a plain sync, or undefined for anything the full CLI must parse. */
export function plainSyncArgs(argv: string[]): Plain | undefined {
  if (argv[0] !== 'sync') return undefined;
  const out: Plain = { remote: 'origin', json: false, push: true };
  let positional = 0;
  for (const a of argv.slice(1)) {
    if (a === '--json') out.json = true;
    else if (a === '--no-push') out.push = false;
    else if (a.startsWith('-') || a.includes('\0') || ++positional > 1) return undefined;
    else out.remote = a;
  }
  return out;
}

/** Commits the post-commit hook spooled: the full CLI records them before it syncs. */
function commitsSpooled(gitdir: string): boolean {
  try {
    return readdirSync(path.join(gitdir, 'logbook')).some((n) => n.startsWith('commits.spool'));
  } catch {
    return false;
  }
}

/**
 * Run a plain sync and resolve to its exit code, or to undefined (nothing done, nothing printed)
 * when the full CLI must run instead.
 */
export async function fastSync(argv: string[], rawIo: Io): Promise<number | undefined> {
  const args = plainSyncArgs(argv);
  if (!args) return undefined;
  let gitdir: string;
  let replica: string | undefined;
  try {
    gitdir = findRepo(rawIo.cwd).gitdir;
    replica = readReplicaId(gitdir);
    const binary = gitBinary(rawIo.env);
    if (!replica || !binary || !findExecutable(binary, rawIo.env) || commitsSpooled(gitdir)) return undefined;
  } catch {
    return undefined; // whatever is wrong there, the full CLI says it
  }
  const io = guardedIo(rawIo);
  try {
    const result = await sync({ gitdir, replica, ...syncIoOptions(io, args.remote, args.json), push: args.push });
    reportSync(io, result, args.json);
    return 0;
  } catch (e) {
    return errorExit(io, e);
  }
}

/** Called by bin/logbook.cjs with the loader of the full CLI, which runs when this entry declines. */
export function run(loadFullCli: () => void): void {
  const argv = process.argv.slice(2);
  const base = { cwd: process.cwd(), env: process.env, readStdin: () => Promise.resolve('') };
  // The writers are set up only once this entry is sure to handle the command: the full CLI sets up its own.
  let writers: ReturnType<typeof processWriters> | undefined;
  const io: Io = { ...base, stdout: (t) => (writers ??= processWriters()).stdout(t), stderr: (t) => (writers ??= processWriters()).stderr(t) };
  fastSync(argv, io).then((code) => {
    if (code === undefined) loadFullCli();
    else process.exitCode = code;
  });
}

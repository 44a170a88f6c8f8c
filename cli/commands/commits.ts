import { Command } from 'commander';
import { commitView, renderCommits, sessionCommits } from '../../projections/commits.js';
import { loadCommitLookup } from '../../src/code/commitsIndex.js';
import { drainCommits } from '../../src/code/record.js';
import { isLogbookError } from '../../src/errors.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';

export function commitsCommand(io: Io): Command {
  return new Command('commits')
    .description("a session's commits (default: current), newest first, with what became of each")
    .argument('[S]', 'session')
    .option('--session <S>', 'session (same as the argument)')
    .option('--json', 'the commits as JSON')
    .action(async (ref: string | undefined, opts: { session?: string; json?: boolean }) => {
      const logbook = openLogbook(io, { session: opts.session });
      await drainQuietly(io);
      const snap = await logbook.load();
      const s = logbook.session(snap, ref ?? opts.session);
      const index = await loadCommitLookup(logbook.journal);
      const views = sessionCommits(index, s.id).map((r) => commitView(index, r));
      if (opts.json) return printJson(io, { session: s.id, stable: s.stable, commits: views });
      io.stdout(renderCommits(s, views));
    });
}

/** Record the commits the hooks spooled that the background drain has not recorded yet; a failure is said, not fatal to reading. */
export async function drainQuietly(io: Io): Promise<void> {
  try {
    await drainCommits({ cwd: io.cwd, env: io.env });
  } catch (e) {
    const what = isLogbookError(e) ? e.message : (e as Error)?.message ?? String(e);
    io.stderr(`logbook: note: spooled commits could not be recorded yet (${what}); they stay spooled for the next try\n`);
  }
}

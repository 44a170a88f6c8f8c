import { Command } from 'commander';
import { commitView, renderCommits, sessionCommits } from '../../projections/commits.js';
import { loadCommits } from '../../src/code/commitsIndex.js';
import { drainCommits } from '../../src/code/record.js';
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
      // Commits the hooks spooled and the background drain has not recorded yet.
      await drainCommits({ cwd: io.cwd, env: io.env });
      const snap = await logbook.load();
      const s = logbook.session(snap, ref ?? opts.session);
      const index = await loadCommits(logbook.journal);
      const views = sessionCommits(index, s.id).map((r) => commitView(index, r));
      if (opts.json) return printJson(io, { session: s.id, stable: s.stable, commits: views });
      io.stdout(renderCommits(s, views));
    });
}

import { Command } from 'commander';
import { renderStats, renderStatsText } from '../../projections/stats.js';
import { staleTimeoutMs } from '../../src/config.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';

export function statsCommand(io: Io): Command {
  return new Command('stats')
    .description('session statistics: active, paused, completed, abandoned, stale, average duration, completion rate')
    .option('--json', 'the statistics as JSON')
    .action(async (opts: { json?: boolean }) => {
      const logbook = openLogbook(io);
      const snap = await logbook.load();
      const stats = renderStats(snap.sessions, { asOf: logbook.journal.now(), staleAfterMs: staleTimeoutMs(logbook.journal) });
      if (opts.json) return printJson(io, stats);
      io.stdout(renderStatsText(stats));
    });
}

import { Command } from 'commander';
import { renderStats, renderStatsText } from '../../projections/stats.js';
import { staleTimeoutMs } from '../../src/config.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';
import { loadAt } from '../../src/timetravel/index.js';
import { AT_FLAG, banner, withMoment } from '../at.js';
import { groupModel } from '../../src/groups/index.js';

export function statsCommand(io: Io): Command {
  return new Command('stats')
    .description('session statistics: active, paused, completed, abandoned, stale, average duration, completion rate')
    .option('--group <G>', 'only the sessions of this group')
    .option(...AT_FLAG)
    .option('--json', 'the statistics as JSON')
    .action(async (opts: { group?: string; at?: string; json?: boolean }) => {
      const logbook = openLogbook(io);
      const { snap, moment } = await loadAt(logbook, opts.at, { parts: { items: false } }); // headers, no item
      // As of a moment, staleness is measured at that moment, not today.
      const asOf = moment?.at ? new Date(moment.at) : logbook.journal.now();
      const model = opts.group === undefined ? snap.sessions : groupModel(logbook.journal, snap, opts.group);
      const stats = renderStats(model, { asOf, staleAfterMs: staleTimeoutMs(logbook.journal) });
      const view = opts.group === undefined ? stats : { ...stats, group: opts.group };
      if (opts.json) return printJson(io, withMoment(view, moment));
      io.stdout(banner(moment) + (opts.group === undefined ? '' : `Group ${opts.group}\n`) + renderStatsText(stats));
    });
}

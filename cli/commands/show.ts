import { Command } from 'commander';
import { findEvent } from '../../src/search/show.js';
import { renderEvent } from '../../projections/search.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';

export function showCommand(io: Io): Command {
  return new Command('show')
    .description('print one event in full (by id or a unique prefix, as `logbook search` lists them), with its session around it')
    .argument('<EVENT>', 'event id or unique prefix')
    .option('--json', 'the event, its session and its neighbours as JSON')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const logbook = openLogbook(io);
      const snap = await logbook.load();
      const shown = findEvent(snap, await logbook.journal.events(snap), ref);
      if (opts.json) return printJson(io, shown);
      io.stdout(renderEvent(shown));
    });
}

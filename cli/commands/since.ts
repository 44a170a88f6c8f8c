import { Command } from 'commander';
import { renderSinceMarkdown } from '../../projections/since.js';
import { since } from '../../src/timetravel/index.js';
import type { Io } from '../io.js';
import { openLogbook, printJson, wholeNumber } from '../io.js';

export function sinceCommand(io: Io): Command {
  return new Command('since')
    .description("what changed in the whole journal since WHEN (default: the end of your previous session), other actors' work first")
    .argument('[WHEN]', 'ISO time, 2h / 3d ago, an event id, checkpoint:N or compaction:N of the current session')
    .option('--limit <N>', 'at most this many changes (default 40)', wholeNumber(1, 'changes'))
    .option('--json', 'the changes as JSON')
    .action(async (when: string | undefined, opts: { limit?: number; json?: boolean }) => {
      const { moment, view } = await since(openLogbook(io), when, opts.limit === undefined ? {} : { limit: opts.limit });
      if (opts.json) return printJson(io, { moment, ...view });
      io.stdout(renderSinceMarkdown(view, moment.label));
    });
}

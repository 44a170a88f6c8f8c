import { Command } from 'commander';
import { renderWhy } from '../../projections/why.js';
import { why } from '../../src/code/why.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';
import { drainQuietly } from './commits.js';

export function whyCommand(io: Io): Command {
  return new Command('why')
    .description('which session, agent and decisions produced these lines: blame → commit → session')
    .argument('<PATH[:LINE[-END]]>', 'a file, optionally a line or a range of lines')
    .option('--json', 'the answer as JSON')
    .action(async (target: string, opts: { json?: boolean }) => {
      const logbook = openLogbook(io);
      await drainQuietly(io);
      const view = await why(logbook, { target, cwd: io.cwd, env: io.env });
      if (opts.json) return printJson(io, view);
      io.stdout(renderWhy(view));
    });
}

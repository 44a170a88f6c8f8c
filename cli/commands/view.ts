import { Command } from 'commander';
import { renderSessionView } from '../../projections/sessionFile.js';
import { readHandlers } from '../../src/operations/readHandlers.js';
import { AT_FLAG, banner, withMoment } from '../at.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';

export function viewCommand(io: Io): Command {
  return new Command('view')
    .description('show a session (default: current) as its session file')
    .argument('[S]', 'session')
    .option('--progress', 'only the progress')
    .option('--decisions', 'only the decisions')
    .option('--session <S>', 'session (same as the argument)')
    .option(...AT_FLAG)
    .option('--json', 'the session and every one of its events as JSON')
    .action(async (ref: string | undefined, opts: { progress?: boolean; decisions?: boolean; session?: string; at?: string; json?: boolean }) => {
      const logbook = openLogbook(io, { session: opts.session });
      const v = await readHandlers.view(logbook, { session: ref ?? opts.session, at: opts.at, events: opts.json === true });
      if (opts.json) return printJson(io, withMoment({ session: v.session, events: v.events, commits: v.commits }, v.moment));
      const only = [...(opts.progress ? ['progress' as const] : []), ...(opts.decisions ? ['decisions' as const] : [])];
      io.stdout(banner(v.moment) + renderSessionView(v.session, { items: v.items, commits: v.commits, only }));
    });
}

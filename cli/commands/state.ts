import { Command } from 'commander';
import { projectState, renderStateMarkdown } from '../../projections/state.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, openLogbook, printJson } from '../io.js';
import { handlers } from '../../src/operations/handlers.js';
import { stateOperation } from '../../src/operations/requests.js';
import { requestFrom, requestOptions } from '../request.js';
import { loadAt } from '../../src/timetravel/index.js';
import { AT_FLAG, banner, withMoment } from '../at.js';

export function stateCommand(io: Io): Command {
  const cmd = new Command('state')
    .description('the project state: todo list, current focus, next steps')
    .option(...AT_FLAG)
    // `state set … --json` is set's own flag, not this command's (commander would give it to the parent).
    .enablePositionalOptions()
    .option('--json', 'the state as JSON')
    .action(async (opts: { at?: string; json?: boolean }) => {
      const { snap, moment } = await loadAt(openLogbook(io), opts.at);
      const state = projectState(snap.events);
      if (opts.json) return printJson(io, withMoment(state, moment));
      io.stdout(banner(moment) + renderStateMarkdown(state));
    });
  requestOptions(cmd.command('set').description(stateOperation.summary), stateOperation)
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the new state as JSON')
    .action(async (opts: { json?: boolean; allowSecret?: boolean }, sub: Command) => {
      const { state } = await handlers.state(openLogbook(io, { allowSecret: opts.allowSecret }), await requestFrom(io, stateOperation, sub));
      if (opts.json) return printJson(io, state);
      io.stdout(renderStateMarkdown(state));
    });
  return cmd;
}

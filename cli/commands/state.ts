import { Command } from 'commander';
import { projectState, renderStateMarkdown } from '../../projections/state.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, collect, openLogbook, printJson, textValue } from '../io.js';
import { eventsAt, loadAt } from '../../src/timetravel/index.js';
import { AT_FLAG, banner, withMoment } from '../at.js';

export function stateCommand(io: Io): Command {
  const cmd = new Command('state')
    .description('the project state: todo list, current focus, next steps')
    .option(...AT_FLAG)
    // `state set … --json` is set's own flag, not this command's (commander would give it to the parent).
    .enablePositionalOptions()
    .option('--json', 'the state as JSON')
    .action(async (opts: { at?: string; json?: boolean }) => {
      const logbook = openLogbook(io);
      const at = await loadAt(logbook, opts.at);
      const { moment } = at;
      const state = projectState(await eventsAt(logbook, at));
      if (opts.json) return printJson(io, withMoment(state, moment));
      io.stdout(banner(moment) + renderStateMarkdown(state));
    });
  cmd
    .command('set')
    .description('set the project state; each given field replaces its old value, the others stay')
    .option('--todo <text>', 'a todo item (repeatable; the list replaces the old one)', collect, [])
    .option('--focus <text>', 'the current focus ("" clears it)')
    .option('--next <text>', 'a next step (repeatable; the list replaces the old one)', collect, [])
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the new state as JSON')
    .action(async (opts: { todo: string[]; focus?: string; next: string[]; json?: boolean; allowSecret?: boolean }) => {
      const { state } = await openLogbook(io, { allowSecret: opts.allowSecret }).setState({
        todo: opts.todo,
        next: opts.next,
        ...(opts.focus !== undefined ? { focus: await textValue(io, opts.focus) } : {}),
      });
      if (opts.json) return printJson(io, state);
      io.stdout(renderStateMarkdown(state));
    });
  return cmd;
}

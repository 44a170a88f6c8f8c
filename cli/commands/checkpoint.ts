import { Command } from 'commander';
import type { Io } from '../io.js';
import { openLogbook, printJson, textValue } from '../io.js';

export function checkpointCommand(io: Io): Command {
  return new Command('checkpoint')
    .description('save an explicit checkpoint (records the git branch and commit)')
    .option('--note <text>', 'what this checkpoint marks')
    .option('--session <S>', 'session (default: current)')
    .option('--json', 'print the written events as JSON')
    .action(async (opts: { note?: string; session?: string; json?: boolean }) => {
      const { session, events } = await openLogbook(io, { session: opts.session }).checkpoint(await textValue(io, opts.note));
      if (opts.json) return printJson(io, events);
      io.stdout(`Checkpoint saved for ${session.stable} (${session.shortname}).\n`);
    });
}

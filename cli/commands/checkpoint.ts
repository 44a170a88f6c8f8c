import { Command } from 'commander';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, openLogbook, printJson, textValue } from '../io.js';

export function checkpointCommand(io: Io): Command {
  return new Command('checkpoint')
    .description('save an explicit checkpoint (records the git branch and commit)')
    .option('--note <text>', 'what this checkpoint marks')
    .option('--session <S>', 'session (default: current)')
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the written events as JSON')
    .action(async (opts: { note?: string; session?: string; json?: boolean; allowSecret?: boolean }) => {
      const { session, events } = await openLogbook(io, { session: opts.session, allowSecret: opts.allowSecret }).checkpoint(await textValue(io, opts.note));
      if (opts.json) return printJson(io, events);
      io.stdout(`Checkpoint saved for ${session.stable} (${session.shortname}).\n`);
    });
}

import { Command } from 'commander';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, openLogbook, printJson, textValue } from '../io.js';

export function pauseCommand(io: Io): Command {
  return new Command('pause')
    .description('pause the session (resume it later with `logbook resume`)')
    .option('--note <text>', 'why, or where you stopped')
    .option('--session <S>', 'session (default: current)')
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the written events as JSON')
    .action(async (opts: { note?: string; session?: string; json?: boolean; allowSecret?: boolean }) => {
      const { session, events } = await openLogbook(io, { session: opts.session, allowSecret: opts.allowSecret }).pause(await textValue(io, opts.note));
      if (opts.json) return printJson(io, events);
      io.stdout(`Paused ${session.stable} (${session.shortname}). Resume with: logbook resume ${session.stable}\n`);
    });
}

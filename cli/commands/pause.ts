import { Command } from 'commander';
import type { Io } from '../io.js';
import { openLogbook, printJson, textValue } from '../io.js';

export function pauseCommand(io: Io): Command {
  return new Command('pause')
    .description('pause the session (resume it later with `logbook resume`)')
    .option('--note <text>', 'why, or where you stopped')
    .option('--session <S>', 'session (default: current)')
    .option('--json', 'print the written events as JSON')
    .action(async (opts: { note?: string; session?: string; json?: boolean }) => {
      const { session, events } = await openLogbook(io, { session: opts.session }).pause(await textValue(io, opts.note));
      if (opts.json) return printJson(io, events);
      io.stdout(`Paused ${session.stable} (${session.shortname}). Resume with: logbook resume ${session.stable}\n`);
    });
}

import { Command } from 'commander';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, openLogbook, printJson, textValue } from '../io.js';
import { LogbookError } from '../../src/errors.js';
import { pauseGroup } from '../../src/groups/index.js';

export function pauseCommand(io: Io): Command {
  return new Command('pause')
    .description('pause the session (resume it later with `logbook resume`)')
    .option('--note <text>', 'why, or where you stopped')
    .option('--session <S>', 'session (default: current)')
    .option('--group <G>', 'every active session of this group, in one append')
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the written events as JSON')
    .action(async (opts: { note?: string; session?: string; group?: string; json?: boolean; allowSecret?: boolean }) => {
      if (opts.group !== undefined) {
        if (opts.session !== undefined) throw new LogbookError('INVALID_INPUT', '--group and --session name different things to pause', { hint: 'pass one of them' });
        const note = await textValue(io, opts.note);
        const r = await pauseGroup(openLogbook(io), { group: opts.group, ...(note !== undefined ? { note } : {}), ...(opts.allowSecret ? { allowSecret: true } : {}) });
        if (opts.json) return printJson(io, r.events);
        const skipped = r.skipped.length ? `\nAlready paused: ${r.skipped.map((s) => s.stable).join(', ')}\n` : '';
        return io.stdout(`Paused ${r.sessions.length} session(s) of group ${r.group}:\n${r.sessions.map((s) => `  ${s.stable}  ${s.shortname}`).join('\n')}\n${skipped}`);
      }
      const { session, events } = await openLogbook(io, { session: opts.session, allowSecret: opts.allowSecret }).pause(await textValue(io, opts.note));
      if (opts.json) return printJson(io, events);
      io.stdout(`Paused ${session.stable} (${session.shortname}). Resume with: logbook resume ${session.stable}\n`);
    });
}

import { Command } from 'commander';
import { handlers, isGroupResult } from '../../src/operations/handlers.js';
import { pauseOperation } from '../../src/operations/requests.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, openLogbook, printJson } from '../io.js';
import { requestFrom, requestOptions } from '../request.js';

export function pauseCommand(io: Io): Command {
  return requestOptions(new Command('pause').description(pauseOperation.summary), pauseOperation)
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the written events as JSON (with --group: the sessions paused, as close --group does)')
    .action(async (opts: { json?: boolean; allowSecret?: boolean }, cmd: Command) => {
      const request = await requestFrom(io, pauseOperation, cmd);
      const r = await handlers.pause(openLogbook(io, { session: request.session, allowSecret: opts.allowSecret }), request, opts.allowSecret ? { allowSecret: true } : {});
      if (isGroupResult(r)) {
        if (opts.json) return printJson(io, { group: r.group, sessions: r.sessions.map((s) => s.id), skipped: r.skipped.map((s) => s.id), events: r.events });
        const skipped = r.skipped.length ? `\nAlready paused: ${r.skipped.map((s) => s.stable).join(', ')}\n` : '';
        return io.stdout(`Paused ${r.sessions.length} session(s) of group ${r.group}:\n${r.sessions.map((s) => `  ${s.stable}  ${s.shortname}`).join('\n')}\n${skipped}`);
      }
      if (opts.json) return printJson(io, r.events);
      io.stdout(`Paused ${r.session.stable} (${r.session.shortname}). Resume with: logbook resume ${r.session.stable}\n`);
    });
}

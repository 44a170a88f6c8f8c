import { Command } from 'commander';
import { handlers } from '../../src/operations/handlers.js';
import { logOperation } from '../../src/operations/requests.js';
import { eventLine } from '../format.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, openLogbook, printJson } from '../io.js';
import { requestFrom, requestOptions } from '../request.js';

export function logCommand(io: Io): Command {
  return requestOptions(new Command('log').description(logOperation.summary), logOperation)
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the written events as JSON')
    .action(async (opts: { json?: boolean; allowSecret?: boolean }, cmd: Command) => {
      const request = await requestFrom(io, logOperation, cmd);
      const events = await handlers.log(openLogbook(io, { session: request.session, allowSecret: opts.allowSecret }), request);
      if (opts.json) return printJson(io, events);
      for (const e of events) io.stdout(`${eventLine(e)}\n`);
    });
}

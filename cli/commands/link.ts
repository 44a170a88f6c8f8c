import { Command } from 'commander';
import { handlers } from '../../src/operations/handlers.js';
import { linkOperation } from '../../src/operations/requests.js';
import { eventLine } from '../format.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, openLogbook, printJson } from '../io.js';
import { requestFrom, requestOptions } from '../request.js';

export function linkCommand(io: Io): Command {
  return requestOptions(new Command('link').description(linkOperation.summary), linkOperation)
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the written event as JSON')
    .action(async (_key: string, opts: { json?: boolean; allowSecret?: boolean }, cmd: Command) => {
      const request = await requestFrom(io, linkOperation, cmd);
      const events = await handlers.link(openLogbook(io, { session: request.session, allowSecret: opts.allowSecret }), request);
      if (opts.json) return printJson(io, events);
      for (const e of events) io.stdout(`${eventLine(e)}\n`);
    });
}

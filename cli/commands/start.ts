import { Command } from 'commander';
import { handlers } from '../../src/operations/handlers.js';
import { startOperation } from '../../src/operations/requests.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, openLogbook, printJson } from '../io.js';
import { requestFrom, requestOptions } from '../request.js';

export function startCommand(io: Io): Command {
  return requestOptions(new Command('start').description(startOperation.summary), startOperation)
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the new session as JSON')
    .action(async (opts: { json?: boolean; allowSecret?: boolean }, cmd: Command) => {
      const { session } = await handlers.start(openLogbook(io, { allowSecret: opts.allowSecret }), await requestFrom(io, startOperation, cmd));
      if (opts.json) return printJson(io, session);
      io.stdout(`Started session ${session.id} (${session.stable}, ${session.shortname})${session.gitBranch ? ` on ${session.gitBranch}` : ''}\n`);
    });
}

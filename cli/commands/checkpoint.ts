import { Command } from 'commander';
import { handlers } from '../../src/operations/handlers.js';
import { checkpointOperation } from '../../src/operations/requests.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, openLogbook, printJson } from '../io.js';
import { requestFrom, requestOptions } from '../request.js';

export function checkpointCommand(io: Io): Command {
  return requestOptions(new Command('checkpoint').description(checkpointOperation.summary), checkpointOperation)
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the written events as JSON')
    .action(async (opts: { json?: boolean; allowSecret?: boolean }, cmd: Command) => {
      const request = await requestFrom(io, checkpointOperation, cmd);
      const { session, events } = await handlers.checkpoint(openLogbook(io, { session: request.session, allowSecret: opts.allowSecret }), request);
      if (opts.json) return printJson(io, events);
      io.stdout(`Checkpoint saved for ${session.stable} (${session.shortname}).\n`);
    });
}

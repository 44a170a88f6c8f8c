import { Command } from 'commander';
import { contextSection } from '../../projections/sessionFile.js';
import { inlineAll } from '../../projections/text.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, openLogbook, printJson } from '../io.js';
import { handlers } from '../../src/operations/handlers.js';
import { contextOperation } from '../../src/operations/requests.js';
import { requestFrom, requestOptions } from '../request.js';

export function contextCommand(io: Io): Command {
  return requestOptions(new Command('context').description(`${contextOperation.summary}; with no flags, show it`), contextOperation)
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'the context as JSON')
    .action(async (opts: { json?: boolean; allowSecret?: boolean }, cmd: Command) => {
      const request = await requestFrom(io, contextOperation, cmd);
      const logbook = openLogbook(io, { session: request.session, allowSecret: opts.allowSecret });
      let session;
      if (request.objective === undefined && !request.files?.length && !request.facts?.length) {
        session = logbook.session(await logbook.load(), request.session);
      } else {
        ({ session } = await handlers.context(logbook, request));
      }
      if (opts.json) return printJson(io, { session: session.id, ...session.context });
      io.stdout(`## Context of ${session.stable} (${session.shortname})\n${contextSection(inlineAll(session)).join('\n')}\n`);
    });
}

import { Command } from 'commander';
import { closeSummary, renderCloseSummary } from '../../projections/closeSummary.js';
import { handlers, isGroupResult } from '../../src/operations/handlers.js';
import { closeOperation } from '../../src/operations/requests.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, openLogbook, printJson } from '../io.js';
import { requestFrom, requestOptions } from '../request.js';

export function closeCommand(io: Io): Command {
  return requestOptions(new Command('close').description(closeOperation.summary), closeOperation)
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the close summary as JSON (with --group: the sessions closed)')
    .action(async (opts: { json?: boolean; allowSecret?: boolean }, cmd: Command) => {
      const request = await requestFrom(io, closeOperation, cmd);
      const r = await handlers.close(openLogbook(io, { session: request.session, allowSecret: opts.allowSecret }), request, opts.allowSecret ? { allowSecret: true } : {});
      if (isGroupResult(r)) {
        if (opts.json) return printJson(io, { group: r.group, sessions: r.sessions.map((s) => s.id), events: r.events });
        const verb = request.outcome === 'completed' ? 'Completed' : 'Abandoned';
        return io.stdout(`${verb} ${r.sessions.length} session(s) of group ${r.group}:\n${r.sessions.map((s) => `  ${s.stable}  ${s.shortname}`).join('\n')}\n`);
      }
      const summary = closeSummary(r.session)!;
      if (opts.json) return printJson(io, summary);
      io.stdout(renderCloseSummary(summary));
    });
}

import { Command } from 'commander';
import { stableId } from '../../src/events.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';
import { handlers } from '../../src/operations/handlers.js';
import { redactOperation } from '../../src/operations/requests.js';
import { requestFrom, requestOptions } from '../request.js';

export function redactCommand(io: Io): Command {
  return requestOptions(new Command('redact').description(redactOperation.summary), redactOperation)
    .option('--json', 'print the written redaction event as JSON')
    .addHelpText('after', '\nThe original commit stays in git history (and in every clone it was pushed to) until the\nref is rewritten by hand: see docs/safety.md before relying on this for a leaked secret.\n')
    .action(async (_event: string, opts: { json?: boolean }, cmd: Command) => {
      const { target, events, earlier } = await handlers.redact(openLogbook(io), await requestFrom(io, redactOperation, cmd));
      if (opts.json) return printJson(io, events);
      if (earlier) {
        io.stdout(`Event ${target.id} (${target.type}) is already hidden by redaction ${earlier.id}.\n`);
        return;
      }
      io.stdout(
        `Redacted ${target.id} (${target.type}${target.session ? ` in ${stableId(target.session)}` : ''}): its text shows as [redacted] in every view (redaction ${events[0]!.id}).\n` +
          'The original commit is still in git history, locally and on every remote it was pushed to.\n' +
          'If it held a live secret, rotate the secret now; to purge the commit see docs/safety.md.\n',
      );
    });
}

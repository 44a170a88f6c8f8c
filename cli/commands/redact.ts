import { Command } from 'commander';
import { stableId } from '../../src/events.js';
import type { Io } from '../io.js';
import { openLogbook, printJson, textValue } from '../io.js';

export function redactCommand(io: Io): Command {
  return new Command('redact')
    .description("hide an event's text from every view (for a secret that slipped through); history is not rewritten")
    .argument('<EVENT>', 'event id (or a unique prefix or suffix of it), from `view --json` or `log --json`')
    .option('--reason <text>', 'why it is hidden (- reads stdin)')
    .option('--json', 'print the written redaction event as JSON')
    .addHelpText('after', '\nThe original commit stays in git history (and in every clone it was pushed to) until the\nref is rewritten by hand: see docs/safety.md before relying on this for a leaked secret.\n')
    .action(async (eventRef: string, opts: { reason?: string; json?: boolean }) => {
      const { target, events, earlier } = await openLogbook(io).redact(eventRef, await textValue(io, opts.reason));
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

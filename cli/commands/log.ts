import { Command } from 'commander';
import type { LogOptions } from '../../src/logbook.js';
import { eventLine } from '../format.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, collect, openLogbook, printJson, textValue } from '../io.js';

export function logCommand(io: Io): Command {
  return new Command('log')
    .description('add entries to the session log (several flags, and a flag several times, are fine: one event each; - reads stdin)')
    .option('--progress <text>', 'progress on the current step', collect)
    .option('--step <name>', 'name of the step --progress/--done refers to')
    .option('--done <text>', 'a step that is complete', collect)
    .option('--decision <text>', 'a decision', collect)
    .option('--rationale <text>', 'why (with --decision)')
    .option('--option <text>', 'an option that was considered (with --decision, repeatable)', collect, [])
    .option('--supersedes <decision>', 'number or id of the decision this one replaces')
    .option('--discovery <text>', 'something found out', collect)
    .option('--evidence <text>', 'evidence for the discovery')
    .option('--blocker <text>', 'something that blocks progress', collect)
    .option('--resolve <blocker>', 'resolve an open blocker (number, id or text)', collect)
    .option('--note <text>', 'note for --resolve')
    .option('--next <text>', 'a next step', collect)
    .option('--session <S>', 'session (default: current)')
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the written events as JSON')
    .action(async (opts: Record<string, unknown> & { option: string[]; session?: string; json?: boolean; allowSecret?: boolean }) => {
      const entries: LogOptions = {};
      for (const key of ['progress', 'done', 'decision', 'discovery', 'blocker', 'resolve', 'next'] as const) {
        const values = opts[key] as string[] | undefined;
        if (values) entries[key] = await Promise.all(values.map((v) => textValue(io, v)));
      }
      for (const key of ['step', 'rationale', 'supersedes', 'evidence', 'note'] as const) {
        if (typeof opts[key] === 'string') entries[key] = await textValue(io, opts[key] as string);
      }
      if (opts.option.length) entries.options = opts.option;
      const events = await openLogbook(io, { session: opts.session, allowSecret: opts.allowSecret }).log(entries);
      if (opts.json) return printJson(io, events);
      for (const e of events) io.stdout(`${eventLine(e)}\n`);
    });
}

import { Command, Option } from 'commander';
import { itemActions } from '../../src/events.js';
import { eventLine } from '../format.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, openLogbook, printJson, textValue } from '../io.js';

export function linkCommand(io: Io): Command {
  return new Command('link')
    .description('link an item (task:42, kb:node:abc, track:project:c3c5, file:src/a.ts, type:key) to the session')
    .argument('<KEY>', 'item key, type:key')
    .addOption(new Option('--action <action>', 'what happened to the item').choices([...itemActions]).default('referenced'))
    .option('--note <text>', 'a note (- reads stdin)')
    .option('--session <S>', 'session (default: current)')
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the written event as JSON')
    .action(async (key: string, opts: { action: (typeof itemActions)[number]; note?: string; session?: string; json?: boolean; allowSecret?: boolean }) => {
      const events = await openLogbook(io, { session: opts.session, allowSecret: opts.allowSecret }).link(key, opts.action, await textValue(io, opts.note));
      if (opts.json) return printJson(io, events);
      for (const e of events) io.stdout(`${eventLine(e)}\n`);
    });
}

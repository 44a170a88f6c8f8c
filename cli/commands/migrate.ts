import { Command } from 'commander';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';

export function migrateCommand(io: Io): Command {
  return new Command('migrate')
    .description('move every open item of session FROM to session TO (their chains keep the history)')
    .argument('<FROM>', 'session the items leave')
    .argument('<TO>', 'open session that takes them over')
    .option('--json', 'print the result as JSON')
    .action(async (from: string, to: string, opts: { json?: boolean }) => {
      const r = await openLogbook(io).migrate(from, to);
      if (opts.json) return printJson(io, { from: r.from.id, to: r.to.id, keys: r.keys, events: r.events });
      const names = `${r.from.stable} (${r.from.shortname}) to ${r.to.stable} (${r.to.shortname})`;
      io.stdout(r.keys.length ? `Migrated ${r.keys.length} open item(s) from ${names}:\n${r.keys.map((k) => `  ${k}`).join('\n')}\n` : `Nothing to migrate: ${r.from.stable} (${r.from.shortname}) has no open items.\n`);
    });
}

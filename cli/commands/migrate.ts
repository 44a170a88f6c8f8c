import { Command } from 'commander';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';
import { handlers } from '../../src/operations/handlers.js';
import { migrateOperation } from '../../src/operations/requests.js';
import { requestFrom, requestOptions } from '../request.js';

export function migrateCommand(io: Io): Command {
  return requestOptions(new Command('migrate').description(migrateOperation.summary), migrateOperation)
    .option('--json', 'print the result as JSON')
    .action(async (_from: string, _to: string, opts: { json?: boolean }, cmd: Command) => {
      const r = await handlers.migrate(openLogbook(io), await requestFrom(io, migrateOperation, cmd));
      if (opts.json) return printJson(io, { from: r.from.id, to: r.to.id, keys: r.keys, events: r.events });
      const names = `${r.from.stable} (${r.from.shortname}) to ${r.to.stable} (${r.to.shortname})`;
      io.stdout(r.keys.length ? `Migrated ${r.keys.length} open item(s) from ${names}:\n${r.keys.map((k) => `  ${k}`).join('\n')}\n` : `Nothing to migrate: ${r.from.stable} (${r.from.shortname}) has no open items.\n`);
    });
}

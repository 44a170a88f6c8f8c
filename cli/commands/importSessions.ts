import path from 'node:path';
import { Command } from 'commander';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';
import { handlers } from '../../src/operations/handlers.js';
import { importOperation } from '../../src/operations/requests.js';
import { requestFrom, requestOptions } from '../request.js';

export function importSessionsCommand(io: Io): Command {
  return requestOptions(new Command('import-sessions').description(importOperation.summary), importOperation)
    .option('--json', 'print what was imported and skipped as JSON')
    .action(async (_dir: string, opts: { json?: boolean }, cmd: Command) => {
      const request = await requestFrom(io, importOperation, cmd);
      const r = await handlers.import(openLogbook(io), { ...request, dir: path.resolve(io.cwd, request.dir) });
      if (opts.json) return printJson(io, r);
      const lines = [`Imported ${r.imported.length} session(s), skipped ${r.skipped.length} already imported.`];
      lines.push(...r.imported.map((i) => `  + ${i.file} -> ${i.session} (${i.events} events)`), ...r.skipped.map((s) => `  = ${s.file} (already ${s.session})`));
      io.stdout(`${lines.join('\n')}\n`);
    });
}

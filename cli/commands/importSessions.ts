import path from 'node:path';
import { Command } from 'commander';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';

export function importSessionsCommand(io: Io): Command {
  return new Command('import-sessions')
    .description('import a .sessions/ folder of the markdown session system (active/, archive/, journal/) as events; importing again adds nothing')
    .argument('<DIR>', 'the .sessions folder')
    .option('--json', 'print what was imported and skipped as JSON')
    .action(async (dir: string, opts: { json?: boolean }) => {
      const r = await openLogbook(io).importSessions(path.resolve(io.cwd, dir));
      if (opts.json) return printJson(io, r);
      const lines = [`Imported ${r.imported.length} session(s), skipped ${r.skipped.length} already imported.`];
      lines.push(...r.imported.map((i) => `  + ${i.file} -> ${i.session} (${i.events} events)`), ...r.skipped.map((s) => `  = ${s.file} (already ${s.session})`));
      io.stdout(`${lines.join('\n')}\n`);
    });
}

import path from 'node:path';
import { Command } from 'commander';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';
import { loadAt, rebuildAt } from '../../src/timetravel/index.js';
import { AT_FLAG, withMoment } from '../at.js';

export function rebuildCommand(io: Io): Command {
  return new Command('rebuild')
    .description('write every view (session files, agenda, items, state, stats) from the events to .logbook/')
    .option('--out <dir>', 'output folder (default: .logbook/ in the work tree)')
    .option(...AT_FLAG)
    .option('--json', 'print what was written and removed as JSON')
    .action(async (opts: { out?: string; at?: string; json?: boolean }) => {
      const logbook = openLogbook(io);
      const out = opts.out === undefined ? undefined : path.resolve(io.cwd, opts.out);
      const at = opts.at === undefined ? undefined : await loadAt(logbook, opts.at);
      const r = at ? await rebuildAt(logbook, at, out) : await logbook.rebuild(out);
      if (opts.json) return printJson(io, withMoment(r, at?.moment));
      const where = path.relative(io.cwd, r.dir) || '.';
      const lines = [`Rebuilt ${where}/ from ${r.events} event(s)${at?.moment ? ` as of ${at.moment.label}` : ''}: ${r.written.length} written, ${r.removed.length} removed, ${r.unchanged} unchanged.`];
      if (r.written.length + r.removed.length <= 30) lines.push(...r.written.map((f) => `  + ${f}`), ...r.removed.map((f) => `  - ${f}`));
      io.stdout(`${lines.join('\n')}\n`);
    });
}

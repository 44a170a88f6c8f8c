import { Command, Option } from 'commander';
import { staleTimeoutMs } from '../../src/config.js';
import { sessionLine } from '../format.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';

export function listCommand(io: Io): Command {
  return new Command('list')
    .description('list sessions, newest first')
    .addOption(new Option('--status <status>', 'only sessions with this status').choices(['active', 'paused', 'completed', 'abandoned', 'open', 'stale']))
    .option('--group <G>', 'only sessions of this group')
    .option('--json', 'every session with its id as JSON')
    .action(async (opts: { status?: string; group?: string; json?: boolean }) => {
      const logbook = openLogbook(io);
      const snap = await logbook.load({ items: false }); // headers: closed sessions' logs are read for --json only
      const sessions = logbook.listSessions(snap, { ...opts, staleAfterMs: staleTimeoutMs(logbook.journal) });
      if (opts.json) {
        const states = new Map(logbook.journal.loadSessions(snap, sessions.map((h) => h.id)).map((s) => [s.id, s]));
        return printJson(io, sessions.map((h) => ({ ...states.get(h.id)!, stale: h.stale })));
      }
      if (!sessions.length) {
        const filtered = opts.status !== undefined || opts.group !== undefined;
        return io.stdout(filtered ? 'No sessions match.\n' : 'No sessions. Start one with: logbook start --goal "…"\n');
      }
      io.stdout(`${sessions.map((s) => sessionLine(s, s.stale ? '  (stale)' : '')).join('\n')}\n`);
    });
}

import { Command, Option } from 'commander';
import { isStale } from '../../projections/sessions.js';
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
      const snap = await logbook.load();
      const now = logbook.journal.now();
      const timeout = staleTimeoutMs(logbook.journal);
      // Newest first by creation time (imported history is appended late but is old).
      let sessions = snap.sessions.order
        .map((id, i) => ({ s: snap.sessions.sessions.get(id)!, i }))
        .sort((a, b) => (a.s.createdAt === b.s.createdAt ? b.i - a.i : a.s.createdAt < b.s.createdAt ? 1 : -1))
        .map((x) => x.s);
      if (opts.group !== undefined) sessions = sessions.filter((s) => s.group === opts.group);
      if (opts.status === 'open') sessions = sessions.filter((s) => s.status === 'active' || s.status === 'paused');
      else if (opts.status === 'stale') sessions = sessions.filter((s) => isStale(s, now, timeout));
      else if (opts.status) sessions = sessions.filter((s) => s.status === opts.status);
      if (opts.json) return printJson(io, sessions.map((s) => ({ ...s, stale: isStale(s, now, timeout) })));
      if (!sessions.length) {
        const filtered = opts.status !== undefined || opts.group !== undefined;
        return io.stdout(filtered ? 'No sessions match.\n' : 'No sessions. Start one with: logbook start --goal "…"\n');
      }
      io.stdout(`${sessions.map((s) => sessionLine(s, isStale(s, now, timeout) ? '  (stale)' : '')).join('\n')}\n`);
    });
}

import { Command } from 'commander';
import { DEFAULT_BUDGET } from '../../projections/resume.js';
import { sessionLine } from '../format.js';
import { staleTimeoutMs } from '../../src/config.js';
import type { Io } from '../io.js';
import { openLogbook, printJson, wholeNumber } from '../io.js';
import { loadAt, resumeAt } from '../../src/timetravel/index.js';
import { AT_FLAG, banner, withMoment } from '../at.js';


export function resumeCommand(io: Io): Command {
  return new Command('resume')
    .description('print the resume context of a session (and reopen it if paused)')
    .argument('[S]', 'session (default: current, else the newest paused one)')
    .option('--budget <chars>', `character budget (default ${DEFAULT_BUDGET})`, wholeNumber(200, 'characters'))
    .option('--list', 'list sessions that can be resumed')
    .option('--session <S>', 'session (same as the argument)')
    .option(...AT_FLAG)
    .option('--json', 'print the resume input as JSON')
    .action(async (ref: string | undefined, opts: { budget?: number; list?: boolean; session?: string; at?: string; json?: boolean }) => {
      const logbook = openLogbook(io, { session: opts.session });
      if (opts.list) {
        const { snap, moment } = await loadAt(logbook, opts.at, { session: opts.session });
        const open = logbook.listSessions(snap, { status: 'open', staleAfterMs: staleTimeoutMs(logbook.journal) }).map((h) => snap.sessions.sessions.get(h.id)!);
        if (opts.json) return printJson(io, moment ? { sessions: open, moment } : open);
        io.stdout(banner(moment) + (open.length ? `${open.map((s) => sessionLine(s)).join('\n')}\n` : 'No open sessions. Start one with: logbook start --goal "…"\n'));
        return;
      }
      if (opts.at !== undefined) {
        // A past resume context is read-only: it reopens nothing and marks no message read.
        const at = await loadAt(logbook, opts.at, { session: ref ?? opts.session, focus: true });
        const r = resumeAt(logbook, at, ref ?? opts.session, opts.budget ? { budget: opts.budget } : {});
        if (opts.json) return printJson(io, withMoment({ ...r.input, context: r.text, omitted: r.omitted }, at.moment));
        return io.stdout(banner(at.moment) + r.text);
      }
      const r = await logbook.resumeContext(ref ?? opts.session, opts.budget ? { budget: opts.budget } : {});
      if (opts.json) return printJson(io, { ...r.input, context: r.text, omitted: r.omitted, marked_read: r.read.map((m) => m.id) });
      io.stdout(r.text);
    });
}

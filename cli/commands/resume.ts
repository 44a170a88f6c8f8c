import { Command } from 'commander';
import { sessionLine } from '../format.js';
import { staleTimeoutMs } from '../../src/config.js';
import { readHandlers } from '../../src/operations/readHandlers.js';
import { resumeOperation } from '../../src/operations/requests.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';
import { loadAt } from '../../src/timetravel/index.js';
import { banner, withMoment } from '../at.js';
import { requestFrom, requestOptions } from '../request.js';

export function resumeCommand(io: Io): Command {
  return requestOptions(new Command('resume').description('print the resume context of a session (and reopen it if paused)'), resumeOperation)
    .option('--list', 'list sessions that can be resumed')
    .option('--json', 'print the resume input as JSON')
    .action(async (_ref: string | undefined, opts: { list?: boolean; json?: boolean }, cmd: Command) => {
      const request = await requestFrom(io, resumeOperation, cmd);
      const logbook = openLogbook(io, { session: request.session });
      if (opts.list) {
        const { snap, moment } = await loadAt(logbook, request.at, { session: request.session });
        const open = logbook.listSessions(snap, { status: 'open', staleAfterMs: staleTimeoutMs(logbook.journal) }).map((h) => snap.sessions.sessions.get(h.id)!);
        if (opts.json) return printJson(io, moment ? { sessions: open, moment } : open);
        io.stdout(banner(moment) + (open.length ? `${open.map((s) => sessionLine(s)).join('\n')}\n` : 'No open sessions. Start one with: logbook start --goal "…"\n'));
        return;
      }
      const r = await readHandlers.resume(logbook, request);
      if (r.moment) {
        // A past resume context is read-only: it reopens nothing and marks no message read.
        if (opts.json) return printJson(io, withMoment({ ...r.input, context: r.text, omitted: r.omitted }, r.moment));
        return io.stdout(banner(r.moment) + r.text);
      }
      if (opts.json) return printJson(io, { ...r.input, context: r.text, omitted: r.omitted, marked_read: r.read.map((m) => m.id) });
      io.stdout(r.text);
    });
}

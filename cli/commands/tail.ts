import { Command, InvalidArgumentError } from 'commander';
import type { JournalEvent } from '../../src/events.js';
import { followEvents } from '../../src/tail.js';
import { eventLine } from '../format.js';
import type { Io } from '../io.js';
import { openLogbook } from '../io.js';

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number (0 for none)');
  return n;
}

export function tailCommand(io: Io): Command {
  return new Command('tail')
    .alias('log-tail')
    .description('the latest events, one line each; --follow prints new ones as they arrive (also by sync or git fetch) until Ctrl-C')
    .option('-n, --lines <N>', 'how many of the latest events to print first', count, 20)
    .option('-f, --follow', 'keep printing new events')
    .option('--interval <ms>', 'how often --follow looks for new events', count, 500)
    .option('--session <S>', 'only events of this session')
    .option('--json', 'one JSON object per line')
    .action(async (opts: { lines: number; follow?: boolean; interval: number; session?: string; json?: boolean }) => {
      const logbook = openLogbook(io);
      const snap = await logbook.load();
      const only = opts.session ? logbook.session(snap, opts.session).id : undefined;
      const print = (events: JournalEvent[]) => {
        const shown = only ? events.filter((e) => e.session === only) : events;
        if (shown.length) io.stdout(`${shown.map((e) => (opts.json ? JSON.stringify(e) : eventLine(e))).join('\n')}\n`);
      };
      const events = await logbook.journal.events(snap);
      const relevant = only ? events.filter((e) => e.session === only) : events;
      print(opts.lines ? relevant.slice(-opts.lines) : []);
      if (!opts.follow) return;
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        for await (const batch of followEvents(logbook.journal, { seen: new Set(events.map((e) => e.id)), intervalMs: Math.max(50, opts.interval), signal: stop.signal })) print(batch);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

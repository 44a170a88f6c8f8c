// Time travel on a large journal: `view --at` and `since`, each as a ratio to
// the same `view` without --at (a fold up to a moment must not re-read git:
// it reads the tip-keyed cache's events and folds the prefix). On each journal
// shape (bench/run.mjs passes `makeJournalRepo` and `journal` bound to one).
import { journalInfo, logbook, makeJournalRepo as makeRepo, time } from './lib.mjs';

export default async function timetravel({ runs, makeJournalRepo = makeRepo, journal = (n) => journalInfo('hook', n) }) {
  const n = Number(process.env.BENCH_TIMETRAVEL_SIZE ?? 100_000);
  const dir = makeJournalRepo('timetravel', n); // its cache warm, as any earlier command leaves it
  const { openSession: session, openMoment: at, sinceMoment } = journal(n);
  // Five runs of each: at 100k events a figure of half a second or more, stable at five.
  // A moment inside the open session (hook-fed: its first checkpoint; short sessions: the time of its middle event).
  const view = await time(() => logbook(dir, 'view', session), { runs: Math.min(runs, 5), warmup: 1 });
  const viewAt = await time(() => logbook(dir, 'view', session, '--at', at), { runs: Math.min(runs, 5), warmup: 1 });
  const since = await time(() => logbook(dir, 'since', sinceMoment), { runs: Math.min(runs, 5), warmup: 1 });
  return [
    { name: `\`view --at ${/^\d{4}-/.test(at) ? 'TIME` (the middle of the open session)' : `${at}\``}, ${n} events`, ms: viewAt, baselineMs: view, baseline: 'vs the same `view` without --at', target: '≤ 2×' },
    { name: `\`since\` the last 1,000 events, ${n} events`, ms: since, baselineMs: view, baseline: 'vs `view` without --at', target: '≤ 2×' },
  ];
}

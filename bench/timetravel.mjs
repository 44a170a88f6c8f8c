// Time travel on a large journal: `view --at` and `since`, each as a ratio to
// the same `view` without --at (a fold up to a moment must not re-read git:
// it reads the tip-keyed cache's events and folds the prefix).
import { lastSession, logbook, makeJournalRepo, time } from './lib.mjs';

export default async function timetravel({ runs }) {
  const n = Number(process.env.BENCH_TIMETRAVEL_SIZE ?? 100_000);
  const dir = makeJournalRepo('timetravel', n);
  const session = lastSession(n);
  logbook(dir, 'list'); // warm the tip cache, as any earlier command would
  // A moment inside the open session: its first checkpoint.
  const at = 'checkpoint:1';
  const view = await time(() => logbook(dir, 'view', session), { runs, warmup: 1 });
  const viewAt = await time(() => logbook(dir, 'view', session, '--at', at), { runs, warmup: 1 });
  const since = await time(() => logbook(dir, 'since', '2026-01-02T12:30:00Z'), { runs, warmup: 1 });
  return [
    { name: `\`view --at ${at}\`, ${n} events`, ms: viewAt, baselineMs: view, baseline: 'vs the same `view` without --at', target: '≤ 2×' },
    { name: `\`since\` the last 1,000 events, ${n} events`, ms: since, baselineMs: view, baseline: 'vs `view` without --at', target: '≤ 2×' },
  ];
}

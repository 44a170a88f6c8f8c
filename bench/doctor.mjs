// `logbook doctor` against `git fsck --strict --no-dangling` on the same
// repository (target ≤ 3×, under 500 MiB), at 10k and 100k events.
import { spawnSync } from 'node:child_process';
import { BIN, makeJournalRepo as makeRepo, proc, time } from './lib.mjs';

/** Peak resident memory of one `logbook doctor` process, in MiB (Linux /proc accounting through getrusage). */
function peakMiB(dir) {
  const probe = `process.on('exit',()=>{require('fs').writeSync(2,'\\nmaxrss '+process.resourceUsage().maxRSS+'\\n')})`;
  const r = spawnSync(process.execPath, ['-e', `${probe};process.argv=[process.argv[0],${JSON.stringify(BIN)},'doctor'];require(${JSON.stringify(BIN)})`], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
  const m = /maxrss (\d+)/.exec(r.stderr);
  return m ? Number(m[1]) / 1024 : NaN;
}

const round = (x) => Math.round(x * 100) / 100;

export default async function doctorSuite({ runs, makeJournalRepo = makeRepo, sizes = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number) }) {
  const rows = [];
  for (const n of sizes.filter((s) => s >= 10_000)) {
    const dir = makeJournalRepo(`doctor-${n}`, n); // its cache warm, as any earlier command leaves it
    const r = n >= 100_000 ? 3 : Math.min(runs, 5); // seconds each at 100k: three runs are stable
    const fsck = await time(() => proc('git', ['fsck', '--strict', '--no-dangling'], { cwd: dir }), { runs: r, warmup: 1 });
    const doctor = await time(() => proc(process.execPath, [BIN, 'doctor'], { cwd: dir }), { runs: r, warmup: 1 });
    rows.push({ name: `\`logbook doctor\`, ${n}-event journal`, ms: doctor, baselineMs: fsck, baseline: 'vs git fsck --strict --no-dangling', target: '≤ 3×' });
    rows.push({ name: `\`logbook doctor\` peak memory, ${n}-event journal`, ms: round(peakMiB(dir)), unit: 'MiB', target: '< 500 MiB' });
  }
  return rows;
}

import { Command } from 'commander';
import { runDoctor, type DoctorReport, type Finding } from '../../src/doctor.js';
import { gitBinary } from '../../src/store/gitBinary.js';
import { LogbookError } from '../../src/errors.js';
import { findRepo } from '../../src/repo.js';
import type { Io } from '../io.js';
import { printJson } from '../io.js';

function findingLines(f: Finding): string[] {
  const lines = [`  ${f.severity.padEnd(7)}  ${f.check.padEnd(8)}  ${f.message}`];
  if (f.hint) lines.push(`  ${''.padEnd(7)}  ${''.padEnd(8)}  hint: ${f.hint}`);
  return lines;
}

/** The doctor report for a terminal. Pure. */
export function formatDoctorReport(r: DoctorReport): string {
  const out: string[] = [`Logbook doctor: ${r.gitdir}${r.replica ? ` (this clone is replica ${r.replica})` : ''}`];
  if (r.replicas.length) {
    out.push('Replicas:');
    for (const rep of r.replicas) {
      const extra = rep.unreadable ? `, ${rep.unreadable} unreadable commit(s)` : '';
      out.push(`  ${rep.replica}${rep.local ? ' (this clone)' : ''}: ${rep.events} event(s)${extra}, tip ${rep.tip.slice(0, 12)}`);
    }
  } else out.push('Replicas: none yet');
  out.push('Checks:');
  for (const c of r.checks) out.push(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.id.padEnd(8)}  ${c.title}`);
  if (r.repairs.length) {
    out.push('Repaired:');
    for (const d of r.repairs) out.push(`  - ${d}`);
  }
  const problems = r.findings.filter((f) => f.severity !== 'info');
  const notes = r.findings.filter((f) => f.severity === 'info');
  if (problems.length) {
    out.push('Problems:');
    for (const f of problems) out.push(...findingLines(f));
  }
  if (notes.length) {
    out.push('Notes:');
    for (const f of notes) out.push(...findingLines(f));
  }
  if (r.healthy) {
    out.push(`Healthy: ${r.stats.events} event(s) in ${r.replicas.length} replica(s), ${r.stats.looseObjects} loose object(s) verified.`);
  } else {
    const errors = problems.filter((f) => f.severity === 'error').length;
    const fixable = problems.filter((f) => f.fixable).length;
    out.push(
      `${problems.length} problem(s): ${errors} error(s), ${problems.length - errors} warning(s).` +
        (fixable && !r.repairs.length ? ` \`logbook doctor --repair\` can fix ${fixable === problems.length ? 'them' : `${fixable} of them`} safely.` : ''),
    );
  }
  return `${out.join('\n')}\n`;
}

export function doctorCommand(io: Io): Command {
  return new Command('doctor')
    .description('verify the journal: every commit and event, clock order, refs only moved forward, locks, cache, objects')
    .option('--repair', 'fix what is safe to fix (stale locks, cache, restorable objects); never deletes an event or moves a ref back')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { repair?: boolean; json?: boolean }) => {
      const repo = findRepo(io.cwd);
      const report = await runDoctor({ gitdir: repo.gitdir, repair: Boolean(opts.repair), gitBinary: gitBinary(io.env), env: io.env });
      if (opts.json) printJson(io, report);
      else io.stdout(formatDoctorReport(report));
      if (!report.healthy) {
        const n = report.findings.filter((f) => f.severity !== 'info').length;
        throw new LogbookError('UNHEALTHY', `doctor found ${n} problem(s) in the journal`, {
          hint: opts.repair ? 'what is left needs a decision by hand: read the hints above (and docs/safety.md)' : 'read the hints above; `logbook doctor --repair` fixes what is safe to fix',
        });
      }
    });
}

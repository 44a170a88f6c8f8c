import { Command } from 'commander';
import { closeSummary, renderCloseSummary } from '../../projections/closeSummary.js';
import { LogbookError } from '../../src/errors.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, collect, openLogbook, printJson, textValue } from '../io.js';
import { closeGroup } from '../../src/groups/index.js';

export function closeCommand(io: Io): Command {
  return new Command('close')
    .description('complete or abandon the session')
    .option('--complete', 'mark the session completed')
    .option('--abandon', 'mark the session abandoned (needs --reason)')
    .option('--reason <text>', 'why it was abandoned (or closed)')
    .option('--summary <text>', 'summary of the outcome')
    .option('--learning <text>', 'a learning to keep (repeatable)', collect, [])
    .option('--session <S>', 'session (default: current)')
    .option('--group <G>', 'every open session of this group, in one append (all or none)')
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the close summary as JSON (with --group: the sessions closed)')
    .action(async (opts: { complete?: boolean; abandon?: boolean; reason?: string; summary?: string; learning: string[]; session?: string; group?: string; json?: boolean; allowSecret?: boolean }) => {
      if (Boolean(opts.complete) === Boolean(opts.abandon)) {
        throw new LogbookError('INVALID_INPUT', 'close needs exactly one of --complete or --abandon', { hint: 'logbook close --complete, or logbook close --abandon --reason "…"' });
      }
      const close = {
        outcome: opts.complete ? ('completed' as const) : ('abandoned' as const),
        ...(opts.reason !== undefined ? { reason: await textValue(io, opts.reason) } : {}),
        ...(opts.summary !== undefined ? { summary: await textValue(io, opts.summary) } : {}),
        learnings: opts.learning,
      };
      if (opts.group !== undefined) {
        if (opts.session !== undefined) throw new LogbookError('INVALID_INPUT', '--group and --session name different things to close', { hint: 'pass one of them' });
        const r = await closeGroup(openLogbook(io), { group: opts.group, ...close, ...(opts.allowSecret ? { allowSecret: true } : {}) });
        if (opts.json) return printJson(io, { group: r.group, sessions: r.sessions.map((s) => s.id), events: r.events });
        const verb = close.outcome === 'completed' ? 'Completed' : 'Abandoned';
        return io.stdout(`${verb} ${r.sessions.length} session(s) of group ${r.group}:\n${r.sessions.map((s) => `  ${s.stable}  ${s.shortname}`).join('\n')}\n`);
      }
      const { session } = await openLogbook(io, { session: opts.session, allowSecret: opts.allowSecret }).close(close);
      const summary = closeSummary(session)!;
      if (opts.json) return printJson(io, summary);
      io.stdout(renderCloseSummary(summary));
    });
}

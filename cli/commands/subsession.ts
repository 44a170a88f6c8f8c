import { Command } from 'commander';
import { subsessionsSection } from '../../projections/sessionFile.js';
import { eventLine } from '../format.js';
import { inlineAll } from '../../projections/text.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, openLogbook, printJson, textValue } from '../io.js';

export function subsessionCommand(io: Io): Command {
  const cmd = new Command('subsession').description('named work blocks inside a session (sub_001, sub_002, …)');
  cmd
    .command('start')
    .description('start a work block (an open one is ended first)')
    .argument('<NAME>', 'what this block is about')
    .option('--session <S>', 'session (default: current)')
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the written events as JSON')
    .action(async (name: string, opts: { session?: string; json?: boolean; allowSecret?: boolean }) => {
      const r = await openLogbook(io, { session: opts.session, allowSecret: opts.allowSecret }).subsessionStart(await textValue(io, name));
      if (opts.json) return printJson(io, r.events);
      for (const e of r.events) io.stdout(`${eventLine(e)}\n`);
    });
  cmd
    .command('end')
    .description('end the open work block')
    .option('--summary <text>', 'what the block achieved (- reads stdin)')
    .option('--sub <id>', 'which block (default: the open one)')
    .option('--session <S>', 'session (default: current)')
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the written events as JSON')
    .action(async (opts: { summary?: string; sub?: string; session?: string; json?: boolean; allowSecret?: boolean }) => {
      const summary = await textValue(io, opts.summary);
      const r = await openLogbook(io, { session: opts.session, allowSecret: opts.allowSecret }).subsessionEnd({ ...(summary !== undefined ? { summary } : {}), ...(opts.sub ? { sub: opts.sub } : {}) });
      if (opts.json) return printJson(io, r.events);
      for (const e of r.events) io.stdout(`${eventLine(e)}\n`);
    });
  cmd
    .command('list')
    .description('the work blocks of a session')
    .argument('[S]', 'session (default: current)')
    .option('--session <S>', 'session (same as the argument)')
    .option('--json', 'the work blocks as JSON')
    .action(async (ref: string | undefined, opts: { session?: string; json?: boolean }) => {
      const logbook = openLogbook(io);
      const snap = await logbook.load();
      const s = logbook.session(snap, ref ?? opts.session);
      if (opts.json) return printJson(io, s.subsessions);
      io.stdout(s.subsessions.length ? `${subsessionsSection(inlineAll(s)).join('\n')}\n` : `No work blocks in ${s.stable}. Start one with: logbook subsession start NAME\n`);
    });
  return cmd;
}

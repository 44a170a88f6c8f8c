import { Command } from 'commander';
import { subsessionsSection } from '../../projections/sessionFile.js';
import { eventLine } from '../format.js';
import { inlineAll } from '../../projections/text.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, openLogbook, printJson } from '../io.js';
import { handlers } from '../../src/operations/handlers.js';
import { subsessionEndOperation, subsessionStartOperation } from '../../src/operations/requests.js';
import { requestFrom, requestOptions } from '../request.js';

export function subsessionCommand(io: Io): Command {
  const cmd = new Command('subsession').description('named work blocks inside a session (sub_001, sub_002, …)');
  requestOptions(cmd.command('start').description(subsessionStartOperation.summary), subsessionStartOperation)
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the written events as JSON')
    .action(async (_name: string, opts: { json?: boolean; allowSecret?: boolean }, sub: Command) => {
      const request = await requestFrom(io, subsessionStartOperation, sub);
      const r = await handlers.subsessionStart(openLogbook(io, { session: request.session, allowSecret: opts.allowSecret }), request);
      if (opts.json) return printJson(io, r.events);
      for (const e of r.events) io.stdout(`${eventLine(e)}\n`);
    });
  requestOptions(cmd.command('end').description(subsessionEndOperation.summary), subsessionEndOperation)
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the written events as JSON')
    .action(async (opts: { json?: boolean; allowSecret?: boolean }, sub: Command) => {
      const request = await requestFrom(io, subsessionEndOperation, sub);
      const r = await handlers.subsessionEnd(openLogbook(io, { session: request.session, allowSecret: opts.allowSecret }), request);
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

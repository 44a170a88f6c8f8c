import { Command } from 'commander';
import { contextSection } from '../../projections/sessionFile.js';
import { inlineAll } from '../../projections/text.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, collect, openLogbook, printJson, textValue } from '../io.js';

export function contextCommand(io: Io): Command {
  return new Command('context')
    .description('key context that must survive compaction (objective, key files, key facts); with no flags, show it')
    .option('--objective <text>', 'the objective (replaces the old one; - reads stdin)')
    .option('--file <path>', 'a key file, optionally "path - what it is" (repeatable)', collect, [])
    .option('--fact <text>', 'a key fact (repeatable)', collect, [])
    .option('--session <S>', 'session (default: current)')
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'the context as JSON')
    .action(async (opts: { objective?: string; file: string[]; fact: string[]; session?: string; json?: boolean; allowSecret?: boolean }) => {
      const logbook = openLogbook(io, { session: opts.session, allowSecret: opts.allowSecret });
      let session;
      if (opts.objective === undefined && !opts.file.length && !opts.fact.length) {
        session = logbook.session(await logbook.load(), opts.session);
      } else {
        const objective = await textValue(io, opts.objective);
        ({ session } = await logbook.addContext({ ...(objective !== undefined ? { objective } : {}), files: opts.file, facts: opts.fact }));
      }
      if (opts.json) return printJson(io, { session: session.id, ...session.context });
      io.stdout(`## Context of ${session.stable} (${session.shortname})\n${contextSection(inlineAll(session)).join('\n')}\n`);
    });
}

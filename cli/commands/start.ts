import { Command } from 'commander';
import { LogbookError } from '../../src/errors.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, collect, openLogbook, printJson, textValue } from '../io.js';

function parseMeta(pairs: string[]): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new LogbookError('INVALID_INPUT', `--meta expects key=value, got "${pair}"`, { hint: 'for example --meta channel=cli' });
    meta[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return meta;
}

export function startCommand(io: Io): Command {
  return new Command('start')
    .description('start a new work session')
    .option('--task <id>', 'link a task (repeatable, or comma-separated)', collect, [])
    .option('--tasks <ids>', 'comma-separated task ids (alias of --task)')
    .option('--name <short>', 'short name, used in file names')
    .option('--goal <text>', 'what this session is for (- reads stdin)')
    .option('--title <text>', 'title (defaults to the goal)')
    .option('--parent <S>', 'parent session (nested sessions)')
    .option('--group <G>', 'group name for related sessions')
    .option('--meta <key=value>', 'metadata (repeatable)', collect, [])
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the new session as JSON')
    .action(async (opts: { task: string[]; tasks?: string; name?: string; goal?: string; title?: string; parent?: string; group?: string; meta: string[]; json?: boolean; allowSecret?: boolean }) => {
      const { session } = await openLogbook(io, { allowSecret: opts.allowSecret }).start({
        tasks: [...opts.task, ...(opts.tasks ? [opts.tasks] : [])],
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        ...(opts.goal !== undefined ? { goal: await textValue(io, opts.goal) } : {}),
        ...(opts.title !== undefined ? { title: opts.title } : {}),
        ...(opts.parent ? { parent: opts.parent } : {}),
        ...(opts.group !== undefined ? { group: opts.group } : {}),
        meta: parseMeta(opts.meta),
      });
      if (opts.json) return printJson(io, session);
      io.stdout(`Started session ${session.id} (${session.stable}, ${session.shortname})${session.gitBranch ? ` on ${session.gitBranch}` : ''}\n`);
    });
}

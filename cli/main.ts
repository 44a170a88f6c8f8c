/**
 * The only place that turns errors into exit codes. Commands throw
 * LogbookError; commander's own parse errors become exit code 2.
 */
import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { errorExit, guardedIo } from './errorExit.js';
import type { Io } from './io.js';

export const VERSION = '0.1.0';

/**
 * The program with every command, or only the one `argv` names (the common
 * case: no other command module is loaded). Help and unknown commands get all.
 */
export async function buildProgram(io: Io, argv: string[] = []): Promise<Command> {
  const named = argv.find((a) => !a.startsWith('-'));
  const only = named !== undefined && !argv.includes('--help') && !argv.includes('-h') ? commands.filter(([names]) => names.includes(named)) : [];
  const program = new Command('logbook')
    .description('Event-sourced work-session journal for AI coding agents, stored on git refs under refs/logbook/')
    .version(VERSION)
    .showSuggestionAfterError(true)
    // Options after a subcommand belong to it: `state set --json` is set's flag, not state's.
    .enablePositionalOptions()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  for (const [, load] of only.length ? only : commands) {
    const cmd = (await load())(io);
    cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    for (const sub of cmd.commands) sub.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    program.addCommand(cmd);
  }
  program.hook('preAction', (_program, action) => refuseSwallowedFlags(action));
  return program;
}

/**
 * `logbook log --decision --next x` would otherwise record a decision whose
 * text is "--next": commander gives an option that needs a value whatever word
 * follows. A value that is itself an option of the command is a missing value.
 */
function refuseSwallowedFlags(cmd: Command): void {
  const flags = new Set(cmd.options.flatMap((o) => [o.long, o.short]).filter((f): f is string => Boolean(f)));
  for (const option of cmd.options) {
    if (!option.required) continue;
    const values = ([] as unknown[]).concat(cmd.getOptionValue(option.attributeName()));
    const swallowed = values.find((v): v is string => typeof v === 'string' && flags.has(v));
    if (swallowed !== undefined) {
      cmd.error(`error: option '${option.flags}' argument missing (the next word, ${swallowed}, is an option)\nhint: give ${option.long} a value; text that starts with a dash can be written ${option.long}=TEXT`, {
        exitCode: 2,
        code: 'logbook.missingValue',
      });
    }
  }
}

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], rawIo: Io): Promise<number> {
  const io = guardedIo(rawIo);
  // A process's argv can never hold NUL; a caller that passes one (in-process, MCP) gets a parse error, not a crash deep in fs.
  const nul = argv.findIndex((a) => a.includes('\0'));
  if (nul >= 0) {
    io.stderr(`logbook: argument ${nul + 1} contains a NUL character\nhint: remove it; text with unusual characters can be passed on stdin with a value of -\n`);
    return 2;
  }
  let program: Command;
  try {
    program = await buildProgram(io, argv);
  } catch (e) {
    io.stderr(`logbook: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 70;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0; // --help, --version
      const named = argv.find((a) => !a.startsWith('-'));
      const command = named && program.commands.some((c) => c.name() === named) ? `${named} ` : '';
      io.stderr(`hint: run \`logbook ${command}--help\`\n`);
      return 2;
    }
    return errorExit(io, e);
  }
}


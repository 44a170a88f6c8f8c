/**
 * Every command of the CLI, in the order `logbook --help` lists them, one file
 * per command. Each is loaded only when it is run (or for --help), so a
 * process pays start-up only for the command it executes.
 */
import type { Command } from 'commander';
import type { Io } from '../io.js';

export type CommandLoader = () => Promise<(io: Io) => Command>;

/** Names a command answers to (first: its name), and how to load it. */
export const commands: Array<[names: string[], load: CommandLoader]> = [
  [['init'], async () => (await import('./init.js')).initCommand],
  [['start'], async () => (await import('./start.js')).startCommand],
  [['log'], async () => (await import('./log.js')).logCommand],
  [['checkpoint'], async () => (await import('./checkpoint.js')).checkpointCommand],
  [['pause'], async () => (await import('./pause.js')).pauseCommand],
  [['resume'], async () => (await import('./resume.js')).resumeCommand],
  [['close'], async () => (await import('./close.js')).closeCommand],
  [['view'], async () => (await import('./view.js')).viewCommand],
  [['list'], async () => (await import('./list.js')).listCommand],
  [['context'], async () => (await import('./context.js')).contextCommand],
  [['subsession'], async () => (await import('./subsession.js')).subsessionCommand],
  [['link'], async () => (await import('./link.js')).linkCommand],
  [['migrate'], async () => (await import('./migrate.js')).migrateCommand],
  [['agenda'], async () => (await import('./agenda.js')).agendaCommand],
  [['item'], async () => (await import('./item.js')).itemCommand],
  [['items'], async () => (await import('./items.js')).itemsCommand],
  [['state'], async () => (await import('./state.js')).stateCommand],
  [['message'], async () => (await import('./message.js')).messageCommand],
  [['stats'], async () => (await import('./stats.js')).statsCommand],
  [['since'], async () => (await import('./since.js')).sinceCommand],
  [['search'], async () => (await import('./search.js')).searchCommand],
  [['show'], async () => (await import('./show.js')).showCommand],
  [['tail', 'log-tail'], async () => (await import('./tail.js')).tailCommand],
  [['rebuild'], async () => (await import('./rebuild.js')).rebuildCommand],
  [['sync'], async () => (await import('./sync.js')).syncCommand],
  [['redact'], async () => (await import('./redact.js')).redactCommand],
  [['doctor'], async () => (await import('./doctor.js')).doctorCommand],
  [['import-sessions'], async () => (await import('./importSessions.js')).importSessionsCommand],
  [['hooks'], async () => (await import('./hooks.js')).hooksCommand],
  [['hook'], async () => (await import('./hook.js')).hookCommand],
  [['commits'], async () => (await import('./commits.js')).commitsCommand],
  [['why'], async () => (await import('./why.js')).whyCommand],
  [['git-hook'], async () => (await import('./gitHook.js')).gitHookCommand],
  [['mcp'], async () => (await import('./mcp.js')).mcpCommand],
  [['serve'], async () => (await import('./serve.js')).serveCommand],
];

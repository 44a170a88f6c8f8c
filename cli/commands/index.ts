/** Every command of the CLI, in the order `logbook --help` lists them. One file per command. */
import type { Command } from 'commander';
import type { Io } from '../io.js';
import { agendaCommand } from './agenda.js';
import { checkpointCommand } from './checkpoint.js';
import { closeCommand } from './close.js';
import { contextCommand } from './context.js';
import { doctorCommand } from './doctor.js';
import { hookCommand } from './hook.js';
import { hooksCommand } from './hooks.js';
import { importSessionsCommand } from './importSessions.js';
import { initCommand } from './init.js';
import { itemCommand } from './item.js';
import { itemsCommand } from './items.js';
import { linkCommand } from './link.js';
import { listCommand } from './list.js';
import { logCommand } from './log.js';
import { mcpCommand } from './mcp.js';
import { messageCommand } from './message.js';
import { migrateCommand } from './migrate.js';
import { pauseCommand } from './pause.js';
import { rebuildCommand } from './rebuild.js';
import { redactCommand } from './redact.js';
import { resumeCommand } from './resume.js';
import { startCommand } from './start.js';
import { stateCommand } from './state.js';
import { statsCommand } from './stats.js';
import { subsessionCommand } from './subsession.js';
import { syncCommand } from './sync.js';
import { tailCommand } from './tail.js';
import { viewCommand } from './view.js';

export const commands: Array<(io: Io) => Command> = [
  initCommand,
  startCommand,
  logCommand,
  checkpointCommand,
  pauseCommand,
  resumeCommand,
  closeCommand,
  viewCommand,
  listCommand,
  contextCommand,
  subsessionCommand,
  linkCommand,
  migrateCommand,
  agendaCommand,
  itemCommand,
  itemsCommand,
  stateCommand,
  messageCommand,
  statsCommand,
  tailCommand,
  rebuildCommand,
  syncCommand,
  redactCommand,
  doctorCommand,
  importSessionsCommand,
  hooksCommand,
  hookCommand,
  mcpCommand,
];

/** Every command of the CLI, in the order `logbook --help` lists them. One file per command. */
import type { Command } from 'commander';
import type { Io } from '../io.js';
import { checkpointCommand } from './checkpoint.js';
import { closeCommand } from './close.js';
import { initCommand } from './init.js';
import { listCommand } from './list.js';
import { logCommand } from './log.js';
import { pauseCommand } from './pause.js';
import { resumeCommand } from './resume.js';
import { startCommand } from './start.js';
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
];

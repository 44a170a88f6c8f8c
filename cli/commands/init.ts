import { Command } from 'commander';
import { initJournal } from '../../src/journal.js';
import type { Io } from '../io.js';
import { printJson } from '../io.js';

export function initCommand(io: Io): Command {
  return new Command('init')
    .description('create this clone\'s replica id and start a journal under refs/logbook/')
    .option('--json', 'print the result as JSON')
    .action((opts: { json?: boolean }) => {
      const r = initJournal({ cwd: io.cwd });
      if (opts.json) return printJson(io, r);
      io.stdout(
        r.created
          ? `Initialised Logbook in ${r.workTree ?? r.gitdir} (replica ${r.replica}).\nEvents go to refs/logbook/replicas/${r.replica}; views are written to .logbook/ (git-ignored).\nNext: logbook start --goal "what this session is for"\n`
          : `Logbook already initialised here (replica ${r.replica}).\n`,
      );
    });
}

import { Command } from 'commander';
import { drainCommits } from '../../src/code/record.js';
import { logHookError } from '../../src/integrations/hookCommon.js';
import { findRepo } from '../../src/repo.js';
import type { Io } from '../io.js';

/**
 * `logbook git-hook drain`: record the commits the git hooks spooled. Started
 * detached by the hook; like every hook it exits 0 and logs problems to
 * hook-errors.log.
 */
export function gitHookCommand(io: Io): Command {
  const cmd = new Command('git-hook').description('internal: what the git hooks installed by `logbook hooks install --git` run. Always exits 0');
  cmd.addCommand(
    new Command('drain').description('record the commits the git hooks spooled').action(async () => {
      try {
        const report = await drainCommits({ cwd: io.cwd, env: io.env });
        for (const problem of report.problems) logHookError(findRepo(io.cwd).gitdir, 'git drain: commit not recorded', problem, new Date());
      } catch (e) {
        try {
          logHookError(findRepo(io.cwd).gitdir, 'git drain', e, new Date());
        } catch {
          /* not a repository: nowhere to log */
        }
      }
    }),
  );
  return cmd;
}

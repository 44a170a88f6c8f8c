import { Command } from 'commander';
import { deadlineIn } from '../../src/deadline/index.js';
import { handleHook, hookBudgetMs, hookEventNames } from '../../src/integrations/hooks.js';
import { selfCommand } from '../../src/integrations/hooksInstall.js';
import type { Io } from '../io.js';
import { installation } from './hooks.js';

/** When this process started, in ms since the epoch (process.uptime: `performance.timeOrigin` would load perf_hooks). */
const processStart = () => Math.round(Date.now() - process.uptime() * 1000);

export function hookCommand(io: Io): Command {
  return new Command('hook')
    .description(`handle one agent hook (JSON on stdin); installed by \`logbook hooks install\`. Always exits 0`)
    .argument('<EventName>', hookEventNames.join(' | '))
    .option('--agent <name>', 'the client that runs the hook (claude-code, codex); detected when absent')
    .action(async (event: string, opts: { agent?: string }) => {
      // The budget runs from process start: start-up and reading stdin count against it.
      const deadline = deadlineIn(hookBudgetMs(event, io.env), Date.now, processStart());
      const { node, bin } = installation();
      const result = await handleHook(event, io.readStdin(), {
        cwd: io.cwd,
        env: io.env,
        ...(opts.agent ? { agent: opts.agent } : {}),
        command: selfCommand(node, bin),
        deadline,
      });
      if (result.stdout) io.stdout(result.stdout);
      // Done, or given up: either way nothing more may happen in this process (a stalled wait, an unread stdin).
      io.exit?.(0);
    });
}

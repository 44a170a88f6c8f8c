import { Command } from 'commander';
import { handleHook, hookEventNames } from '../../src/integrations/hooks.js';
import { selfCommand } from '../../src/integrations/hooksInstall.js';
import type { Io } from '../io.js';
import { installation } from './hooks.js';

export function hookCommand(io: Io): Command {
  return new Command('hook')
    .description(`handle one agent hook (JSON on stdin); installed by \`logbook hooks install\`. Always exits 0`)
    .argument('<EventName>', hookEventNames.join(' | '))
    .option('--agent <name>', 'the client that runs the hook (claude-code, codex); detected when absent')
    .action(async (event: string, opts: { agent?: string }) => {
      const stdin = await io.readStdin();
      const { node, bin } = installation();
      const result = await handleHook(event, stdin, {
        cwd: io.cwd,
        env: io.env,
        ...(opts.agent ? { agent: opts.agent } : {}),
        command: selfCommand(node, bin),
      });
      if (result.stdout) io.stdout(result.stdout);
    });
}

import { Command } from 'commander';
import type { Io } from '../io.js';

export function mcpCommand(io: Io): Command {
  return new Command('mcp')
    .description('run the Logbook MCP server on stdio (for `claude mcp add logbook -- node /abs/path/bin/logbook.cjs mcp`)')
    .action(async () => {
      // stdout carries the protocol only: anything a dependency might print goes to stderr.
      for (const level of ['log', 'info', 'debug'] as const) console[level] = (...args: unknown[]) => console.error(...args);
      // Loaded on demand so that the SDK costs the other commands nothing at start-up.
      const { runMcpServer } = await import('../../src/integrations/mcp.js');
      const { VERSION } = await import('../main.js');
      await runMcpServer({ cwd: io.cwd, env: io.env, version: VERSION, stdin: process.stdin, stdout: process.stdout });
    });
}

/**
 * Entry of dist/hook.cjs: the PostToolUse fast path (src/integrations/hookFast.ts),
 * required by bin/logbook.cjs instead of the CLI bundle for `logbook hook PostToolUse`.
 */
import { isatty } from 'node:tty';
import { fastPostToolUse } from '../src/integrations/hookFast.js';

const readStdin = async () => {
  if (isatty(0)) return '';
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  } catch {
    /* unreadable stdin is empty input */
  }
  return Buffer.concat(chunks).toString('utf8');
};

fastPostToolUse({ args: process.argv.slice(2), cwd: process.cwd(), env: process.env, readStdin }).finally(() => {
  process.exitCode = 0;
});

/**
 * Entry of dist/hook.cjs: the PostToolUse fast path (src/integrations/hookFast.ts),
 * required by bin/logbook.cjs instead of the CLI bundle for `logbook hook PostToolUse`.
 */
import { fastPostToolUse } from '../src/integrations/hookFast.js';
import { readAllStdin } from './stdin.js';

fastPostToolUse({ args: process.argv.slice(2), cwd: process.cwd(), env: process.env, readStdin: readAllStdin, startedAt: Math.round(performance.timeOrigin) }).finally(() => {
  // Done or given up: an unread stdin must not keep the process alive.
  process.exit(0);
});

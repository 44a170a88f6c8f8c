/** JSON output of every command: the view object unchanged (Maps as objects), 2-space indented. Its own module so small entries (dist/sync.cjs) print it without loading the CLI. */
import type { Io } from './io.js';

export function printJson(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value, (_k, v) => (v instanceof Map ? Object.fromEntries(v) : v), 2)}\n`);
}

/** Process entry point: wires the real process into `main`. */
import { main } from './main.js';
import { readAllStdin } from './stdin.js';
import { processWriters } from './stdio.js';

let stdinText: Promise<string> | undefined;
const readStdin = () => (stdinText ??= readAllStdin());

const { stdout, stderr, wrote } = processWriters();
main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout,
  stderr,
  readStdin,
  // Once stdout is flushed (a pipe is asynchronous on some platforms): a hook's answer must reach the agent whole.
  exit: (code) => {
    if (!wrote()) return process.exit(code); // nothing written: nothing to flush
    setTimeout(() => process.exit(code), 500); // a reader that never drains the pipe must not hold the process
    process.stdout.write('', () => process.exit(code));
  },
}).then((code) => {
  process.exitCode = code;
});

/** Process entry point: wires the real process into `main`. */
import { main } from './main.js';
import { readAllStdin } from './stdin.js';

let stdinText: Promise<string> | undefined;
const readStdin = () => (stdinText ??= readAllStdin());

/**
 * A reader that goes away (`logbook list --json | head -c 1`) is not an error:
 * output stops quietly, as it does for git and coreutils, instead of an
 * unhandled EPIPE with a stack trace. Other stream errors still surface.
 */
const closed = new Set<NodeJS.WriteStream>();
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    closed.add(stream);
    stream.destroy();
  });
}
const writer = (stream: NodeJS.WriteStream) => (text: string) => {
  if (!closed.has(stream)) stream.write(text);
};

main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: writer(process.stdout),
  stderr: writer(process.stderr),
  readStdin,
  isTTY: Boolean(process.stdout.isTTY),
  // Once stdout is flushed (a pipe is asynchronous on some platforms): a hook's answer must reach the agent whole.
  exit: (code) => {
    setTimeout(() => process.exit(code), 500); // a reader that never drains the pipe must not hold the process
    process.stdout.write('', () => process.exit(code));
  },
}).then((code) => {
  process.exitCode = code;
});

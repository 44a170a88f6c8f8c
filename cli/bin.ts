/** Process entry point: wires the real process into `main`. */
import { isatty } from 'node:tty';
import { main } from './main.js';

// Read as a stream: once process.stdin exists a pipe is non-blocking, and a
// synchronous read of fd 0 then fails with EAGAIN on input that arrives slowly
// or is large (a 1 MB paste came back as "nothing on stdin").
let stdinText: Promise<string> | undefined;
const readStdin = () =>
  (stdinText ??= (async () => {
    if (isatty(0)) return '';
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    } catch {
      /* a closed or unreadable stdin is empty input */
    }
    return Buffer.concat(chunks).toString('utf8');
  })());

main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  readStdin,
  isTTY: Boolean(process.stdout.isTTY),
}).then((code) => {
  process.exitCode = code;
});

/** Process entry point: wires the real process into `main`. */
import { readFileSync } from 'node:fs';
import { main } from './main.js';

let stdinText: Promise<string> | undefined;
const readStdin = () =>
  (stdinText ??= new Promise<string>((resolve) => {
    if (process.stdin.isTTY) return resolve('');
    try {
      resolve(readFileSync(0, 'utf8'));
    } catch {
      resolve('');
    }
  }));

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

import { isatty } from 'node:tty';

/**
 * All of stdin as text ('' for a terminal). Read as a stream: once
 * process.stdin exists a pipe is non-blocking, and a synchronous read of fd 0
 * then fails with EAGAIN on input that arrives slowly or is large (a 1 MB
 * paste came back as "nothing on stdin").
 */
export async function readAllStdin(): Promise<string> {
  if (isatty(0)) return '';
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  } catch {
    /* a closed or unreadable stdin is empty input */
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * How the CLI speaks and fails, for cli/main.ts and the small entries that run one command without
 * it (cli/syncBin.ts): nothing printed carries a secret or a raw control character, and an error
 * becomes its message, its hint and an exit code (1: the user's to fix; 70: a bug).
 */
import { LogbookError } from '../src/errors.js';
import { redactText } from '../src/redact.js';
import { writeError } from '../src/store/atomic.js';
import { escapeControls } from '../projections/text.js';
import type { Io } from './io.js';

/** stderr quotes what was typed (commander's "unknown option '--password=…'", stack traces): never a secret. No raw control character reaches the terminal (ESC, OSC, BEL, CR); JSON stays valid. */
export function guardedIo(rawIo: Io): Io {
  return { ...rawIo, stdout: (text) => rawIo.stdout(escapeControls(text)), stderr: (text) => rawIo.stderr(escapeControls(redactText(text).text)) };
}

/** Say what went wrong on stderr; resolves to the exit code. */
export function errorExit(io: Io, e: unknown): number {
  if (e instanceof LogbookError) {
    io.stderr(`logbook: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`);
    return 1;
  }
  if (isSystemError(e)) {
    // The environment refused (a path too long, no permission, disk full): the user's to fix, not a bug.
    const named = writeError(e, (e as NodeJS.ErrnoException).path ?? 'a file');
    if (named instanceof LogbookError) {
      io.stderr(`logbook: ${clip(named.message)}\n${named.hint ? `hint: ${named.hint}\n` : ''}`);
      return 1;
    }
    io.stderr(`logbook: ${clip(e.message)}\nhint: check the path and its permissions (${e.code})\n`);
    return 1;
  }
  const err = e as Error;
  io.stderr(`logbook: internal error: ${err?.stack ?? String(e)}\nhint: please report this with the command you ran\n`);
  return 70;
}

/** An error from the operating system (fs, spawn), as Node reports it. */
function isSystemError(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

const clip = (text: string, max = 400) => (text.length > max ? `${text.slice(0, max)}…` : text);

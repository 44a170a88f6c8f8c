/**
 * What a command needs from its process, injected so that commands run the
 * same in tests, in the CLI and in hook processes.
 */
import { InvalidArgumentError } from 'commander';
import { LogbookError } from '../src/errors.js';
import { Journal } from '../src/journal.js';
import { Logbook } from '../src/logbook.js';
import { CURRENT_VERSION, type UnreadableRecord } from '../src/events.js';

export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads all of stdin (once); used for `-` values and hook input. */
  readStdin: () => Promise<string>;
  /** End the process now with this code (hooks, once their work is done or given up); absent in-process. */
  exit?: (code: number) => void;
}

/** Set by the SessionStart hook in the agent's shell: the agent's conversation, so its commands find its session. */
const clientSessionOf = (io: Io) => io.env.LOGBOOK_CLIENT_SESSION?.trim() || undefined;

export function openJournal(io: Io): Journal {
  const agentSession = clientSessionOf(io);
  return Journal.open({ cwd: io.cwd, env: io.env, ...(agentSession ? { agent: { agentSession } } : {}) });
}

export function openLogbook(io: Io, options: { session?: string | undefined; allowSecret?: boolean | undefined } = {}): Logbook {
  return new Logbook(openJournal(io), { session: options.session, clientSession: clientSessionOf(io), allowSecret: options.allowSecret, onUnreadable: (r) => noteUnreadable(io, r) });
}

/** Events from a newer Logbook are kept but not shown: say so (on stderr, so --json output stays clean). Foreign commits are left to `logbook doctor`. */
function noteUnreadable(io: Io, records: UnreadableRecord[]): void {
  const newer = records.filter((r) => (r.v !== undefined && r.v > CURRENT_VERSION) || r.reason.startsWith('unknown event type'));
  if (newer.length) {
    io.stderr(`logbook: note: ${newer.length} event(s) written by a newer Logbook are kept but not shown here (types: ${[...new Set(newer.map((r) => r.type ?? '?'))].join(', ')})\nhint: upgrade Logbook to see them; \`logbook doctor\` lists them\n`);
  }
}

/** The `--allow-secret` flag of every command that takes free text. */
export const ALLOW_SECRET_FLAG = ['--allow-secret', 'keep text that looks like a secret as typed (no redaction) for this call'] as const;

/** Resolve `-` to stdin (read once per process). */
export async function textValue<T extends string | undefined>(io: Io, value: T): Promise<T> {
  if (value !== '-') return value;
  const text = (await io.readStdin()).replace(/\r?\n$/, '');
  if (!text.trim()) throw new LogbookError('INVALID_INPUT', 'expected text on stdin for a value of "-", got nothing', { hint: 'pipe the text in, e.g. echo "…" | logbook log --progress -' });
  return text as T;
}

export { printJson } from './json.js';

/** Repeatable option collector for commander. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A commander parser for a whole-number option of at least `min` (`what` names the unit in the error). */
export function wholeNumber(min: number, what: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number of ${what}, at least ${min}`);
    return n;
  };
}

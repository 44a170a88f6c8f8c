/**
 * What hooks keep on this clone between two hook processes, under
 * `.git/logbook/` (never in the journal, never pushed, safe to delete):
 *
 * - `spool/<client>.ndjson`: tool uses written by PostToolUse as one appended
 *   line each, so a burst of tool calls costs a file append, not a git commit.
 *   The next other hook of that client session turns the lines into
 *   `tool.used` events in one batch (bounded; the rest stays for the next one).
 * - `hooks/clients/<client>.json`: per client session: which Logbook session it
 *   is bound to, when its current turn started, whether it ended. Used to keep
 *   concurrent agents out of each other's sessions and for the Stop nudge.
 * - `hooks/compaction-<client>.json`: the last compaction of a client session
 *   and which of its hooks arrived (compaction.ts).
 *
 * Claims are renames or unlinks, which succeed for exactly one process.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { redactText } from '../redact.js';
import { writeFileAtomic } from '../store/atomic.js';

/** Spools (and claimed spools) untouched this long belong to a client that is gone. */
export const ORPHAN_SPOOL_MS = 10 * 60 * 1000;

export interface SpoolLine {
  /** ISO time of the tool use */
  t: string;
  /** client session id */
  cs: string;
  /** agent (client) name */
  a: string;
  tool: string;
  ok: boolean;
  ms?: number;
}

export interface ClientState {
  clientSession: string;
  client: string;
  /** Logbook session this client session is bound to (mirror of the journal's binding). */
  session?: string;
  /** ISO time the current turn started (UserPromptSubmit, SessionStart). */
  turnStart?: string;
  /** Turn start of the turn already nudged by Stop. */
  nudged?: string;
  /** ISO time of the last hook of this client session. */
  lastSeen: string;
  /** Set by SessionEnd: the client session no longer holds its Logbook session. */
  ended?: string;
}

/** A file-name-safe, collision-free name for a client session id. */
export function clientKey(clientSession: string): string {
  const readable = clientSession.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 48);
  const hash = createHash('sha1').update(clientSession).digest('hex').slice(0, 8);
  return `${readable}-${hash}`;
}

export class HookState {
  readonly dir: string;

  constructor(gitdir: string) {
    this.dir = path.join(gitdir, 'logbook');
  }

  private spoolDir(): string {
    return path.join(this.dir, 'spool');
  }

  spoolFile(clientSession: string): string {
    return path.join(this.spoolDir(), `${clientKey(clientSession)}.ndjson`);
  }

  /** Append one tool use (its free text redacted, as in the journal); returns the spool's size afterwards. Cheap: one open/append/stat. */
  spoolToolUse(line: SpoolLine): number {
    const file = this.spoolFile(line.cs);
    const text = `${JSON.stringify({ ...line, tool: redactText(line.tool).text, a: redactText(line.a).text })}\n`;
    try {
      appendFileSync(file, text);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      mkdirSync(path.dirname(file), { recursive: true });
      appendFileSync(file, text);
    }
    return statSync(file).size;
  }

  /**
   * Take the spool of a client session for flushing: renamed aside so that
   * new tool uses start a fresh spool and no line is flushed twice. Call
   * `done()` after the events are in the journal, `restore()` when the append failed.
   */
  claimSpool(clientSession: string, limit = Infinity): ClaimedSpool | undefined {
    return this.claimFile(this.spoolFile(clientSession), limit);
  }

  private claimFile(file: string, limit = Infinity): ClaimedSpool | undefined {
    const original = `${file.replace(/\.ndjson$|\.claimed-.*$/, '')}.ndjson`;
    const claimed = `${original.slice(0, -'.ndjson'.length)}.claimed-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    try {
      renameSync(file, claimed);
    } catch {
      return undefined; // none, or another process took it
    }
    let text = '';
    try {
      text = readFileSync(claimed, 'utf8');
    } catch {
      /* vanished: nothing to flush */
    }
    const lines: SpoolLine[] = [];
    const rest: string[] = [];
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      if (lines.length >= limit) {
        rest.push(raw);
        continue;
      }
      try {
        const l = JSON.parse(raw) as SpoolLine;
        if (typeof l.tool === 'string' && l.tool && typeof l.cs === 'string' && typeof l.ok === 'boolean') lines.push(l);
      } catch {
        /* a torn line from a killed writer: skipped */
      }
    }
    const putBack = (chunk: string) => {
      if (chunk) appendFileSync(original, chunk);
    };
    return {
      lines,
      done: () => {
        try {
          putBack(rest.length ? `${rest.join('\n')}\n` : '');
          unlinkSync(claimed);
        } catch {
          /* best effort: an orphan sweep picks the claimed file up later */
        }
      },
      restore: () => {
        try {
          putBack(text);
          unlinkSync(claimed);
        } catch {
          /* best effort, as above */
        }
      },
    };
  }

  /** Spools (fresh or claimed and abandoned) of other client sessions, untouched for `olderThanMs`. */
  claimOrphanSpools(exceptClient: string | undefined, now: number, limit = Infinity, olderThanMs = ORPHAN_SPOOL_MS): ClaimedSpool[] {
    let names: string[] = [];
    try {
      names = readdirSync(this.spoolDir());
    } catch {
      return [];
    }
    const mine = exceptClient ? clientKey(exceptClient) : undefined;
    const out: ClaimedSpool[] = [];
    let taken = 0;
    for (const name of names) {
      if (mine && name.startsWith(`${mine}.`)) continue;
      const file = path.join(this.spoolDir(), name);
      try {
        if (now - statSync(file).mtimeMs < olderThanMs) continue;
      } catch {
        continue;
      }
      const claimed = this.claimFile(file, limit - taken);
      if (!claimed) continue;
      out.push(claimed);
      taken += claimed.lines.length;
      if (taken >= limit) break;
    }
    return out;
  }

  /** When this client session last did anything: its state or its spool, whichever is newer. */
  lastActivity(state: ClientState): number {
    let t = Date.parse(state.lastSeen) || 0;
    try {
      t = Math.max(t, statSync(this.spoolFile(state.clientSession)).mtimeMs);
    } catch {
      /* no spool */
    }
    return t;
  }

  private clientsDir(): string {
    return path.join(this.dir, 'hooks', 'clients');
  }

  readClient(clientSession: string): ClientState | undefined {
    try {
      const s = JSON.parse(readFileSync(path.join(this.clientsDir(), `${clientKey(clientSession)}.json`), 'utf8')) as ClientState;
      return s && s.clientSession === clientSession ? s : undefined;
    } catch {
      return undefined;
    }
  }

  writeClient(state: ClientState): void {
    const file = path.join(this.clientsDir(), `${clientKey(state.clientSession)}.json`);
    writeFileAtomic(file, JSON.stringify(state), { mkdir: true, fsync: false });
  }

  /** Every known client session of this clone. */
  allClients(): ClientState[] {
    let names: string[] = [];
    try {
      names = readdirSync(this.clientsDir());
    } catch {
      return [];
    }
    const out: ClientState[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      try {
        const s = JSON.parse(readFileSync(path.join(this.clientsDir(), name), 'utf8')) as ClientState;
        if (s && typeof s.clientSession === 'string') out.push(s);
      } catch {
        /* half-written by a killed process: ignored */
      }
    }
    return out;
  }

  /** Forget client sessions not seen for `olderThanMs` (their bindings stay in the journal). */
  pruneClients(now: number, olderThanMs: number): void {
    for (const c of this.allClients()) {
      if (now - this.lastActivity(c) > olderThanMs) {
        try {
          unlinkSync(path.join(this.clientsDir(), `${clientKey(c.clientSession)}.json`));
        } catch {
          /* raced with another pruner */
        }
      }
    }
  }
}

export interface ClaimedSpool {
  lines: SpoolLine[];
  done: () => void;
  restore: () => void;
}

/**
 * What `logbook sync` prints and when it fails, shared by the command (cli/commands/sync.ts)
 * and the small entry of a plain sync (cli/syncBin.ts, dist/sync.cjs), so both say exactly the
 * same. Imports nothing of the CLI beyond the library's sync.
 */
import { LogbookError } from '../src/errors.js';
import type { RefChange, SyncOptions, SyncProgress, SyncResult } from '../src/sync.js';
import type { Io } from './io.js';
import { printJson } from './json.js';

const short = (oid: string | null) => (oid ? oid.slice(0, 10) : '(none)');
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const name = (c: { ref: string; replica?: string }) => (c.replica ? `replica ${c.replica}` : c.ref);

function changeLine(c: RefChange, verb: 'fetch' | 'push'): string {
  const count = c.events === null ? 'new events' : `+${plural(c.events, 'event')}`;
  const what = c.from === null ? (verb === 'fetch' ? ' (new replica)' : ' (new on the remote)') : '';
  return `  ${name(c).padEnd(22)} ${count}${what}  ${short(c.from)}..${short(c.to)}`;
}

/** What a sync did (or would do), for people. Pure. */
export function formatSync(r: SyncResult): string {
  const lines: string[] = [];
  const where = r.url === r.remote ? r.remote : `${r.remote} (${r.url})`;
  const fetchedEvents = r.fetched.reduce((n, c) => n + (c.events ?? 0), 0);
  const unknown = r.fetched.some((c) => c.events === null);
  if (r.dryRun) lines.push(`Dry run against ${where} via ${r.transport === 'git' ? 'git' : 'built-in HTTP'}: nothing was changed.`);
  const would = r.dryRun ? 'Would fetch' : 'Fetched';
  if (r.fetched.length) {
    lines.push(`${would} ${unknown ? 'new events' : plural(fetchedEvents, 'new event')} of ${plural(r.fetched.length, 'replica')}:`);
    lines.push(...r.fetched.map((c) => changeLine(c, 'fetch')));
  }
  for (const c of r.pushed) lines.push(`${r.dryRun ? 'Would push' : 'Pushed'} ${plural(c.events ?? 0, 'event')} of this clone (replica ${r.replica})${c.from === null ? ', new on the remote' : ''}.`);
  if (!r.fetched.length && !r.pushed.length) lines.push(`${r.dryRun ? 'Nothing to fetch or push:' : 'Already'} up to date with ${where}.`);
  else if (!r.dryRun) lines.push(`Synced with ${where}.`);
  if (r.pushSkipped) lines.push('Not pushed (--no-push).');
  for (const b of r.behind) {
    lines.push(`note: ${r.remote} has an older copy of ${name(b)} (${plural(b.localOnly ?? 0, 'event')} behind this clone's); kept ours, its own clone pushes it on its next sync.`);
  }
  for (const s of r.skipped ?? []) lines.push(`note: skipped ${s.ref} on ${r.remote}: ${s.reason}.`);
  for (const f of r.failed ?? []) lines.push(`error: could not update ${name(f)}: ${f.message}`);
  return `${lines.join('\n')}\n`;
}

/** The options every sync of the CLI passes: where it runs, and progress on stderr only when a person watches it. */
export function syncIoOptions(io: Io, remote: string, json: boolean): Pick<SyncOptions, 'remote' | 'cwd' | 'env' | 'progress' | 'interactive' | 'onProgress'> {
  const watching = Boolean(process.stderr.isTTY) && !json;
  return {
    remote,
    cwd: io.cwd,
    env: io.env,
    progress: watching,
    interactive: watching && Boolean(process.stdin.isTTY),
    ...(watching ? { onProgress: (p: SyncProgress) => io.stderr(p.kind === 'transfer' ? p.text : `${p.message}…\n`) } : {}),
  };
}

/** Print a sync's result (`extra` first in --json), then fail when a ref could not be updated or was refused. */
export function reportSync(io: Io, result: SyncResult, json: boolean, extra?: Record<string, unknown>): void {
  if (json) printJson(io, extra ? { ...extra, ...result } : result);
  else io.stdout(formatSync(result));
  if (result.failed.length) {
    throw new LogbookError('SYNC_FAILED', `${plural(result.failed.length, 'ref')} could not be updated locally (every other ref was synced): ${result.failed.map((f) => `${f.ref}: ${f.message}`).join('; ')}`, {
      hint: 'run `logbook doctor` for what is wrong with those refs, then `logbook sync` again',
      data: { failed: result.failed },
    });
  }
  if (result.refused.length) {
    const list = result.refused.map((r) => `${name(r)} (${plural(r.localOnly ?? 0, 'event')} only here, ${plural(r.remoteOnly ?? 0, 'event')} only there)`).join('; ');
    throw new LogbookError('REF_MOVED_BACKWARDS', `refused to move ${plural(result.refused.length, 'ref')} that ${result.remote} holds as a non-fast-forward of ours: ${list}`, {
      hint: "this clone's copies are kept and nothing is lost; the remote's copy was rewritten, or two clones share that replica id. The clone that owns it gets a REPLICA_COLLISION from its next `logbook sync`, which says how to fix it",
      data: { refused: result.refused },
    });
  }
}

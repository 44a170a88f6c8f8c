import { Command } from 'commander';
import { LogbookError } from '../../src/errors.js';
import { sync } from '../../src/sync.js';
import { fixCollision, type FixCollisionResult } from '../../src/syncCollision.js';
import type { Io } from '../io.js';
import { openJournal } from '../io.js';
import { formatSync, plural, reportSync, syncIoOptions } from '../syncReport.js';

export { formatSync };

/** What `--fix-collision` did, for people. Pure. */
export function formatFix(f: FixCollisionResult): string {
  return [
    `This clone is now replica ${f.newReplica} (it was ${f.oldReplica}, which another clone also uses).`,
    f.moved ? `Re-recorded the ${plural(f.moved, 'event')} only this clone had written under ${f.newReplica} (same ids, times and text).` : 'This clone had written nothing the remote lacks: no event to move.',
    ...(f.rescued ? [`Its old history of ${f.oldReplica} is kept at ${f.rescued} (not read, not pushed; delete it when you like).`] : []),
    '',
  ].join('\n');
}

export function syncCommand(io: Io): Command {
  return new Command('sync')
    .description("fetch every journal ref from a git remote and push this clone's own, fast-forward only")
    .argument('[REMOTE]', 'a remote name, path, or file://, http(s)://, ssh:// or host:path address', 'origin')
    .option('--dry-run', 'say what would be fetched and pushed, change nothing')
    .option('--no-push', 'only fetch (for remotes you cannot write to)')
    .option('--fix-collision', 'after a REPLICA_COLLISION: give this clone a new replica id, keep its own events under it, then sync')
    .option('--json', 'print the result as JSON')
    .action(async (remote: string, opts: { dryRun?: boolean; push: boolean; json?: boolean; fixCollision?: boolean }) => {
      if (opts.fixCollision && opts.dryRun) throw new LogbookError('INVALID_INPUT', '--fix-collision and --dry-run do not go together', { hint: 'run `logbook sync --dry-run` to see the collision, then `logbook sync --fix-collision`' });
      // Commits the git hooks spooled travel with this sync, not the next one.
      if (!opts.dryRun) await (await import('./commits.js')).drainQuietly(io);
      // Transfer progress goes to stderr, and only when a person is watching it.
      const common = syncIoOptions(io, remote, Boolean(opts.json));
      const fix = opts.fixCollision ? await fixCollision({ journal: openJournal(io), ...common }) : undefined;
      if (fix && !opts.json) io.stdout(formatFix(fix));
      const result = await sync({ journal: openJournal(io), ...common, dryRun: Boolean(opts.dryRun), push: opts.push });
      reportSync(io, result, Boolean(opts.json), fix ? { fix } : undefined);
    });
}

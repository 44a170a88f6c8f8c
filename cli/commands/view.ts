import { Command } from 'commander';
import { sessionItems } from '../../projections/items.js';
import { decisionsSection, progressSection, renderSessionFile } from '../../projections/sessionFile.js';
import { commitView, sessionCommits } from '../../projections/commits.js';
import { loadCommitLookup } from '../../src/code/commitsIndex.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';

export function viewCommand(io: Io): Command {
  return new Command('view')
    .description('show a session (default: current) as its session file')
    .argument('[S]', 'session')
    .option('--progress', 'only the progress')
    .option('--decisions', 'only the decisions')
    .option('--session <S>', 'session (same as the argument)')
    .option('--json', 'the session and every one of its events as JSON')
    .action(async (ref: string | undefined, opts: { progress?: boolean; decisions?: boolean; session?: string; json?: boolean }) => {
      const logbook = openLogbook(io, { session: opts.session });
      const snap = await logbook.load();
      const s = logbook.session(snap, ref ?? opts.session);
      const index = await loadCommitLookup(logbook.journal);
      const commits = sessionCommits(index, s.id).map((r) => commitView(index, r));
      if (opts.json) return printJson(io, { session: s, events: snap.events.filter((e) => e.session === s.id), commits });
      const parts: string[] = [];
      if (opts.progress) parts.push(`## Progress\n${progressSection(s).join('\n')}\n`);
      if (opts.decisions) parts.push(`## Decisions\n${decisionsSection(s).join('\n')}\n`);
      io.stdout(parts.length ? parts.join('\n') : renderSessionFile(s, { items: sessionItems(snap.items, s.id), commits }));
    });
}

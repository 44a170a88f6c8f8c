import { Command } from 'commander';
import { sessionItems } from '../../projections/items.js';
import { decisionsSection, progressSection, renderSessionFile } from '../../projections/sessionFile.js';
import { inlineAll } from '../../projections/text.js';
import { eventsAt, loadAt, sessionAt } from '../../src/timetravel/index.js';
import { AT_FLAG, banner, withMoment } from '../at.js';
import { sessionCommitViews } from '../../src/code/commitsIndex.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';

export function viewCommand(io: Io): Command {
  return new Command('view')
    .description('show a session (default: current) as its session file')
    .argument('[S]', 'session')
    .option('--progress', 'only the progress')
    .option('--decisions', 'only the decisions')
    .option('--session <S>', 'session (same as the argument)')
    .option(...AT_FLAG)
    .option('--json', 'the session and every one of its events as JSON')
    .action(async (ref: string | undefined, opts: { progress?: boolean; decisions?: boolean; session?: string; at?: string; json?: boolean }) => {
      const logbook = openLogbook(io, { session: opts.session });
      const at = await loadAt(logbook, opts.at, { session: ref ?? opts.session, focus: true });
      const { snap, moment } = at;
      const s = sessionAt(logbook, at, ref ?? opts.session);
      // A past moment shows the commits recorded by then.
      const commits = await sessionCommitViews(logbook.journal, s.id, moment?.at);
      if (opts.json) return printJson(io, withMoment({ session: s, events: (await eventsAt(logbook, at)).filter((e) => e.session === s.id), commits }, moment));
      const parts: string[] = [];
      if (opts.progress) parts.push(`## Progress\n${progressSection(inlineAll(s)).join('\n')}\n`);
      if (opts.decisions) parts.push(`## Decisions\n${decisionsSection(inlineAll(s)).join('\n')}\n`);
      io.stdout(banner(moment) + (parts.length ? parts.join('\n') : renderSessionFile(s, { items: sessionItems(snap.items, s.id), commits })));
    });
}

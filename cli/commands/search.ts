import { Command } from 'commander';
import { LogbookError } from '../../src/errors.js';
import { searchJournal } from '../../src/search/search.js';
import { renderSearchResults } from '../../projections/search.js';
import type { Io } from '../io.js';
import { collect, openJournal, printJson } from '../io.js';

function limitOf(value: string): number {
  if (!/^\s*\d+\s*$/.test(value)) throw new LogbookError('INVALID_INPUT', `--limit must be a whole number of at least 1, got "${value}"`, { hint: 'e.g. --limit 10' });
  return Number(value);
}

export function searchCommand(io: Io): Command {
  return new Command('search')
    .description('find events across every session by their text: ranked, words also as prefixes, "quoted phrases"')
    .argument('<QUERY...>', 'words and "quoted phrases" (every one must match)')
    .option('--type <T>', 'only events of this type (repeatable: decision, discovery, progress, …)', collect)
    .option('--session <S>', 'only this session')
    .option('--actor <A>', 'only events by this person (name or email)')
    .option('--agent <A>', 'only events by this agent (claude-code, a subagent type, …)')
    .option('--since <DATE>', 'from this date: 2026-01-02, 2026-01-02T10:00, today, yesterday, or an age: 12h, 7d, 2w')
    .option('--until <DATE>', 'up to this date (an ISO date takes in the whole day)')
    .option('--status <open|closed>', "only events of open (active, paused) or closed sessions")
    .option('--limit <N>', 'at most N results (default 20)')
    .option('--json', 'the results as JSON (the same fields)')
    .action(async (words: string[], opts: { type?: string[]; session?: string; actor?: string; agent?: string; since?: string; until?: string; status?: string; limit?: string; json?: boolean }) => {
      const journal = openJournal(io);
      const result = await searchJournal(journal, {
        query: words.join(' '),
        ...(opts.type ? { types: opts.type } : {}),
        ...(opts.session !== undefined ? { session: opts.session } : {}),
        ...(opts.actor !== undefined ? { actor: opts.actor } : {}),
        ...(opts.agent !== undefined ? { agent: opts.agent } : {}),
        ...(opts.since !== undefined ? { since: opts.since } : {}),
        ...(opts.until !== undefined ? { until: opts.until } : {}),
        ...(opts.status !== undefined ? { status: opts.status } : {}),
        ...(opts.limit !== undefined ? { limit: limitOf(opts.limit) } : {}),
      });
      if (opts.json) return printJson(io, result);
      io.stdout(renderSearchResults(result));
    });
}

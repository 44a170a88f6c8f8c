/**
 * `GET /api/search` and the search page: the query string mapped onto
 * `searchJournal`'s options (the same call as `logbook search` and the MCP
 * `search` tool). `type` may repeat, as `--type` does.
 */
import { LogbookError } from '../errors.js';
import { searchJournal, type SearchOptions, type SearchResult } from '../search/search.js';
import type { ApiRequest } from './api.js';

export const searchQuery = {
  q: 'the query: words (each also a prefix) and "quoted phrases"',
  type: 'an event type (repeatable)',
  session: 'a session in any form',
  actor: 'who wrote it',
  agent: 'which agent wrote it',
  since: 'ISO date or 7d, 2w, today',
  until: 'ISO date or 7d, 2w, today',
  status: 'open or closed',
  limit: 'hits to return (default 20)',
} as const;

export async function search(req: ApiRequest): Promise<SearchResult> {
  const q = req.query;
  const limitText = q.get('limit');
  const limit = limitText === null ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new LogbookError('INVALID_INPUT', `limit must be a whole number of hits, at least 1; got "${limitText}"`, { hint: 'for example ?q=lock&limit=10' });
  }
  const options: SearchOptions = { query: q.get('q') ?? '', ...(limit !== undefined ? { limit } : {}) };
  const types = q.getAll('type');
  if (types.length) options.types = types;
  for (const key of ['session', 'actor', 'agent', 'since', 'until', 'status'] as const) {
    const v = q.get(key);
    if (v !== null) options[key] = v;
  }
  return searchJournal(req.repo.journal, options);
}

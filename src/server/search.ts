/**
 * `GET /api/search` and the search page: the query string mapped onto
 * `searchJournal`'s options (the same call as `logbook search` and the MCP
 * `search` tool). `type` may repeat, as `--type` does.
 */
import * as z from 'zod/mini';
import { handle } from '../operations/handlers.js';
import { kindOf, spellingOf } from '../operations/request.js';
import { searchOperation } from '../operations/requests.js';
import { Logbook } from '../logbook.js';
import type { SearchResult } from '../search/search.js';
import type { ApiRequest } from './api.js';
import { invalidBody } from './errors.js';

/** The search request from a query string: each field by its parameter name (`q`, `type` repeated). */
function fromQuery(q: URLSearchParams): unknown {
  const input: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(searchOperation.request.shape)) {
    const name = spellingOf(field).param ?? key;
    const kind = kindOf(field);
    if (kind === 'list') {
      if (q.getAll(name).length) input[key] = q.getAll(name);
      continue;
    }
    const value = q.get(name);
    if (value === null) continue;
    input[key] = kind === 'number' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  }
  input.query ??= '';
  return input;
}

export async function search(req: ApiRequest): Promise<SearchResult> {
  const r = z.safeParse(searchOperation.request, fromQuery(req.query));
  if (!r.success) throw invalidBody('search query', r.error.issues);
  return handle.search(new Logbook(req.repo.journal), r.data);
}

/**
 * `GET /api/search` and the search page: the query string mapped onto
 * `searchJournal`'s options (the same call as `logbook search` and the MCP
 * `search` tool). `type` may repeat, as `--type` does.
 */
import * as z from 'zod/mini';
import { readHandlers } from '../operations/readHandlers.js';
import { kindOf, spellingOf } from '../operations/request.js';
import { searchOperation } from '../operations/requests.js';
import { Logbook } from '../logbook.js';
import type { SearchResult } from '../search/search.js';
import type { ApiRequest } from './api.js';
import { invalidBody } from './errors.js';
import { redactText } from '../redact.js';

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
  const r = z.safeParse(searchOperation.request, fromQuery(req.query), { reportInput: true });
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ ...i, path: i.path.map((p) => (typeof p === 'string' ? (spellingOf(searchOperation.request.shape[p as keyof typeof searchOperation.request.shape]!).param ?? p) : p)), message: typeof i.input === 'string' || typeof i.input === 'number' ? `${i.message}; got "${redactText(String(i.input)).text.slice(0, 60)}"` : i.message }));
    throw invalidBody('search', issues, { of: 'query', hint: 'for example ?q=lock&limit=10 (GET /api/openapi.json lists the parameters)' });
  }
  return readHandlers.search(new Logbook(req.repo.journal, { searchIndex: req.repo.searchIndex }), r.data);
}

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
import { DEFAULT_LIMIT, type SearchHit, type SearchResult } from '../search/search.js';
import { isLogbookError } from '../errors.js';
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

/** A hit of a search over several repositories says which one it is from. */
export type ServedHit = SearchHit & { repo?: string };

export async function search(req: ApiRequest): Promise<SearchResult & { hits: ServedHit[] }> {
  const r = z.safeParse(searchOperation.request, fromQuery(req.query), { reportInput: true });
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ ...i, path: i.path.map((p) => (typeof p === 'string' ? (spellingOf(searchOperation.request.shape[p as keyof typeof searchOperation.request.shape]!).param ?? p) : p)), message: typeof i.input === 'string' || typeof i.input === 'number' ? `${i.message}; got "${redactText(String(i.input)).text.slice(0, 60)}"` : i.message }));
    throw invalidBody('search', issues, { of: 'query', hint: 'for example ?q=lock&limit=10 (GET /api/openapi.json lists the parameters)' });
  }
  const repos = req.repos ?? [req.repo];
  if (repos.length === 1) return readHandlers.search(new Logbook(repos[0]!.journal, { searchIndex: repos[0]!.searchIndex }), r.data);
  // SPEC 10: under serve, search finds events in every repository; each repository ranks its own, the best of all are kept.
  const results: Array<{ repo: string; result: SearchResult }> = [];
  let unknown: unknown;
  for (const repo of repos) {
    try {
      results.push({ repo: repo.name, result: await readHandlers.search(new Logbook(repo.journal, { searchIndex: repo.searchIndex }), r.data) });
    } catch (e) {
      // a session filter names a session of another repository: this one has nothing to add
      if (!isLogbookError(e) || e.code !== 'UNKNOWN_SESSION') throw e;
      unknown ??= e;
    }
  }
  if (!results.length) throw unknown;
  const hits: ServedHit[] = results.flatMap(({ repo, result }) => result.hits.map((h) => ({ ...h, repo })));
  hits.sort((x, y) => y.score - x.score || (x.at < y.at ? 1 : x.at > y.at ? -1 : 0));
  return { query: r.data.query, total: results.reduce((n, x) => n + x.result.total, 0), hits: hits.slice(0, r.data.limit ?? DEFAULT_LIMIT) };
}

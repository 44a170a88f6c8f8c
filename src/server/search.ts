/**
 * `GET /api/search` and the search page. The search capability lives on its
 * own branch (src/search); until it is merged this answers 501 with a clear
 * error. The merge replaces only the body of `search` with
 *
 *   return searchJournal(req.repo.journal, { query: req.query.get('q') ?? '', ...filters from req.query });
 *
 * whose SearchResult (`{query, total, hits}`) the search page already renders
 * (projections/html/pages.ts `searchResults`).
 */
import { HttpError } from './errors.js';
import type { ApiRequest } from './api.js';

export async function search(_req: ApiRequest): Promise<unknown> {
  throw new HttpError(501, 'NOT_IMPLEMENTED', 'search is not available in this build of Logbook', 'search arrives with `logbook search` (SPEC 10); meanwhile GET /api/events lists every event');
}

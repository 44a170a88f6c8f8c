/**
 * `GET /api/search`: the search capability lives on its own branch
 * (src/search). Until it is merged this answers 501 with a clear error; the
 * merge replaces this one function with a call into src/search.
 */
import { HttpError } from './errors.js';
import type { ApiRequest } from './api.js';

export async function search(_req: ApiRequest): Promise<unknown> {
  throw new HttpError(501, 'NOT_IMPLEMENTED', 'search is not available in this build of Logbook', 'search arrives with `logbook search` (SPEC 10); meanwhile GET /api/events lists every event');
}

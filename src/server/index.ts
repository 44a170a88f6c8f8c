/** `logbook serve`: the HTTP API and web view (SPEC 9). Bundled apart from the CLI (dist/serve.cjs), loaded only by `logbook serve`. */
export { startServer, DEFAULT_BODY_LIMIT, type ServeOptions, type RunningServer } from './http.js';
export { openApiDocument } from './openapi.js';
export { routes } from './api.js';

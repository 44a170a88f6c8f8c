/**
 * `logbook serve`: one node:http server over one or more repositories.
 *
 * Every request passes the same door, in this order: the Host header must
 * name this server (DNS rebinding), the token must be presented (Bearer, the
 * cookie set by opening the printed URL, or `?token=` on a page), a write
 * must not come from another Origin, must not meet --read-only, and its JSON
 * body must fit the size limit. No CORS headers are ever sent.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { LogbookError } from '../errors.js';
import { findRepo } from '../repo.js';
import { matchRoute, type ApiRequest } from './api.js';
import { HttpError, errorResponse } from './errors.js';
import { Repo } from './feed.js';
import { openApiDocument } from './openapi.js';
import { renderPage } from './pages.js';
import { streamEvents } from './sse.js';
import { SyncTimer } from './syncTimer.js';
import { CLIENT_SCRIPT, STYLESHEET } from '../../projections/html/assets.js';
import { esc } from '../../projections/html/layout.js';

export interface ServeOptions {
  /** Repository directories (default: the current one); the first answers unprefixed paths. */
  repos: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  host?: string;
  port?: number;
  token?: string;
  readOnly?: boolean;
  sync?: { remote: string; everyMs: number };
  /** Largest accepted request body (default 256 KiB). */
  bodyLimit?: number;
  /** Safety-net tip check of the feeds (ms, default 5000; 0: off). */
  tipCheckMs?: number;
  version?: string;
  now?: () => Date;
  /** Errors that are not any request's (a feed that could not read): for the CLI to log. */
  onError?: (e: unknown) => void;
}

export interface RunningServer {
  url: string;
  /** The URL to open: with the token, which the page trades for a cookie. */
  openUrl: string;
  port: number;
  token: string;
  repos: Repo[];
  sync: SyncTimer | undefined;
  close(): Promise<void>;
}

export const DEFAULT_BODY_LIMIT = 256 * 1024;

/** Names for the repositories: their directory names, made unique. */
function repoNames(dirs: string[]): string[] {
  const seen = new Map<string, number>();
  return dirs.map((d) => {
    const base = (path.basename(d) || 'repo').replace(/[^A-Za-z0-9._-]/g, '-');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

const safeEqual = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value, (_k, v) => (v instanceof Map ? Object.fromEntries(v) : v));
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendError(res: ServerResponse, e: unknown, html = false): void {
  const { status, body } = errorResponse(e);
  if (res.headersSent) return void res.end();
  if (html) {
    const text = `<!doctype html><meta charset="utf-8"><title>Logbook: ${status}</title><main><h1>${status} ${body.error.code}</h1><p>${esc(body.error.message)}</p>${body.error.hint ? `<p>${esc(body.error.hint)}</p>` : ''}</main>`;
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': CSP });
    return void res.end(text);
  }
  sendJson(res, status, body);
}


/** Read a JSON body of at most `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.reject(new HttpError(413, 'TOO_LARGE', `request body is ${declared} bytes; this server accepts at most ${limit}`, 'send less text per request (one journal entry holds at most 64 KiB)'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, 'TOO_LARGE', `request body is over ${limit} bytes`, 'send less text per request'));
        return;
      }
      chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text.trim()) return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch (e) {
        reject(new HttpError(400, 'INVALID_INPUT', `request body is not JSON: ${(e as Error).message}`, 'send a JSON object with Content-Type: application/json'));
      }
    });
  });
}

/**
 * One entry per repository: `--repo . --repo ./src`, or a path given twice, name one git
 * directory, which would otherwise be served (and streamed) twice under two names.
 * A folder that is no repository is kept, so that starting it reports the error.
 */
function distinctRepos(dirs: string[]): string[] {
  const seen = new Set<string>();
  return dirs.filter((dir) => {
    let key: string;
    try {
      key = realpathSync(findRepo(dir).gitdir);
    } catch {
      // not a repository (any more): a different key, so it is added
      return true;
    }
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What every request of one server shares. */
interface Served {
  options: ServeOptions;
  repos: Repo[];
  byName: Map<string, Repo>;
  token: string;
  bodyLimit: number;
  version: string;
  syncTimer: SyncTimer | undefined;
  streams: Set<ServerResponse>;
  /** `Host` values that name this server (known once it listens). */
  allowedHosts: Set<string>;
  cookieName: () => string;
}

const authorised = (ctx: Served, req: IncomingMessage): boolean => {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && safeEqual(auth.slice(7).trim(), ctx.token)) return true;
  const c = cookies(req).get(ctx.cookieName());
  return c !== undefined && safeEqual(c, ctx.token);
};

/**
 * The door: the Host must be this server's (DNS rebinding), the token given
 * (a token in a page's URL is traded for a cookie), and a write from a
 * browser must come from this server's own pages. Returns true when it
 * answered the request itself (favicon, the token redirect).
 */
function admit(ctx: Served, req: IncomingMessage, res: ServerResponse, url: URL, isApi: boolean): boolean {
  // DNS rebinding: a page of evil.example that resolves to 127.0.0.1 still says Host: evil.example.
  const hostHeader = (req.headers.host ?? '').toLowerCase();
  if (!ctx.allowedHosts.has(hostHeader)) throw new HttpError(403, 'FORBIDDEN_HOST', `Host "${req.headers.host ?? ''}" is not this server`, `use ${[...ctx.allowedHosts][0]}`);
  // Every browser asks for one; a 404 (or 401) here is an error in the console of every page.
  if (url.pathname === '/favicon.ico' && (req.method === 'GET' || req.method === 'HEAD')) {
    res.writeHead(204, { ...SECURITY_HEADERS, 'Cache-Control': 'max-age=86400' });
    res.end();
    return true;
  }
  const given = url.searchParams.get('token');
  if (!isApi && req.method === 'GET' && given !== null && safeEqual(given, ctx.token)) {
    // Trade the token in the URL for a cookie, and drop it from the address bar (and from history).
    url.searchParams.delete('token');
    res.writeHead(303, { ...SECURITY_HEADERS, 'Set-Cookie': `${ctx.cookieName()}=${ctx.token}; HttpOnly; SameSite=Strict; Path=/`, Location: `${url.pathname}${url.search}` });
    res.end();
    return true;
  }
  if (!authorised(ctx, req)) {
    const presented = req.headers.authorization !== undefined || given !== null;
    // The API takes no token in its URL (URLs end up in logs and shell history); the right token there is not a wrong one.
    const misplaced = isApi && given !== null && safeEqual(given, ctx.token) && req.headers.authorization === undefined;
    const message = misplaced ? 'the API takes its token in a header, Authorization: Bearer <token>, not in the URL (?token= is for opening pages)' : presented ? 'wrong access token' : 'this server needs its access token';
    throw new HttpError(401, 'UNAUTHORIZED', message, 'open the URL `logbook serve` printed, or send Authorization: Bearer <token>');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    // A browser always says where a request comes from; another site's page must not write with our cookie.
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    if ((origin !== undefined && origin !== `http://${hostHeader}`) || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
      throw new HttpError(403, 'FORBIDDEN_ORIGIN', `a write from ${origin ?? `a ${site} page`} is refused`, 'writes from a browser must come from this server’s own pages');
    }
  }
  return false;
}

/** `/api/…`: the repository (an `/api/repos/NAME` prefix picks one), then the route, its body and its answer. */
async function serveApi(ctx: Served, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { repos, options } = ctx;
  let apiPath = url.pathname;
  let repo = repos[0]!;
  if (apiPath === '/api/repos') {
    return sendJson(res, 200, { repos: repos.map((r) => ({ name: r.name, path: r.dir, default: r === repos[0], ...(ctx.syncTimer ? { sync: ctx.syncTimer.status[r.name] } : {}) })) });
  }
  const prefixed = /^\/api\/repos\/([^/]+)(\/.*)$/.exec(apiPath);
  if (prefixed) {
    const name = decodeURIComponent(prefixed[1]!);
    const found = ctx.byName.get(name);
    if (!found) throw new HttpError(404, 'UNKNOWN_REPO', `no repository named "${name}" is served here`, `GET /api/repos lists them: ${repos.map((r) => r.name).join(', ')}`);
    repo = found;
    apiPath = `/api${prefixed[2]}`;
  }
  if (apiPath === '/api/openapi.json' && req.method === 'GET') return sendJson(res, 200, openApiDocument(ctx.version));
  if (apiPath === '/api/events/stream' && req.method === 'GET') return streamEvents(req, res, prefixed ? [repo] : repos, ctx.streams);
  const match = matchRoute(req.method ?? 'GET', apiPath);
  if (!match) throw new HttpError(404, 'NOT_FOUND', `no API endpoint ${req.method} ${apiPath}`, 'GET /api/openapi.json lists the endpoints');
  if ('allowed' in match) throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${apiPath} does not take ${req.method}`, `use ${match.allowed.join(' or ')}`);
  const { route, params } = match;
  let body: unknown;
  if (route.write) {
    if (options.readOnly) throw new HttpError(403, 'READ_ONLY', 'this server was started with --read-only: it refuses every write', 'restart `logbook serve` without --read-only, or write with the CLI');
    const type = String(req.headers['content-type'] ?? '');
    if (!/^application\/json\b/i.test(type)) throw new HttpError(400, 'INVALID_INPUT', `expected Content-Type: application/json, got "${type || 'none'}"`, 'send the body as JSON');
    body = await readBody(req, ctx.bodyLimit);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'INVALID_INPUT', 'the request body must be a JSON object', 'for example {"progress": "wrote the parser"}');
  }
  const apiReq: ApiRequest = { repo, ...(prefixed ? {} : { repos }), params, query: url.searchParams, body, sessionHeader: header(req, 'x-session-id'), agent: header(req, 'x-logbook-agent') ?? 'http', env: options.env };
  sendJson(res, route.status ?? 200, await route.handle(apiReq));
}

/** One request: the door, then the assets, a page, or the API. */
async function serveRequest(ctx: Served, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');
  try {
    if (admit(ctx, req, res, url, isApi)) return;
    if (url.pathname === '/assets/app.css') return asset(res, 'text/css', STYLESHEET);
    if (url.pathname === '/assets/app.js') return asset(res, 'text/javascript', CLIENT_SCRIPT);
    if (isApi) return await serveApi(ctx, req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on pages`, 'pages are read with GET');
    const html = await renderPage(url, { repos: ctx.repos, byName: ctx.byName, sync: ctx.syncTimer, readOnly: Boolean(ctx.options.readOnly) });
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': CSP });
    res.end(html);
  } catch (e) {
    sendError(res, e, !isApi);
  }
}

/** Start serving; resolves once listening. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const dirs = distinctRepos(options.repos.length ? options.repos.map((d) => path.resolve(options.cwd, d)) : [options.cwd]);
  const names = repoNames(dirs);
  const repos = dirs.map(
    (dir, i) =>
      new Repo({ name: names[i]!, dir, env: options.env, ...(options.now ? { now: options.now } : {}), ...(options.tipCheckMs !== undefined ? { tipCheckMs: options.tipCheckMs } : {}), ...(options.onError ? { onError: options.onError } : {}) }),
  );
  for (const r of repos) await r.start();
  const host = options.host ?? '127.0.0.1';
  let port = 0;
  const ctx: Served = {
    options,
    repos,
    byName: new Map(repos.map((r) => [r.name, r])),
    token: options.token ?? randomBytes(24).toString('base64url'),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    version: options.version ?? '0.1.0',
    syncTimer: options.sync ? new SyncTimer(repos, options.sync.remote, options.sync.everyMs, options.env, options.now) : undefined,
    streams: new Set<ServerResponse>(),
    allowedHosts: new Set<string>(),
    cookieName: () => `logbook_token_${port}`,
  };

  const server: Server = createServer((req, res) => void serveRequest(ctx, req, res));
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new LogbookError('INVALID_INPUT', `port ${options.port} is in use`, { hint: 'pick another with --port N, or --port 0 for a free one' }) : e),
    );
    server.listen(options.port ?? 4983, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  ctx.allowedHosts.add(`${shown}:${port}`);
  for (const h of ownNames(host)) ctx.allowedHosts.add(`${h}:${port}`);
  ctx.syncTimer?.start();
  const base = `http://${shown}:${port}`;
  return {
    url: base,
    openUrl: `${base}/?token=${ctx.token}`,
    port,
    token: ctx.token,
    repos,
    sync: ctx.syncTimer,
    async close() {
      for (const r of repos) r.close();
      for (const s of ctx.streams) s.end();
      await ctx.syncTimer?.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The names this server answers to besides the bound address: loopback names, and for a wildcard bind this machine's addresses and host name. */
function ownNames(host: string): string[] {
  const loopback = ['127.0.0.1', 'localhost', '[::1]'];
  if (host === '127.0.0.1' || host === '::1' || host === 'localhost') return loopback;
  if (host !== '0.0.0.0' && host !== '::') return [];
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => (a.family === 'IPv6' ? `[${a.address}]` : a.address)));
  return [...loopback, ...addresses, hostname().toLowerCase()];
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s?.trim() ? s.trim() : undefined;
}

function asset(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': `${type}; charset=utf-8`, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

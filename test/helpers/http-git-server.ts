/**
 * A real smart-HTTP git server for tests: `git http-backend` (CGI) behind a
 * small node:http server on 127.0.0.1, on a random port. Every repository
 * under `root` is exported and accepts pushes (http.receivepack). Tests can
 * require basic auth, and break the next matching request mid-transfer.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';

export interface Interruption {
  /** Which service's POST to break: a push (receive-pack) or a fetch (upload-pack). */
  service: 'git-receive-pack' | 'git-upload-pack';
  /** Break after this many bytes of the request body arrived (push), or of the response were sent (fetch). */
  afterBytes?: number;
}

export interface HttpGitServer {
  /** `http://127.0.0.1:<port>/<name>` for a repository `root/<name>`. */
  url(name: string): string;
  port: number;
  /** Every request seen: `METHOD path?query status`. */
  log: string[];
  /**
   * Break every matching request from now on (the socket is destroyed and the
   * CGI killed) until `heal()`: clients may retry a request whose connection
   * died (libcurl does, once, on a reused connection), and the retry must fail too.
   */
  interrupt(i: Interruption): void;
  heal(): void;
  /** Stop accepting connections and kill every request in flight. */
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** Directory whose repositories are served (GIT_PROJECT_ROOT). */
  root: string;
  /** Require HTTP basic auth with these credentials. */
  auth?: { user: string; password: string };
  /** Listen on this port (to restart a stopped server at the same URL). */
  port?: number;
}

/** Make a bare repository accept pushes over HTTP without an authenticated user. */
export function enableHttpPush(bareRepo: string): void {
  execFileSync('git', ['config', 'http.receivepack', 'true'], { cwd: bareRepo, stdio: 'ignore' });
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

export async function serveGit(options: ServeOptions): Promise<HttpGitServer> {
  const backend = path.join(execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim(), 'git-http-backend');
  const sockets = new Set<Socket>();
  const children = new Set<ChildProcess>();
  const log: string[] = [];
  let pending: Interruption | undefined;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (options.auth) {
      const expected = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        log.push(`${req.method} ${url.pathname}${url.search} 401`);
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' });
        res.end('authentication required\n');
        req.resume();
        return;
      }
    }
    const service = url.pathname.endsWith('/git-receive-pack') ? 'git-receive-pack' : url.pathname.endsWith('/git-upload-pack') ? 'git-upload-pack' : undefined;
    // Small requests that never reach the byte count (protocol-v2 ref listings) go through untouched.
    const interruption = pending && req.method === 'POST' && service === pending.service ? pending : undefined;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_PROJECT_ROOT: path.resolve(options.root),
      GIT_HTTP_EXPORT_ALL: '1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: 'HTTP/1.1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      ...(options.auth ? { REMOTE_USER: options.auth.user } : {}),
      ...(req.headers['content-type'] ? { CONTENT_TYPE: req.headers['content-type'] } : {}),
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    };
    // The backend itself (not the `git` wrapper, whose death would orphan it), in its own process group.
    const cgi = spawn(backend, [], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    children.add(cgi);
    const kill = () => {
      killGroup(cgi);
      req.socket.destroy();
    };
    cgi.on('close', () => children.delete(cgi));
    cgi.on('error', () => kill());
    cgi.stdin.on('error', () => undefined);
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (interruption?.service === 'git-receive-pack' && received >= (interruption.afterBytes ?? 0)) {
        log.push(`${req.method} ${url.pathname} interrupted after ${received} request bytes`);
        kill();
        return;
      }
      cgi.stdin.write(chunk);
    });
    req.on('end', () => cgi.stdin.end());
    let stderr = '';
    cgi.stderr.on('data', (d) => (stderr += d));

    // CGI output: headers, a blank line, the body.
    let head = Buffer.alloc(0);
    let headersDone = false;
    let sent = 0;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (req.socket.destroyed) return;
      if (!headersDone) {
        head = Buffer.concat([head, chunk]);
        const crlf = head.indexOf('\r\n\r\n');
        const lf = head.indexOf('\n\n');
        const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf;
        if (end < 0) return;
        const sep = end === crlf ? 4 : 2;
        const headerText = head.subarray(0, end).toString('latin1');
        const body = head.subarray(end + sep);
        headersDone = true;
        let status = 200;
        const headers: Record<string, string> = {};
        for (const line of headerText.split(/\r?\n/)) {
          const i = line.indexOf(':');
          if (i < 0) continue;
          const k = line.slice(0, i).trim();
          const v = line.slice(i + 1).trim();
          if (k.toLowerCase() === 'status') status = Number.parseInt(v, 10);
          else headers[k] = v;
        }
        log.push(`${req.method} ${url.pathname}${url.search} ${status}`);
        res.writeHead(status, headers);
        chunk = body;
      }
      if (interruption?.service === 'git-upload-pack' && sent + chunk.length >= (interruption.afterBytes ?? 0)) {
        const keep = Math.max(0, (interruption.afterBytes ?? 0) - sent);
        res.write(chunk.subarray(0, keep));
        log.push(`${req.method} ${url.pathname} interrupted after ${sent + keep} response bytes`);
        setTimeout(kill, 20);
        return;
      }
      sent += chunk.length;
      res.write(chunk);
    });
    cgi.on('close', (code) => {
      if (req.socket.destroyed) return;
      if (!headersDone) {
        log.push(`${req.method} ${url.pathname}${url.search} 500 ${stderr.trim()}`);
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`http-backend exited ${code}: ${stderr}`);
        return;
      }
      res.end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    log,
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    interrupt(i) {
      pending = i;
    },
    heal() {
      pending = undefined;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const child of children) killGroup(child);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `logbook serve` as a real child process on a free port, and small clients for it (HTTP with any header, SSE). */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { afterAll, onTestFailed } from 'vitest';
import { BIN } from './cli.js';

export interface Served {
  child: ChildProcess;
  url: string;
  openUrl: string;
  port: number;
  token: string;
  stderr: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();
afterAll(() => {
  for (const c of running) c.kill('SIGKILL');
});

export function serveEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(LOGBOOK_|CLAUDE|CODEX_)/.test(k)) env[k] = v;
  env.GIT_CONFIG_NOSYSTEM = '1';
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  else env[k] = v;
  return env;
}

/** Start `logbook serve --port 0 …` in `cwd`; resolves with the URL from its first stdout line. */
export function serve(cwd: string, args: string[] = [], env: Record<string, string | undefined> = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd, env: serveEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (running.delete(child), resolve(code))));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      const openUrl = out.slice(0, nl).trim();
      const u = new URL(openUrl);
      resolve({
        child,
        openUrl,
        url: `${u.protocol}//${u.host}`,
        port: Number(u.port),
        token: u.searchParams.get('token')!,
        stderr: () => err,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
    child.on('exit', (code) => reject(new Error(`logbook serve exited ${code} before printing its URL\n${err}`)));
  });
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

/** One request with exactly the headers given (node:http: Host and Origin can be set, unlike with fetch). */
export function request(s: Pick<Served, 'port' | 'token'>, method: string, path: string, options: { body?: unknown; raw?: string | Buffer; headers?: Record<string, string>; auth?: boolean } = {}): Promise<Reply> {
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = {
    ...(options.auth === false ? {} : { Authorization: `Bearer ${s.token}` }),
    ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: s.port, method, path, headers, setHost: !('Host' in headers) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/** A Server-Sent Events client: messages as they arrive, and a way to wait for some. */
export function sse(s: Pick<Served, 'port' | 'token'>, path = '/api/events/stream', lastEventId?: string) {
  const messages: SseMessage[] = [];
  let req: http.ClientRequest | undefined;
  const opened = new Promise<void>((resolve, reject) => {
    req = http.get({ host: '127.0.0.1', port: s.port, path, headers: { Authorization: `Bearer ${s.token}`, ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) } }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const m: SseMessage = { data: '' };
          let any = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const [k, ...rest] = line.split(':');
            const v = rest.join(':').replace(/^ /, '');
            if (k === 'id') m.id = v;
            else if (k === 'event') m.event = v;
            else if (k === 'data') (m.data += v), (any = true);
          }
          if (any) messages.push(m);
          if (m.event === 'ready') resolve();
        }
      });
    });
    req.on('error', reject);
  });
  const events = () => messages.filter((m) => !m.event).map((m) => ({ id: m.id!, ...(JSON.parse(m.data) as { repo: string; event: { id: string; type: string; data: any; actor: any; session?: string } }) }));
  return {
    opened,
    messages,
    events,
    /**
     * Wait until `pred` holds. No clock of its own (this is not a speed test):
     * the test's timeout is the only bound, and when it fires the test's
     * failure says what was awaited and what had arrived.
     */
    async until(pred: (evs: ReturnType<typeof events>) => boolean, what = 'events'): Promise<ReturnType<typeof events>> {
      let waiting = true;
      onTestFailed(() => {
        if (waiting) console.error(`still waiting for ${what}; got ${JSON.stringify(events().map((e) => e.event.type))}`);
      });
      while (!pred(events())) await new Promise((r) => setTimeout(r, 20));
      waiting = false;
      return events();
    },
    close: () => req?.destroy(),
  };
}

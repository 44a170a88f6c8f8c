// `logbook serve` speed on a large journal: GET /api/sessions/{S} and /resume
// (median latency of one client, requests/s with 10 concurrent clients), the
// time from a CLI append to its delivery on the SSE stream, and the server's
// memory. The server is the built CLI as a child process, as users run it.
//
// Standalone: `node bench/serve.mjs` (after `npm run build`); `npm run bench` runs it too.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { BIN, journalInfo, logbook, makeJournalRepo as makeRepo, median, time } from './lib.mjs';

// Keep-alive sockets, renewed after each idle phase (the server closes idle ones after 5 s).
let agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const freshAgent = () => (agent.destroy(), (agent = new http.Agent({ keepAlive: true, maxSockets: 16 })));

function get(port, token, path) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let n = 0;
      res.on('data', (d) => (n += d.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
  });
}

function startServer(dir) {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (!out.includes('\n')) return;
      const u = new URL(out.split('\n')[0]);
      resolve({ child, port: Number(u.port), token: u.searchParams.get('token') });
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}

/** Requests per second with `clients` concurrent clients for `ms`. */
async function throughput(port, token, path, clients = 10, ms = 3000) {
  const end = Date.now() + ms;
  let done = 0;
  const t = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        await get(port, token, path);
        done++;
      }
    }),
  );
  return done / (Number(process.hrtime.bigint() - t) / 1e9);
}

const rssMiB = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
};

export default async function serveSuite({ runs = 7, makeJournalRepo = makeRepo, journal = (n) => journalInfo('hook', n), sizes = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number) } = {}) {
  const size = Math.max(...sizes);
  const dir = makeJournalRepo('serve', size); // its cache warm, as any earlier command leaves it
  const session = journal(size).openSession;
  const { child, port, token } = await startServer(dir);
  const rows = [];
  try {
    const viewPath = `/api/sessions/${session}`;
    const resumePath = `/api/sessions/${session}/resume`;
    await get(port, token, viewPath);
    await get(port, token, resumePath);
    const cliView = await time(() => logbook(dir, 'view', session, '--json'), { runs: 3, warmup: 1 });
    freshAgent();
    const view = await time(() => get(port, token, viewPath), { runs: runs * 5 });
    rows.push({ name: `GET /api/sessions/{S}, ${size}-event journal (median, 1 client)`, ms: view, baselineMs: cliView, baseline: 'vs `logbook view S --json` process', target: '' });
    const cliResume = await time(() => logbook(dir, 'resume', session, '--json'), { runs: 3, warmup: 1 });
    freshAgent();
    const resume = await time(() => get(port, token, resumePath), { runs: runs * 5 });
    rows.push({ name: `GET /api/sessions/{S}/resume, ${size}-event journal (median, 1 client)`, ms: resume, baselineMs: cliResume, baseline: 'vs `logbook resume S --json` process', target: '' });
    rows.push({ name: `GET /api/sessions/{S}, ${size}-event journal, 10 concurrent clients`, ms: await throughput(port, token, viewPath), unit: 'req/s' });
    rows.push({ name: `GET /api/sessions/{S}/resume, ${size}-event journal, 10 concurrent clients`, ms: await throughput(port, token, resumePath), unit: 'req/s' });

    // CLI append -> SSE delivery: from the event's own timestamp (set just before the commit is written) to its arrival here.
    const latencies = [];
    await new Promise((resolve, reject) => {
      const waiting = new Map();
      const req = http.get({ host: '127.0.0.1', port, path: '/api/events/stream', headers: { Authorization: `Bearer ${token}` } }, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          const now = Date.now();
          buf += d;
          let end;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            if (block.includes('event: ready')) void next();
            const data = block.split('\n').find((l) => l.startsWith('data: {"repo"'));
            if (!data) continue;
            const { event } = JSON.parse(data.slice(6));
            const done = waiting.get(event.data.text);
            if (done) (latencies.push(now - Date.parse(event.at)), waiting.delete(event.data.text), done());
          }
        });
      });
      req.on('error', reject);
      let i = 0;
      const next = async () => {
        if (i >= runs * 2) return req.destroy(), resolve();
        const text = `sse bench ${i++}`;
        const delivered = new Promise((r) => waiting.set(text, r));
        logbook(dir, 'log', '--session', session, '--progress', text);
        await delivered;
        setTimeout(next, 50);
      };
    });
    rows.push({ name: `CLI append → SSE delivery (median), ${size}-event journal`, ms: median(latencies), target: '≤ 250 ms' });
    const mem = rssMiB(child.pid);
    rows.push({ name: `server memory at ${size} events after these requests (RSS; peak ${Math.round(mem.peak)} MiB)`, ms: mem.rss, unit: 'MiB', target: '≤ 300 MiB' });
  } finally {
    child.kill('SIGTERM');
    agent.destroy();
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await serveSuite()) console.log(`${r.name.padEnd(70)} ${Math.round(r.ms * 100) / 100} ${r.unit ?? 'ms'}${r.baselineMs ? `  (${r.baseline}: ${Math.round(r.baselineMs)} ms)` : ''}`);
  process.exit(0);
}

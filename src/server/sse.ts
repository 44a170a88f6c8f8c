/**
 * `GET /api/events/stream`: Server-Sent Events. Each message is one event,
 * `{"repo", "event"}`, and its SSE id is the position to resume from: the
 * event id with one repository, a cursor `NAME=ID,NAME=ID` with several (the
 * last event delivered of each). A client that reconnects with that id as
 * Last-Event-ID (browsers do it by themselves) gets everything delivered
 * since, then the live feed, and misses nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JournalEvent } from '../events.js';
import type { FeedBatch, Repo } from './feed.js';

const HEARTBEAT_MS = 15_000;

function parseCursor(text: string | undefined, repos: Repo[]): Map<string, string> {
  const out = new Map<string, string>();
  if (!text) return out;
  if (repos.length === 1 && !text.includes('=')) out.set(repos[0]!.name, text);
  else
    for (const part of text.split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
    }
  return out;
}

export async function streamEvents(req: IncomingMessage, res: ServerResponse, repos: Repo[], streams: Set<ServerResponse>): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const given = (req.headers['last-event-id'] as string | undefined) ?? url.searchParams.get('lastEventId') ?? undefined;
  const cursor = parseCursor(given, repos);
  // Where each repository's stream stands: its last event delivered (or known) when this connection opened.
  const last = new Map<string, string | undefined>();
  for (const r of repos) last.set(r.name, cursor.get(r.name) !== undefined && r.has(cursor.get(r.name)!) ? cursor.get(r.name) : undefined);
  const idText = () => (repos.length === 1 ? (last.get(repos[0]!.name) ?? '') : repos.filter((r) => last.get(r.name)).map((r) => `${r.name}=${last.get(r.name)}`).join(','));

  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Content-Type-Options': 'nosniff',
    'X-Accel-Buffering': 'no',
  });
  streams.add(res);
  // Only the catch-up and the batches queued meanwhile can overlap; afterwards the feed delivers each event once.
  let sent: Set<string> | undefined = new Set<string>();
  const send = (repo: string, e: JournalEvent) => {
    if (sent) {
      if (sent.has(`${repo}/${e.id}`)) return;
      sent.add(`${repo}/${e.id}`);
    }
    last.set(repo, e.id);
    res.write(`id: ${idText()}\ndata: ${JSON.stringify({ repo, event: e })}\n\n`);
  };
  // Live batches that arrive while the catch-up is read wait their turn.
  let queue: FeedBatch[] | undefined = [];
  const onBatch = (b: FeedBatch) => {
    if (queue) queue.push(b);
    else for (const e of b.events) send(b.repo, e);
  };
  const unsubscribe = repos.map((r) => r.subscribe(onBatch));
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const stop = () => {
    clearInterval(heartbeat);
    for (const u of unsubscribe) u();
    streams.delete(res);
  };
  req.on('close', stop);
  res.on('close', stop);

  res.write('retry: 1000\n\n');
  for (const r of repos) {
    const from = last.get(r.name);
    if (from === undefined) {
      // No (known) position: the stream starts now, from the newest event.
      last.set(r.name, r.lastId());
      continue;
    }
    const ids = r.idsAfter(from) ?? [];
    if (!ids.length) continue;
    const view = await r.current();
    for (const id of ids) {
      const e = view.byId(id);
      if (e) send(r.name, e);
    }
  }
  // The position as it stands, so a client that reconnects before any event arrives resumes from here.
  res.write(`event: ready\nid: ${idText()}\ndata: {}\n\n`);
  const waiting = queue;
  queue = undefined;
  for (const b of waiting) for (const e of b.events) send(b.repo, e);
  sent = undefined;
}

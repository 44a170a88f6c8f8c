/**
 * Transport for machines without a git binary: the git smart-HTTP protocol
 * (v0/v1, stateless RPC) over isomorphic-git's node HTTP client, with
 * isomorphic-git's pack indexer and pack writer.
 *
 * isomorphic-git's own fetch cannot be used here: it insists on resolving the
 * remote's HEAD, which a remote holding only refs/logbook/* does not have, and
 * it fails only after writing a remote-tracking ref that points at objects it
 * never stored. So this client asks for exactly the journal tips it lacks,
 * stores the pack (checksum verified, fsynced) and indexes it, and writes no
 * ref at all: `sync` moves the journal refs itself. Pushes likewise send only
 * the new commits of one linear journal ref instead of walking the history.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { EMPTY_TREE, durableFs } from './git.js';
import { isJournalRef, syncFailure, type Fetched, type PushOutcome, type RefTips, type Transport } from './transport.js';

const ZERO = '0000000000000000000000000000000000000000';
const AGENT = 'agent=logbook/0.1';
const FLUSH = Buffer.from('0000');

type HttpClient = typeof import('isomorphic-git/http/node').default;
const loadGit = () => import('isomorphic-git');
const loadHttp = async (): Promise<HttpClient> => (await import('isomorphic-git/http/node')).default;

export interface HttpTransportOptions {
  gitdir: string;
  /** Fetch URL and push URL (they differ when `remote.<name>.pushurl` is set). */
  url: string;
  pushUrl: string;
  display: string;
  env: NodeJS.ProcessEnv;
  progress: boolean;
  onTransfer?: ((text: string) => void) | undefined;
  /** Give up on a request that gets no answer (no byte) for this long. */
  timeoutSeconds: number;
}

function pkt(line: string | Buffer): Buffer {
  const body = typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0')), body]);
}

/** Reads pkt-lines from a buffer: a Buffer per line, null for a flush (or delim) packet, undefined at the end. */
class PktReader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  next(): Buffer | null | undefined {
    if (this.pos + 4 > this.buf.length) return undefined;
    const len = Number.parseInt(this.buf.toString('latin1', this.pos, this.pos + 4), 16);
    if (Number.isNaN(len)) throw new Error(`bad pkt-line length "${this.buf.toString('latin1', this.pos, this.pos + 4)}"`);
    if (len < 4) {
      this.pos += 4;
      return null;
    }
    if (this.pos + len > this.buf.length) throw new Error('truncated pkt-line (connection closed mid-transfer)');
    const line = this.buf.subarray(this.pos + 4, this.pos + len);
    this.pos += len;
    return line;
  }
  rest(): Buffer {
    return this.buf.subarray(this.pos);
  }
}

const text = (b: Buffer) => b.toString('utf8').replace(/\n$/, '');

async function collect(body: AsyncIterableIterator<Uint8Array> | undefined): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** Split a side-band-64k stream: band 1 is data, band 2 progress, band 3 a fatal error. */
function demux(reader: PktReader, onProgress: (t: string) => void): Buffer {
  const data: Buffer[] = [];
  for (let line = reader.next(); line !== undefined && line !== null; line = reader.next()) {
    const band = line[0];
    if (band === 1) data.push(line.subarray(1));
    else if (band === 2) onProgress(line.subarray(1).toString('utf8'));
    else if (band === 3) throw new Error(`remote error: ${text(line.subarray(1))}`);
  }
  return Buffer.concat(data);
}

export class HttpTransport implements Transport {
  readonly kind = 'http' as const;
  private readonly o: HttpTransportOptions;
  private readonly cache = {};

  constructor(options: HttpTransportOptions) {
    this.o = options;
  }

  /** The URL without credentials, and the Authorization header they (or the environment) give. */
  private endpoint(url: string): { base: string; headers: Record<string, string> } {
    const u = new URL(url);
    let user = decodeURIComponent(u.username);
    let password = decodeURIComponent(u.password);
    u.username = '';
    u.password = '';
    if (!user && !password) {
      user = this.o.env.LOGBOOK_HTTP_USERNAME ?? '';
      password = this.o.env.LOGBOOK_HTTP_PASSWORD ?? '';
    }
    const headers: Record<string, string> = { 'User-Agent': 'git/logbook-0.1' };
    if (user || password) headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    return { base: u.toString().replace(/\/+$/, ''), headers };
  }

  private async request(stage: 'list' | 'fetch' | 'push', url: string, init: { method: string; headers: Record<string, string>; body?: Buffer[] }) {
    const http = await loadHttp();
    let res;
    try {
      // simple-get's `timeout`: the socket may stay silent this long, connecting or waiting for an answer.
      res = await http.request({ url, method: init.method, headers: init.headers, fetchOptions: { timeout: this.o.timeoutSeconds * 1000 }, ...(init.body ? { body: init.body as unknown as AsyncIterableIterator<Uint8Array> } : {}) });
    } catch (e) {
      if (/timed out|timeout/i.test((e as Error).message)) throw syncFailure(stage, 'timeout', this.o.display, `no answer within ${this.o.timeoutSeconds} s`, e);
      throw syncFailure(stage, 'unreachable', this.o.display, (e as Error).message, e);
    }
    if (res.statusCode === 401 || res.statusCode === 403) {
      await collect(res.body).catch(() => undefined);
      throw syncFailure(stage, 'auth', this.o.display, `HTTP ${res.statusCode} ${res.statusMessage}: authentication refused`);
    }
    if (res.statusCode === 404) throw syncFailure(stage, 'not-found', this.o.display, `HTTP 404: no git repository at ${url.replace(/\?.*$/, '')}`);
    if (res.statusCode !== 200) throw syncFailure(stage, 'unreachable', this.o.display, `HTTP ${res.statusCode} ${res.statusMessage}`);
    let body: Buffer;
    try {
      body = await collect(res.body);
    } catch (e) {
      throw syncFailure(stage, 'unreachable', this.o.display, `connection lost: ${(e as Error).message}`, e);
    }
    const contentType = Object.entries(res.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
    return { body, contentType, url: res.url };
  }

  /** The ref advertisement of `service`: refs, capabilities, and the base URL after redirects. */
  private async discover(stage: 'list' | 'fetch' | 'push', service: 'git-upload-pack' | 'git-receive-pack', url: string) {
    const { base, headers } = this.endpoint(url);
    const res = await this.request(stage, `${base}/info/refs?service=${service}`, { method: 'GET', headers });
    if (res.contentType.split(';')[0]!.trim() !== `application/x-${service}-advertisement`) {
      throw syncFailure(stage, 'protocol', this.o.display, `not a smart-HTTP git server (content-type "${res.contentType}")`);
    }
    const refs = new Map<string, string>();
    const caps = new Set<string>();
    try {
      const reader = new PktReader(res.body);
      for (let line = reader.next(); line !== undefined; line = reader.next()) {
        if (line === null) continue;
        let s = text(line);
        if (s.startsWith('# service=') || s.startsWith('version ')) continue;
        if (s.startsWith('ERR ')) throw new Error(s.slice(4));
        const nul = s.indexOf('\0');
        if (nul >= 0) {
          for (const c of s.slice(nul + 1).split(' ')) if (c) caps.add(c);
          s = s.slice(0, nul);
        }
        const [oid, ref] = s.split(' ');
        if (oid && ref && /^[0-9a-f]{40}$/.test(oid) && oid !== ZERO && !ref.endsWith('^{}')) refs.set(ref, oid);
      }
    } catch (e) {
      throw syncFailure(stage, 'protocol', this.o.display, (e as Error).message, e);
    }
    // After a redirect the RPC goes where the advertisement came from (the node client reports it when it knows it).
    const redirected = /^https?:\/\//i.test(res.url ?? '') ? res.url.replace(/\/info\/refs\?.*$/, '') : undefined;
    return { refs, caps, base: redirected ?? base, headers };
  }

  private journalTips(refs: Map<string, string>): RefTips {
    const tips: RefTips = {};
    for (const [ref, oid] of refs) if (isJournalRef(ref)) tips[ref] = oid;
    return tips;
  }

  async list(): Promise<RefTips> {
    return this.journalTips((await this.discover('list', 'git-upload-pack', this.o.url)).refs);
  }

  async fetch(haves: string[]): Promise<Fetched> {
    const { refs, caps, base, headers } = await this.discover('fetch', 'git-upload-pack', this.o.url);
    const tips = this.journalTips(refs);
    const present = await this.has([...new Set(Object.values(tips))]);
    const wants = [...new Set(Object.values(tips))].filter((oid) => !present.has(oid));
    if (wants.length) {
      const band = caps.has('side-band-64k') ? 'side-band-64k' : caps.has('side-band') ? 'side-band' : undefined;
      const wanted = ['ofs-delta', ...(band ? [band] : []), ...(!this.o.progress && caps.has('no-progress') ? ['no-progress'] : []), AGENT];
      const body = [
        ...wants.map((oid, i) => pkt(`want ${oid}${i === 0 ? ` ${wanted.join(' ')}` : ''}\n`)),
        FLUSH,
        ...[...new Set(haves)].slice(0, 256).map((oid) => pkt(`have ${oid}\n`)),
        pkt('done\n'),
      ];
      const res = await this.request('fetch', `${base}/git-upload-pack`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/x-git-upload-pack-request', Accept: 'application/x-git-upload-pack-result' },
        body,
      });
      let pack: Buffer;
      try {
        const reader = new PktReader(res.body);
        // Without multi_ack the server answers `done` with one ACK (a common commit) or NAK, then the pack.
        for (;;) {
          const line = reader.next();
          if (line === undefined) throw new Error('the remote closed the connection before sending a pack');
          if (line === null) continue;
          const s = text(line);
          if (s.startsWith('ERR ')) throw new Error(`remote error: ${s.slice(4)}`);
          if (s === 'NAK' || s.startsWith('ACK ')) break;
        }
        pack = band ? demux(reader, (t) => this.o.progress && this.o.onTransfer?.(t)) : reader.rest();
      } catch (e) {
        throw syncFailure('fetch', 'unreachable', this.o.display, (e as Error).message, e);
      }
      await this.storePack(pack);
      const now = await this.has(wants);
      const missing = wants.filter((oid) => !now.has(oid));
      if (missing.length) throw syncFailure('fetch', 'protocol', this.o.display, `the pack did not contain ${missing.join(', ')}`);
    }
    return { tips, cleanup: async () => undefined };
  }

  /** Verify a received pack, write it durably into objects/pack/ and index it. */
  private async storePack(pack: Buffer): Promise<void> {
    const fail = (why: string) => syncFailure('fetch', 'unreachable', this.o.display, `received a broken pack (${why}); the connection was probably cut`);
    if (pack.length < 32 || pack.toString('latin1', 0, 4) !== 'PACK') throw fail('no PACK header');
    const trailer = pack.subarray(pack.length - 20).toString('hex');
    if (createHash('sha1').update(pack.subarray(0, pack.length - 20)).digest('hex') !== trailer) throw fail('checksum mismatch');
    if (pack.readUInt32BE(8) === 0) return;
    const dir = path.join(this.o.gitdir, 'objects', 'pack');
    const name = `pack-${trailer}`;
    if (existsSync(path.join(dir, `${name}.idx`))) return;
    await fsp.mkdir(dir, { recursive: true });
    // The pack first, then its index: git and isomorphic-git only use a pack that has an .idx.
    await durableFs.promises.writeFile(path.join(dir, `${name}.pack`), pack);
    const { indexPack } = await loadGit();
    try {
      await indexPack({ fs: durableFs, dir: this.o.gitdir, gitdir: this.o.gitdir, filepath: `objects/pack/${name}.pack`, cache: this.cache });
    } catch (e) {
      await fsp.unlink(path.join(dir, `${name}.pack`)).catch(() => undefined);
      throw syncFailure('fetch', 'protocol', this.o.display, `cannot index the received pack: ${(e as Error).message}`, e);
    }
  }

  async push(ref: string, oid: string): Promise<PushOutcome> {
    const { refs, caps, base, headers } = await this.discover('push', 'git-receive-pack', this.o.pushUrl);
    const old = refs.get(ref) ?? null;
    if (old === oid) return { ok: true, upToDate: true };
    const objects = await this.newObjects(oid, old);
    if (!objects) return { ok: false, reason: 'non-fast-forward', message: `the remote's ${ref} (${old}) is not an ancestor of ${oid}` };
    const { packObjects } = await loadGit();
    const { packfile } = await packObjects({ fs: durableFs, gitdir: this.o.gitdir, oids: [...objects], cache: this.cache });
    const band = caps.has('side-band-64k') ? 'side-band-64k' : undefined;
    const wanted = ['report-status', ...(band ? [band] : []), AGENT].filter((c) => c === AGENT || caps.has(c));
    const body = [pkt(`${old ?? ZERO} ${oid} ${ref}\0${wanted.join(' ')}\n`), FLUSH, Buffer.from(packfile!)];
    const res = await this.request('push', `${base}/git-receive-pack`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/x-git-receive-pack-request', Accept: 'application/x-git-receive-pack-result' },
      body,
    });
    let messages = '';
    const lines: string[] = [];
    try {
      const status = band ? demux(new PktReader(res.body), (t) => (messages += t)) : res.body;
      const reader = new PktReader(status);
      for (let line = reader.next(); line !== undefined && line !== null; line = reader.next()) lines.push(text(line));
    } catch (e) {
      throw syncFailure('push', 'unreachable', this.o.display, (e as Error).message, e);
    }
    const remoteSaid = messages.trim() ? ` (remote: ${messages.trim().split(/\r?\n/).slice(-2).join(' / ')})` : '';
    const unpack = lines.find((l) => l.startsWith('unpack '));
    if (unpack !== 'unpack ok') return { ok: false, reason: 'rejected', message: `${unpack ?? 'no status from the remote'}${remoteSaid}` };
    const status = lines.find((l) => l === `ok ${ref}` || l.startsWith(`ng ${ref} `));
    if (status === `ok ${ref}`) return { ok: true, upToDate: false, from: old };
    const why = status?.slice(`ng ${ref} `.length) ?? 'no status for the ref';
    if (/non-fast-forward|fetch first|stale/.test(why)) return { ok: false, reason: 'non-fast-forward', message: why };
    return { ok: false, reason: 'rejected', message: `${why}${remoteSaid}` };
  }

  /**
   * The objects the remote lacks when it has `old`: the commits from `tip`
   * back to `old` along first parents (a journal ref is one linear chain) with
   * their trees; undefined when `old` is not on that chain.
   */
  private async newObjects(tip: string, old: string | null): Promise<Set<string> | undefined> {
    const { readCommit, readTree } = await loadGit();
    const objects = new Set<string>();
    const trees: string[] = [];
    let oid: string | undefined = tip;
    for (; oid !== undefined && oid !== old; ) {
      const { commit } = await readCommit({ fs: durableFs, gitdir: this.o.gitdir, oid, cache: this.cache });
      objects.add(oid);
      if (!objects.has(commit.tree)) {
        objects.add(commit.tree);
        if (commit.tree !== EMPTY_TREE) trees.push(commit.tree);
      }
      oid = commit.parent[0];
    }
    if (old !== null && oid !== old) return undefined;
    while (trees.length) {
      const { tree } = await readTree({ fs: durableFs, gitdir: this.o.gitdir, oid: trees.pop()!, cache: this.cache });
      for (const entry of tree) {
        if (objects.has(entry.oid) || entry.type === 'commit') continue;
        objects.add(entry.oid);
        if (entry.type === 'tree') trees.push(entry.oid);
      }
    }
    return objects;
  }

  async compare(a: string, b: string | null): Promise<{ aOnly: number; bOnly: number }> {
    if (a === b) return { aOnly: 0, bOnly: 0 };
    const { readCommit } = await loadGit();
    const parentOf = async (oid: string) => (await readCommit({ fs: durableFs, gitdir: this.o.gitdir, oid, cache: this.cache })).commit.parent[0];
    // Walk both first-parent chains in step, so the answer costs the distance between them, not the history.
    const seenA = new Map<string, number>([[a, 0]]);
    const seenB = new Map<string, number>(b ? [[b, 0]] : []);
    let ca: string | undefined = a;
    let cb: string | undefined = b ?? undefined;
    for (let step = 1; ca || cb; step++) {
      if (ca) {
        ca = await parentOf(ca);
        if (ca) {
          if (seenB.has(ca)) return { aOnly: step, bOnly: seenB.get(ca)! };
          seenA.set(ca, step);
        }
      }
      if (cb) {
        cb = await parentOf(cb);
        if (cb) {
          if (seenA.has(cb)) return { aOnly: seenA.get(cb)!, bOnly: step };
          seenB.set(cb, step);
        }
      }
    }
    if (b && seenA.has(b)) return { aOnly: seenA.get(b)!, bOnly: 0 };
    if (b && seenB.has(a)) return { aOnly: 0, bOnly: seenB.get(a)! };
    return { aOnly: seenA.size, bOnly: seenB.size };
  }

  async has(oids: string[]): Promise<Set<string>> {
    const { readObject } = await loadGit();
    const found = new Set<string>();
    for (const oid of oids) {
      try {
        await readObject({ fs: durableFs, gitdir: this.o.gitdir, oid, format: 'deflated', cache: this.cache });
        found.add(oid);
      } catch {
        /* not here */
      }
    }
    return found;
  }
}

/**
 * Transport through the system git binary: `git ls-remote`, `git fetch` and
 * `git push` with explicit refspecs. It brings the user's ssh agent, credential
 * helpers, proxies and `insteadOf` rules, speaks every protocol git does, and
 * negotiates with a remote's history in milliseconds where a pure-JS walk
 * takes seconds.
 *
 * A fetch never moves a local journal ref: it lands in a staging namespace
 * (`refs/logbook-incoming/<run>/…`, outside refs/logbook/ so neither reads nor
 * a stock `git push 'refs/logbook/*'` see it), `sync` decides what may move,
 * and the staging refs are deleted afterwards.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, existsSync, constants as fsc, readFileSync, readdirSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { parseCommitBody } from './objects.js';
import { JOURNAL_PREFIX, isJournalRef, syncFailure, type FailureReason, type Fetched, type PushOutcome, type RefTips, type Transport } from './transport.js';

import { STAGING_PREFIX, stagingNamespaces } from './staging.js';

export { STAGING_PREFIX };

export interface GitRunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitTransportOptions {
  binary: string;
  gitdir: string;
  /** What to hand git as the remote: a configured remote's name, a URL or an absolute path. */
  remote: string;
  /** How to name the remote in messages (credentials masked). */
  display: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Ask git for progress output (it is forwarded to `onTransfer`). */
  progress: boolean;
  onTransfer?: ((text: string) => void) | undefined;
  /** May git prompt on the terminal for credentials? */
  interactive: boolean;
  /** `core.sshCommand` is set: leave ssh to it. */
  sshCommandConfigured?: boolean;
  /** Bound on every network wait: git's low-speed limit, ssh's connect and keep-alive timeouts, and a watchdog. */
  timeoutSeconds: number;
}

/** Variables that point git at another repository: a sync run from inside a git hook must not inherit them. */
const LOCAL_REPO_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_NAMESPACE', 'GIT_COMMON_DIR', 'GIT_QUARANTINE_PATH', 'GIT_PREFIX'];

/** Run the git binary; resolves null when it cannot be started (not installed). */
export function spawnGit(
  binary: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; input?: string; onStderr?: (text: string) => void; idleTimeoutMs?: number },
): Promise<GitRunResult | null> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...options.env };
    for (const k of LOCAL_REPO_ENV) delete env[k];
    const child = spawn(binary, args, { cwd: options.cwd, env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    // A watchdog for what git's own limits do not cover: no output at all for this long ends the run.
    let idle: NodeJS.Timeout | undefined;
    let timedOut = false;
    const alive = () => {
      if (!options.idleTimeoutMs) return;
      clearTimeout(idle);
      idle = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, options.idleTimeoutMs);
    };
    alive();
    child.stdout!.on('data', (d: Buffer) => {
      out.push(d);
      alive();
    });
    child.stderr!.on('data', (d: Buffer) => {
      const text = d.toString('utf8');
      stderr += text;
      alive();
      options.onStderr?.(text);
    });
    if (options.input !== undefined) {
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(options.input);
    }
    let failed = false;
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(idle);
      failed = true;
      resolve(e.code === 'ENOENT' || e.code === 'EACCES' ? null : { code: -1, stdout: '', stderr: String(e.message) });
    });
    child.on('close', (code, signal) => {
      clearTimeout(idle);
      if (failed) return;
      if (timedOut) stderr += `\nfatal: timed out: git made no progress for ${Math.round(options.idleTimeoutMs! / 1000)} s\n`;
      resolve({ code: code ?? (signal ? 128 : -1), stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
  });
}

/**
 * Where `binary` would be run from, found without running it (a spawn costs
 * milliseconds on every sync): a path, or a name looked up on PATH.
 */
export function findExecutable(binary: string, env: NodeJS.ProcessEnv): string | null {
  const candidates = binary.includes('/') || binary.includes('\\')
    ? [binary]
    : (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean).flatMap((dir) => (process.platform === 'win32' ? ['.exe', '.cmd', ''] : ['']).map((ext) => path.join(dir, binary + ext)));
  for (const file of candidates) {
    try {
      accessSync(file, fsc.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      /* not here */
    }
  }
  return null;
}

const PROGRESS_LINE = /^(remote: )?(Enumerating|Counting|Compressing|Writing|Receiving|Resolving|Unpacking|Total|Delta compression|POST git-|To |From )/;

/** The lines of git's stderr that say what went wrong (progress meters left out). */
export function gitErrorDetail(stderr: string): string {
  const lines = stderr
    .split(/[\r\n]+/)
    .map((l) => l.trim())
    .filter((l) => l && !PROGRESS_LINE.test(l) && !/^hint:/.test(l));
  const important = lines.filter((l) => /^(fatal|error|remote: error|ERROR|ssh:|Permission denied)/i.test(l));
  return (important.length ? important : lines).slice(-3).join(' / ') || 'git failed without a message';
}

export function classifyGitFailure(stderr: string): FailureReason {
  if (/Authentication failed|could not read (Username|Password)|terminal prompts disabled|Permission denied \(publickey|returned error: 40[13]|HTTP 40[13]|Invalid username or password|access denied|Host key verification failed/i.test(stderr)) return 'auth';
  if (/does not appear to be a git repository|Repository not found|returned error: 404|HTTP 404|not a git repository|No such file or directory/i.test(stderr)) return 'not-found';
  if (/Operation too slow|Connection timed out|timed out/i.test(stderr)) return 'timeout';
  if (/Could not resolve|Connection refused|Failed to connect|timed out|Could not read from remote|unable to access|early EOF|hung up|RPC failed|Connection reset|Empty reply|Network is unreachable|No route to host|transfer closed|SSL/i.test(stderr)) return 'unreachable';
  if (/remote rejected|pre-receive hook declined|denied/i.test(stderr)) return 'rejected';
  return 'unreachable';
}

export class GitTransport implements Transport {
  readonly kind = 'git' as const;
  private readonly o: GitTransportOptions;

  constructor(options: GitTransportOptions) {
    this.o = options;
  }

  private env(): NodeJS.ProcessEnv {
    if (this.o.interactive) return this.o.env;
    // Never hang on a credential prompt nobody can see (a sync run from a hook or a pipe).
    const env: NodeJS.ProcessEnv = { ...this.o.env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never' };
    // ssh asks for passphrases and host keys on /dev/tty itself; unless the user chose their own ssh command, make it fail instead.
    // ssh bounded too: connecting, and a server that stops answering (keep-alives unanswered).
    const t = this.o.timeoutSeconds;
    if (!env.GIT_SSH_COMMAND && !env.GIT_SSH && !this.o.sshCommandConfigured) env.GIT_SSH_COMMAND = `ssh -o BatchMode=yes -o ConnectTimeout=${t} -o ServerAliveInterval=${Math.max(1, Math.ceil(t / 3))} -o ServerAliveCountMax=3`;
    return env;
  }

  /** git's own bounds on HTTP: a transfer slower than 1 KiB/s for the timeout (an answer that never comes included) fails. */
  private networkConfig(): string[] {
    return ['-c', 'http.lowSpeedLimit=1024', '-c', `http.lowSpeedTime=${this.o.timeoutSeconds}`];
  }

  async git(args: string[], options: { input?: string; transfer?: boolean; network?: boolean } = {}): Promise<GitRunResult> {
    const forward = options.transfer && this.o.progress ? this.o.onTransfer : undefined;
    const r = await spawnGit(this.o.binary, [`--git-dir=${this.o.gitdir}`, ...(options.network ? this.networkConfig() : []), ...args], {
      cwd: this.o.cwd,
      env: this.env(),
      // With --progress git speaks at least every second while it works; silence this long is a hang.
      ...(options.network ? { idleTimeoutMs: this.o.timeoutSeconds * 2000 } : {}),
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(forward ? { onStderr: forward } : {}),
    });
    if (!r) throw syncFailure('fetch', 'no-transport', this.o.display, `the git binary "${this.o.binary}" cannot be run`);
    return r;
  }

  async list(): Promise<RefTips> {
    const r = await this.git(['ls-remote', '--refs', this.o.remote, `${JOURNAL_PREFIX}*`], { network: true });
    if (r.code !== 0) throw syncFailure('list', classifyGitFailure(r.stderr), this.o.display, gitErrorDetail(r.stderr));
    return parseRefLines(r.stdout, JOURNAL_PREFIX);
  }

  async fetch(): Promise<Fetched> {
    await this.removeStaleStaging();
    const run = `${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const staging = `${STAGING_PREFIX}${run}/`;
    const cleanup = () => this.deleteRefs(staging);
    const args = (noFetchHead: boolean) => [
      // No opportunistic remote-tracking updates: a user's `remote.<name>.fetch = +refs/logbook/*:refs/logbook/*`
      // would otherwise force-move the journal refs behind our back.
      'fetch',
      '--refmap=',
      '--no-tags',
      '--no-recurse-submodules',
      ...(noFetchHead ? ['--no-write-fetch-head'] : []),
      // Always --progress: the watchdog takes git's progress output as its sign of life (shown only when asked for).
      '--progress',
      this.o.remote,
      `+${JOURNAL_PREFIX}*:${staging}*`,
    ];
    let r = await this.git(args(true), { transfer: true, network: true });
    // git before 2.29 has no --no-write-fetch-head; it then writes FETCH_HEAD as any fetch does.
    if (r.code !== 0 && /no-write-fetch-head/.test(r.stderr)) r = await this.git(args(false), { transfer: true, network: true });
    if (r.code !== 0) {
      await cleanup();
      throw syncFailure('fetch', classifyGitFailure(r.stderr), this.o.display, gitErrorDetail(r.stderr));
    }
    try {
      const tips: RefTips = {};
      for (const [ref, oid] of Object.entries(await this.readRefs(staging))) {
        const name = JOURNAL_PREFIX + ref.slice(staging.length);
        if (isJournalRef(name)) tips[name] = oid;
      }
      return { tips, cleanup };
    } catch (e) {
      await cleanup();
      throw e;
    }
  }

  /** Refs under `prefix`, read from the files (cheaper than a `git for-each-ref`); falls back to git for packed ones. */
  private async readRefs(prefix: string): Promise<RefTips> {
    const tips: RefTips = {};
    const walk = (dir: string, ref: string) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.isDirectory()) walk(path.join(dir, e.name), `${ref}${e.name}/`);
        else if (!e.name.endsWith('.lock')) {
          const oid = readFileSync(path.join(dir, e.name), 'utf8').trim();
          if (/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(oid)) tips[`${ref}${e.name}`] = oid;
        }
      }
    };
    walk(path.join(this.o.gitdir, prefix), prefix);
    if (this.packedMention(prefix)) {
      const r = await this.git(['for-each-ref', '--format=%(objectname) %(refname)', prefix]);
      if (r.code !== 0) throw syncFailure('fetch', 'protocol', this.o.display, gitErrorDetail(r.stderr));
      Object.assign(tips, parseRefLines(r.stdout, prefix));
    }
    return tips;
  }

  private packedMention(prefix: string): boolean {
    try {
      return readFileSync(path.join(this.o.gitdir, 'packed-refs'), 'utf8').includes(` ${prefix}`);
    } catch {
      return false;
    }
  }

  /** Delete every ref under `prefix`. Best effort: a leftover staging ref is harmless and removed by a later sync. */
  private async deleteRefs(prefix: string): Promise<void> {
    try {
      // Loose refs that only this run wrote: removing the files is what `git update-ref -d` would do
      // (file by file: a recursive fs.rm loads more code than a sync of one event otherwise runs).
      removeTree(path.join(this.o.gitdir, prefix));
      try {
        rmdirSync(path.join(this.o.gitdir, STAGING_PREFIX));
      } catch {
        /* another sync's namespace is still there */
      }
      if (this.packedMention(prefix)) {
        const r = await this.git(['for-each-ref', '--format=%(refname)', prefix]);
        const refs = r.stdout.split('\n').filter(Boolean);
        if (refs.length) await this.git(['update-ref', '--stdin'], { input: refs.map((ref) => `delete ${ref}\n`).join('') });
      }
    } catch {
      /* see above */
    }
  }

  /** Staging namespaces of syncs that were killed before cleaning up (their process is gone), loose or packed. */
  private async removeStaleStaging(): Promise<void> {
    for (const ns of stagingNamespaces(this.o.gitdir)) if (ns.abandoned) await this.deleteRefs(`${STAGING_PREFIX}${ns.run}/`);
  }

  async push(ref: string, oid: string): Promise<PushOutcome> {
    const args = [
      // Full ids in the porcelain report: `<old>..<new>` says exactly what the remote had.
      '-c',
      'core.abbrev=40',
      'push',
      '--porcelain',
      // Pre-push hooks guard code pushes (and often run test suites); this pushes only journal refs.
      '--no-verify',
      '--no-follow-tags',
      '--no-signed',
      '--recurse-submodules=no',
      // Not --quiet: it silences the --porcelain report too. --progress: the watchdog's sign of life.
      '--progress',
      this.o.remote,
      `${oid}:${ref}`,
    ];
    const r = await this.git(args, { transfer: true, network: true });
    const line = r.stdout.split('\n').find((l) => l.includes(`:${ref}\t`));
    if (r.code === 0 && line && !line.startsWith('!')) {
      const [flag, , summary = ''] = line.split('\t');
      if (flag === '=') return { ok: true, upToDate: true };
      const from = /^([0-9a-f]{40,64})\.\./.exec(summary)?.[1];
      return { ok: true, upToDate: false, from: flag === '*' ? null : (from ?? undefined) };
    }
    if (line?.startsWith('!')) {
      const summary = line.split('\t')[2] ?? 'rejected';
      const detail = `${summary}${gitErrorDetail(r.stderr) !== 'git failed without a message' ? ` (${gitErrorDetail(r.stderr)})` : ''}`;
      if (/^\[rejected\]/.test(summary) || /non-fast-forward|fetch first|stale info/.test(summary)) return { ok: false, reason: 'non-fast-forward', message: detail };
      return { ok: false, reason: 'rejected', message: detail };
    }
    throw syncFailure('push', classifyGitFailure(r.stderr), this.o.display, gitErrorDetail(r.stderr));
  }

  async compare(a: string, b: string | null): Promise<{ aOnly: number; bOnly: number }> {
    if (a === b) return { aOnly: 0, bOnly: 0 };
    // The common case (a few events appended or fetched: loose objects, one parent each) needs no git process.
    const loose = this.looseCompare(a, b);
    if (loose) return loose;
    if (b === null) {
      const r = await this.git(['rev-list', '--count', a, '--']);
      if (r.code !== 0) throw new Error(`git rev-list failed: ${r.stderr}`);
      return { aOnly: Number(r.stdout.trim()), bOnly: 0 };
    }
    const r = await this.git(['rev-list', '--left-right', '--count', `${a}...${b}`, '--']);
    if (r.code !== 0) throw new Error(`git rev-list failed: ${r.stderr}`);
    const [left, right] = r.stdout.trim().split(/\s+/).map(Number);
    return { aOnly: left ?? 0, bOnly: right ?? 0 };
  }

  /**
   * Answer `compare` from loose commits alone, when one tip reaches the other (or the root)
   * within a few single-parent loose commits; undefined sends the question to `git rev-list`
   * (packed history, merges, replace refs or grafts that git would honour, damage).
   */
  private looseCompare(a: string, b: string | null): { aOnly: number; bOnly: number } | undefined {
    if (this.historyRewritten()) return undefined;
    const walk = (from: string, to: string | null): number | undefined => {
      let oid: string | undefined = from;
      for (let n = 0; n <= LOOSE_WALK_LIMIT; n++) {
        if (oid === to) return n;
        if (oid === undefined) return to === null ? n : undefined;
        const parents = looseCommitParents(this.o.gitdir, oid);
        if (!parents || parents.length > 1) return undefined;
        oid = parents[0];
      }
      return undefined;
    };
    const aOnly = walk(a, b);
    if (aOnly !== undefined) return { aOnly, bOnly: 0 };
    if (b === null) return undefined;
    const bOnly = walk(b, a);
    return bOnly === undefined ? undefined : { aOnly: 0, bOnly };
  }

  private rewritten: boolean | undefined;
  /** `git replace` refs, grafts or a shallow clone change what git calls a commit's parents: leave the walk to git then. */
  private historyRewritten(): boolean {
    if (this.rewritten === undefined) {
      const g = this.o.gitdir;
      this.rewritten = existsSync(path.join(g, 'refs', 'replace')) || existsSync(path.join(g, 'info', 'grafts')) || existsSync(path.join(g, 'shallow')) || this.packedMention('refs/replace/') || Boolean(this.o.env.GIT_REPLACE_REF_BASE || this.o.env.GIT_GRAFT_FILE);
    }
    return this.rewritten;
  }

  async has(oids: string[]): Promise<Set<string>> {
    if (!oids.length) return new Set();
    const r = await this.git(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { input: `${oids.join('\n')}\n` });
    const found = new Set<string>();
    for (const line of r.stdout.split('\n')) {
      const [oid, type] = line.split(' ');
      if (oid && type && type !== 'missing') found.add(oid);
    }
    return found;
  }
}

/** Remove a directory of ref files and the directories in it; what is already gone is fine. */
function removeTree(dir: string): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const gone = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  };
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) removeTree(p);
    else gone(() => unlinkSync(p));
  }
  gone(() => rmdirSync(dir));
}

/** How many loose commits `compare` walks before it asks git instead. */
const LOOSE_WALK_LIMIT = 256;

/** A loose commit's parents (verified: it inflates, is a commit and hashes to its name), or undefined when it is packed, missing or damaged. */
export function looseCommitParents(gitdir: string, oid: string): string[] | undefined {
  let raw: Buffer;
  try {
    raw = inflateSync(readFileSync(path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2))));
  } catch {
    return undefined;
  }
  if (raw.subarray(0, 7).toString('latin1') !== 'commit ' || createHash(oid.length === 64 ? 'sha256' : 'sha1').update(raw).digest('hex') !== oid) return undefined;
  const body = raw.subarray(raw.indexOf(0) + 1);
  const end = body.indexOf('\n\n');
  return parseCommitBody(end < 0 ? body : body.subarray(0, end)).parent;
}

/** `<oid> <ref>` or `<oid>\t<ref>` lines -> ref -> oid, only refs under `prefix`. */
function parseRefLines(text: string, prefix: string): RefTips {
  const tips: RefTips = {};
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{40}|[0-9a-f]{64})\s+(\S+)$/.exec(line.trim());
    if (m && m[2]!.startsWith(prefix) && (prefix !== JOURNAL_PREFIX || isJournalRef(m[2]!))) tips[m[2]!] = m[1]!;
  }
  return tips;
}

/**
 * Reading a replica's commits through the git binary (one `git log` instead
 * of a walk of commit objects, for long histories and fetched packs), and
 * turning each commit message into a cache line: its event, validated once
 * here, or why it is not one.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { parseStoredEvent } from '../events.js';
import type { Deadline } from '../deadline/index.js';
import type { CacheLine } from './cacheFiles.js';

/** Split a journal commit message into its canonical JSON payload. */
export function payloadOf(message: string): unknown {
  const start = message.indexOf('\n\n');
  if (start < 0) throw new Error('commit message has no body');
  return JSON.parse(message.slice(start + 2));
}

/**
 * Run git in `gitdir`, handing each `\x1e`-separated record of its output to
 * `onRecord` as it arrives. False when git is missing, fails, or the deadline
 * runs out (it is killed then).
 */
export function streamGit(binary: string, gitdir: string, deadline: Deadline | undefined, args: string[], env: NodeJS.ProcessEnv, onRecord: (record: string) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const remaining = deadline ? Math.max(1, deadline.remaining()) : Infinity;
    let child: ChildProcess;
    try {
      child = spawn(binary, [`--git-dir=${gitdir}`, ...args], { env: { ...env, GIT_TERMINAL_PROMPT: '0' }, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return resolve(false);
    }
    const timer = Number.isFinite(remaining) ? setTimeout(() => child.kill('SIGKILL'), remaining) : undefined;
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let failed = false;
    const take = (text: string, last: boolean) => {
      pending += text;
      let start = 0;
      for (let i = pending.indexOf('\x1e'); i >= 0; i = pending.indexOf('\x1e', start)) {
        if (i > start) onRecord(pending.slice(start, i));
        start = i + 1;
      }
      pending = pending.slice(start);
      if (last && pending) onRecord(pending);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      if (failed) return;
      try {
        take(decoder.write(chunk), false);
      } catch {
        failed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', () => {
      failed = true;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!failed && code === 0) {
        try {
          take(decoder.end(), true);
        } catch {
          failed = true;
        }
      }
      resolve(!failed && code === 0);
    });
  });
}

/** Every commit of a replica, oldest first, through one synchronous `git log`; undefined when git cannot read it. */
export function walkWithGitSync(binary: string, gitdir: string, tip: string, env: NodeJS.ProcessEnv): CacheLine[] | undefined {
  let out: string;
  try {
    out = execFileSync(binary, [`--git-dir=${gitdir}`, 'log', '--first-parent', '--format=%x1e%H%x1f%P%x1f%B', tip, '--'], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'], env: { ...env, GIT_TERMINAL_PROMPT: '0' } });
  } catch {
    return undefined; // no git, or it cannot read the replica: the caller reports the damaged cache
  }
  const lines: CacheLine[] = [];
  for (const record of out.split('\x1e')) {
    if (!record) continue;
    const [oid, , message] = record.split('\x1f') as [string, string, string];
    lines.push(lineOf(oid, message.replace(/\n$/, '')));
  }
  return lines.reverse();
}

/** Parse a journal commit's message into a cache line: its event, or why it is not one. */
export function lineOf(oid: string, message: string): CacheLine {
  let raw: unknown;
  try {
    raw = payloadOf(message);
  } catch {
    return { c: oid, u: { reason: 'commit message is not a Logbook event (no JSON body)' } };
  }
  const parsed = parseStoredEvent(raw);
  if (parsed.ok) return { c: oid, e: parsed.event };
  return { c: oid, u: { reason: parsed.reason, ...(parsed.type !== undefined ? { type: parsed.type } : {}), ...(parsed.v !== undefined ? { v: parsed.v } : {}) } };
}

// Shared benchmark helpers: fast journal generation with `git fast-import` in
// two shapes (hook-fed: sessions of 500 events, mostly tool.used; short: thousands
// of sessions of 10–60 events written by people and agents on three clones),
// timing with warm-up and medians, and command runners.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin', 'logbook.cjs');
export const WORK = path.join(ROOT, 'bench', 'work');
const require = createRequire(import.meta.url);
export const lib = () => require(path.join(ROOT, 'dist', 'index.cjs'));

export const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com', GIT_CONFIG_NOSYSTEM: '1' };

export function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: gitEnv, maxBuffer: 1 << 30 });
}

export function scratch(name) {
  const dir = path.join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A ULID from a time and a counter: deterministic ids for generated journals. */
export function ulid(ms, n) {
  let t = '';
  for (let i = 0, x = ms; i < 10; i++, x = Math.floor(x / 32)) t = B32[x % 32] + t;
  let r = '';
  for (let i = 0, x = n; i < 16; i++, x = Math.floor(x / 32)) r = B32[x % 32] + r;
  return t + r;
}

const SESSION_LENGTH = 500;
const b36 = (n) => n.toString(36).padStart(4, '0').slice(-4);

/** The id of the session that event number `i` (0-based) belongs to. */
export function sessionOf(i, replica = 'benchreplica') {
  const n = Math.floor(i / SESSION_LENGTH);
  return `20260101_${String(9 + Math.floor(n / 60) % 15).padStart(2, '0')}${String(n % 60).padStart(2, '0')}_${b36(n + (replica === 'benchreplica' ? 0 : 40000))}`;
}

/**
 * Valid journal events shaped like a hook-fed journal: sessions of 500 events,
 * most of them `tool.used` (PostToolUse fires on every tool call), with
 * progress, decisions, discoveries, next steps, links and checkpoints between,
 * each session closed before the next starts (the last stays open). In the
 * exact commit format Logbook writes.
 */
export function* generateEvents(count, { replica = 'benchreplica', startClock = 1 } = {}) {
  const actor = { name: 'Bench', email: 'bench@example.com', agent: 'claude-code' };
  const t0 = Date.UTC(2026, 0, 1, 9, 0, 0);
  const tools = ['Bash', 'Read', 'Edit', 'Grep', 'Write', 'Glob'];
  for (let i = startClock - 1; i < startClock - 1 + count; i++) {
    const clock = i + 1;
    const at = new Date(t0 + clock * 1000).toISOString();
    const session = sessionOf(i, replica);
    const k = i % SESSION_LENGTH;
    const base = { id: ulid(t0 + clock * 1000, clock), v: 1, at, session, actor, clock, replica };
    const r = (clock * 7919) % 100;
    if (k === 0) yield { ...base, type: 'session.started', data: { title: `Benchmark session ${session}`, shortname: `bench-${session.slice(-4)}`, taskIds: [], meta: {} } };
    else if (k === SESSION_LENGTH - 1 && i + SESSION_LENGTH < startClock - 1 + count) yield { ...base, type: 'session.closed', data: { outcome: 'completed', learnings: [], tasksCompleted: [] } };
    else if (r < 72) yield { ...base, type: 'tool.used', data: { tool: tools[clock % tools.length], success: r !== 3, durationMs: (clock * 31) % 900 } };
    else if (r < 82) yield { ...base, type: 'progress', data: { text: `Step ${k % 40} of the migration`, status: r % 2 ? 'done' : 'current' } };
    else if (r < 85) yield { ...base, type: 'decision', data: { text: `Decision ${clock}: use approach ${clock % 7}`, rationale: 'measured faster in the prototype' } };
    else if (r < 88) yield { ...base, type: 'discovery', data: { text: `Discovery ${clock}: the cache misses on cold start` } };
    else if (r < 92) yield { ...base, type: 'next', data: { text: `Next ${k % 30}: write the regression test` } };
    else if (r < 96) yield { ...base, type: 'item.linked', data: { key: `task:T-${clock % 97}`, action: r % 2 ? 'created' : 'updated' } };
    else yield { ...base, type: 'session.checkpointed', data: { note: `checkpoint ${clock}` } };
  }
}

/** The session left open at the end of a generated hook-fed journal of `count` events. */
export const lastSession = (count) => sessionOf(count - 1);

// ---------------------------------------------------------------------------
// The second journal shape: many short sessions written by people and agents.

/** A small deterministic PRNG (mulberry32): the same journal on every run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const W = {
  component: ['the sync command', 'the session cache', 'the search index', 'the MCP server', 'the PostToolUse hook', 'the SessionStart hook', 'the redaction pass', 'the agenda view', 'the HTTP API', 'the web view', 'the doctor checks', 'the session importer', 'the item chains', 'the resume context', 'the Lamport clock', 'the fetch path', 'the staging refs', 'the post-commit hook', 'the stats view', 'the config loader', 'the CLI parser', 'the spool flush', 'the pack writer', 'the time-travel fold', 'the message inbox', 'the group filter', 'the why lookup', 'the SSE stream', 'the billing export', 'the login form', 'the rate limiter', 'the CSV importer', 'the onboarding wizard', 'the retry queue', 'the payment webhook', 'the thumbnail worker'],
  file: ['src/journal.ts', 'src/viewsCache.ts', 'src/sessions.ts', 'src/sync.ts', 'src/store/git.ts', 'src/store/refs.ts', 'projections/agenda.ts', 'projections/resume.ts', 'projections/items.ts', 'src/search/corpus.ts', 'src/search/query.ts', 'cli/commands/log.ts', 'cli/commands/resume.ts', 'src/integrations/hookHandlers.ts', 'src/integrations/mcp.ts', 'src/server/routes.ts', 'src/doctor/checks.ts', 'src/redact/patterns.ts', 'test/sync.test.ts', 'test/journal.test.ts', 'web/app.tsx', 'api/billing.py', 'services/payments/webhook.go', 'migrations/0042_add_index.sql', 'docs/ARCHITECTURE.md'],
  symbol: ['readNew', 'foldSessions', 'openCorpus', 'compareAndSwapRef', 'applyProgress', 'renderResume', 'parseStoredEvent', 'writePack', 'updateCorpus', 'listSessions', 'bindClient', 'flushSpool', 'loadAt', 'evolveItems', 'redactText', 'staleTimeoutMs', 'handleWebhook', 'retryWithBackoff', 'validateInvoice', 'resizeImage'],
  verb: ['Wired up', 'Refactored', 'Added tests for', 'Documented', 'Split', 'Profiled', 'Rewrote', 'Fixed the flaky test in', 'Reviewed', 'Simplified', 'Migrated', 'Benchmarked', 'Renamed the options of', 'Removed dead code from', 'Cached the result of', 'Traced a slow path in', 'Hardened', 'Ported', 'Paired on', 'Cleaned up the errors of'],
  detail: ['so that it reads the tip once', 'behind a feature flag', 'with a property test', 'for packed refs', 'on Windows paths', 'when the remote is empty', 'under concurrent appends', 'for sessions without a goal', 'with the new error codes', 'after the rebase', 'without loading isomorphic-git', 'for the 100k-event journal', 'with fewer allocations', 'so the hook exits in time', 'for clones that share a remote', 'with a clear hint on failure', 'per the review comments', 'to match the SPEC wording'],
  choice: ['a tip-keyed cache', 'one git log per fetch', 'a streaming JSON parse', 'a spool file per client', 'compare-and-swap on the ref', 'zod/mini schemas', 'append-only segment files', 'a bounded LRU', 'one esbuild bundle per entry', 'plain fs calls over isomorphic-git', 'a Lamport clock from the cache', 'server-sent events over polling', 'a per-session state file', 'Postgres advisory locks', 'idempotency keys on the webhook', 'exponential backoff with jitter'],
  alternative: ['a SQLite side database', 'a daemon process', 're-reading every commit', 'a global lock file', 'watching the refs with inotify', 'JSON lines in the work tree', 'a Redis queue', 'classic zod', 'a worker thread'],
  reason: ['it keeps start-up under 100 ms', 'the benchmark shows a third of the allocations', 'it survives a crash between the write and the rename', 'users already know the git semantics', 'it stays correct when two clones push at once', 'it needs no new dependency', 'the other option needs a compiler at install time', 'it is what the SPEC asks for', 'review found the old one hard to test', 'it keeps peak memory flat in the journal size', 'support asked for it twice this week'],
  symptom: ['re-reads every commit on a cold start', 'allocates a copy of each event', 'breaks when the ref is packed', 'misses events from the other replica', 'drops the redaction on retry', 'sorts by wall time instead of the clock', 'leaks a file descriptor per fetch', 'is quadratic in the number of blockers', 'returns stale headers after a fetch', 'times out on the first request', 'double-counts a resumed session', 'ignores the --group flag', 'writes the cache twice per command', 'fails on a path with spaces'],
  evidence: ['strace counts 4,000 open() calls', 'the flame graph has JSON.parse at 40%', 'reproduced with two clones and a forced push', 'the failing CI run shows it', 'a heap snapshot holds 180 MiB of strings', 'git fsck reports nothing wrong', 'bisected to the cache refactor', 'the regression test fails before the fix', 'the user sent a journal that shows it', 'node --cpu-prof points at the fold', 'only on the 2-core runner'],
  blocker: ['Waiting for review of', 'CI runner out of disk while testing', 'Cannot reproduce the bug in', 'Need a decision on the format of', 'Blocked on the upstream release of', 'No access to the staging logs for', 'Flaky network in the sandbox breaks'],
  resolution: ['reviewer approved', 'freed space and re-ran', 'got a reproduction from the user', 'decided in the weekly sync', 'pinned the previous release', 'ops granted access', 'switched to the local mirror'],
  next: ['Write the regression test for', 'Ask for a review of', 'Measure at 100k events:', 'Update the README section on', 'Open an issue for the edge case in', 'Profile', 'Split the pull request for', 'Check the Windows behaviour of', 'Remove the workaround in'],
  note: ['before lunch', 'tests green', 'before the rebase', 'end of day', 'half-way through', 'after the review round', 'before switching branches'],
  titleVerb: ['Speed up', 'Fix', 'Document', 'Refactor', 'Harden', 'Investigate', 'Add', 'Finish', 'Review'],
  learning: ['measure before optimising', 'the cache must be keyed by tip', 'packed refs need their own path', 'small commits review faster', 'the flaky test was a real race', 'ask for the journal before guessing'],
};
const pick = (rand, xs) => xs[Math.floor(rand() * xs.length)];
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '') || 'session';

const PEOPLE = [
  { name: 'Ada Moreau', email: 'ada@example.com' },
  { name: 'Bo Lindqvist', email: 'bo@example.com' },
  { name: 'Chidi Okafor', email: 'chidi@example.com' },
  { name: 'Dana Ruiz', email: 'dana@example.com' },
];
/** The short shape's clones: this one (`benchreplica`) and two others sharing the remote. */
export const SHORT_REPLICAS = ['benchreplica', 'clone2replica', 'clone3replica'];
/** Writers of the short shape: each on a clone, a person alone or an agent working for one. */
const LANES = [
  { replica: 0, actor: { ...PEOPLE[0], agent: 'claude-code' }, weight: 3 },
  { replica: 0, actor: PEOPLE[0], weight: 1 },
  { replica: 1, actor: { ...PEOPLE[1], agent: 'codex' }, weight: 2 },
  { replica: 1, actor: PEOPLE[1], weight: 1 },
  { replica: 2, actor: { ...PEOPLE[2], agent: 'claude-code' }, weight: 2 },
  { replica: 2, actor: { ...PEOPLE[3], agent: 'codex' }, weight: 1 },
];
const LANE_WEIGHT = LANES.reduce((s, l) => s + l.weight, 0);
const SESSION_SPACE = 36 ** 4;

/**
 * Valid journal events shaped like a journal written by people and agents:
 * thousands of sessions of 10–60 events each, mostly progress, decisions (with
 * rationale), discoveries (with evidence), blockers and their resolutions, next
 * steps and checkpoints, in varied text; items (tasks) created in one session
 * and updated, referenced and completed in later ones; six writers on three
 * clones whose sessions interleave in time. Each writer's last session stays
 * open, and about one in a hundred is left open (stale) along the way.
 *
 * `replica` puts every writer on that one clone (another replica's fetched
 * events); by default they spread over SHORT_REPLICAS. Events carry their
 * `replica`; `fastImport` writes each onto its own ref.
 */
export function* generateShortEvents(count, { replica, startClock = 1 } = {}) {
  const rand = prng(startClock * 2654435761 + (replica ? replica.length * 97 + replica.charCodeAt(0) : 0));
  const replicas = replica ? [replica] : SHORT_REPLICAS;
  // Session numbers: distinct across calls (they start at startClock) and across replica sets.
  const salt = replica && !SHORT_REPLICAS.includes(replica) ? 1 + ((replica.length + replica.charCodeAt(replica.length - 1)) % 3) : 0;
  let sessionNumber = salt * 400_000 + startClock - 1;
  const t0 = Date.UTC(2026, 0, 1, 9, 0, 0);
  // Twelve seconds per event over six writers: a 100k-event journal spans about two weeks.
  const atOf = (clock) => t0 + clock * 12_000;
  const itemCount = Math.max(20, Math.floor(count / 120));
  const itemBase = salt * 100_000 + Math.floor((startClock - 1) / 120);
  const item = () => `T-${itemBase + Math.floor(rand() * itemCount) + 1}`;
  const lanes = LANES.map((l) => ({ ...l, session: undefined }));
  const text = {
    progress: () => `${pick(rand, W.verb)} ${pick(rand, W.component)} ${pick(rand, W.detail)}`,
    step: () => `${pick(rand, W.verb)} ${pick(rand, W.symbol)} in ${pick(rand, W.file)}`,
  };
  for (let clock = startClock; clock < startClock + count; clock++) {
    let w = rand() * LANE_WEIGHT;
    let lane = lanes[0];
    for (const l of lanes) if ((w -= l.weight) < 0) {
      lane = l;
      break;
    }
    const ms = atOf(clock);
    const at = new Date(ms).toISOString();
    const base = { id: ulid(ms, clock), v: 1, at, actor: lane.actor, clock, replica: replicas[lane.replica % replicas.length] };
    let s = lane.session;
    if (!s) {
      const n = sessionNumber++;
      const suffix = ((n * 7919 + 12345) % SESSION_SPACE).toString(36).padStart(4, '0');
      const d = new Date(ms).toISOString();
      const id = `${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}_${d.slice(11, 13)}${d.slice(14, 16)}_${suffix}`;
      const title = `${pick(rand, W.titleVerb)} ${pick(rand, W.component).replace(/^the /, '')}`;
      const tasks = rand() < 0.6 ? [item()] : [];
      s = lane.session = { id, length: 10 + Math.floor(rand() * 51), k: 1, blockers: [], decisions: [], tasks, steps: [] };
      yield { ...base, session: id, type: 'session.started', data: { title, shortname: slug(`${title} ${suffix}`), goal: `${pick(rand, W.verb)} ${pick(rand, W.component)} ${pick(rand, W.detail)}`, taskIds: tasks, meta: {} } };
      continue;
    }
    const e = { ...base, session: s.id };
    const k = s.k++;
    if (k + 1 >= s.length) {
      lane.session = undefined;
      if (rand() < 0.01) {
        // Left open: the writer moved on without closing it (a stale session); this is its last event.
        yield { ...e, type: 'next', data: { text: `${pick(rand, W.next)} ${pick(rand, W.component)}` } };
        continue;
      }
      const abandoned = rand() < 0.08;
      yield {
        ...e,
        type: 'session.closed',
        data: abandoned
          ? { outcome: 'abandoned', reason: `${pick(rand, W.component)} ${pick(rand, W.symptom)}; superseded`, learnings: [], tasksCompleted: [] }
          : { outcome: 'completed', summary: `${pick(rand, W.verb)} ${pick(rand, W.component)} ${pick(rand, W.detail)}`, learnings: rand() < 0.5 ? [pick(rand, W.learning)] : [], tasksCompleted: s.tasks.filter(() => rand() < 0.7) },
      };
      continue;
    }
    const r = rand();
    if (k === 1 && r < 0.5) {
      yield { ...e, type: 'context', data: { objective: `${pick(rand, W.titleVerb)} ${pick(rand, W.component)} ${pick(rand, W.detail)}`, keyFiles: [pick(rand, W.file), pick(rand, W.file)], keyFacts: [`${pick(rand, W.component)} ${pick(rand, W.symptom)}`] } };
    } else if (r < 0.3) {
      const named = s.steps.length && rand() < 0.4 ? pick(rand, s.steps) : undefined;
      const status = named ? (rand() < 0.6 ? 'done' : 'current') : rand() < 0.2 ? 'todo' : rand() < 0.5 ? 'done' : 'current';
      const t = named ?? (rand() < 0.5 ? text.step() : text.progress());
      if (!named) s.steps.push(t);
      yield { ...e, type: 'progress', data: { text: t, status } };
    } else if (r < 0.42) {
      const data = { text: `Use ${pick(rand, W.choice)} for ${pick(rand, W.component)}`, rationale: `${pick(rand, W.reason)}; ${pick(rand, W.alternative)} was the alternative` };
      if (rand() < 0.3) data.options = [pick(rand, W.choice), pick(rand, W.alternative)];
      if (s.decisions.length && rand() < 0.1) data.supersedes = pick(rand, s.decisions);
      s.decisions.push(e.id);
      yield { ...e, type: 'decision', data };
    } else if (r < 0.55) {
      yield { ...e, type: 'discovery', data: { text: `${pick(rand, W.component)} ${pick(rand, W.symptom)} (${pick(rand, W.symbol)} in ${pick(rand, W.file)})`, evidence: pick(rand, W.evidence) } };
    } else if (r < 0.58) {
      const t = `${pick(rand, W.blocker)} ${pick(rand, W.component)}`;
      s.blockers.push({ id: e.id, text: t });
      yield { ...e, type: 'blocker', data: { text: t } };
    } else if (r < 0.65 && s.blockers.length) {
      const b = s.blockers.shift();
      yield { ...e, type: 'blocker.resolved', data: { blocker: b.id, text: b.text, note: pick(rand, W.resolution) } };
    } else if (r < 0.77) {
      const t = `${pick(rand, W.next)} ${pick(rand, W.component)}`;
      s.steps.push(t);
      yield { ...e, type: 'next', data: { text: t } };
    } else if (r < 0.84) {
      yield { ...e, type: 'session.checkpointed', data: { note: `${pick(rand, W.note)}: ${pick(rand, W.component)}` } };
    } else if (r < 0.93) {
      const key = rand() < 0.7 && s.tasks.length ? s.tasks[0] : item();
      const action = pick(rand, ['created', 'updated', 'updated', 'referenced', 'completed', 'blocked']);
      yield { ...e, type: 'item.linked', data: { key: `task:${key}`, action, ...(rand() < 0.5 ? { note: `${pick(rand, W.verb).toLowerCase()} ${pick(rand, W.component)}` } : {}) } };
    } else if (lane.actor.agent) {
      yield { ...e, type: 'tool.used', data: { tool: pick(rand, ['Bash', 'Read', 'Edit', 'Grep']), success: rand() > 0.05, durationMs: Math.floor(rand() * 900) } };
    } else {
      yield { ...e, type: 'progress', data: { text: text.progress(), status: 'done' } };
    }
  }
}

/** The two journal shapes every journal-reading row is measured on, and how row names call them. */
export const SHAPES = { hook: 'hook-fed sessions', short: 'short sessions' };
export const shapeLabel = (shape) => SHAPES[shape] ?? shape;
const generatorOf = (shape) => {
  if (shape === 'hook') return generateEvents;
  if (shape === 'short') return generateShortEvents;
  throw new Error(`unknown journal shape "${shape}" (hook or short)`);
};

/**
 * Write `count` events with git fast-import (seconds for 100k), each onto
 * refs/logbook/replicas/<its replica>. `shape`: 'hook' (default: every event
 * on `replica`, default benchreplica) or 'short' (spread over SHORT_REPLICAS
 * unless `replica` is given). `parent`: the commit the first new one follows
 * (one replica only). Returns the tip of `replica` (or of benchreplica).
 */
export function fastImport(dir, count, options = {}) {
  const { commitMessage } = lib();
  const shape = options.shape ?? 'hook';
  const parts = [];
  const seen = new Set();
  let mark = 0;
  for (const event of generatorOf(shape)(count, { ...options, ...(shape === 'hook' ? { replica: options.replica ?? 'benchreplica' } : {}) })) {
    const ref = `refs/logbook/replicas/${event.replica}`;
    const msg = Buffer.from(commitMessage(event));
    const ts = Math.floor(Date.parse(event.at) / 1000);
    mark++;
    parts.push(Buffer.from(`commit ${ref}\nmark :${mark}\nauthor ${event.actor.name} <${event.actor.email}> ${ts} +0000\ncommitter ${event.actor.name} <${event.actor.email}> ${ts} +0000\ndata ${msg.length}\n`));
    parts.push(msg);
    if (!seen.has(ref)) {
      seen.add(ref);
      if (options.parent) parts.push(Buffer.from(`from ${options.parent}\n`));
    }
    parts.push(Buffer.from('deleteall\n\n'));
  }
  if (options.parent && seen.size > 1) throw new Error('fastImport: parent applies to one replica only; pass replica');
  const r = spawnSync('git', ['fast-import', '--quiet', '--force'], { cwd: dir, input: Buffer.concat(parts), env: gitEnv, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`fast-import failed: ${r.stderr}`);
  return git(dir, 'rev-parse', `refs/logbook/replicas/${options.replica ?? 'benchreplica'}`).trim();
}

const infos = new Map();
/**
 * What the benchmarks need to know about a generated journal of `shape` and
 * `count` events: this clone's sessions in order (`sessions`), the open session
 * the views and resume are measured on (`openSession`), a moment inside it for
 * `--at` (`openMoment`), the moment before its last 1,000 events (`sinceMoment`)
 * and how many sessions it holds (`sessionCount`).
 */
export function journalInfo(shape, count) {
  const key = `${shape}-${count}`;
  if (infos.has(key)) return infos.get(key);
  let info;
  const since = Math.max(1, count - 1000);
  if (shape === 'hook') {
    const sessions = Array.from({ length: Math.ceil(count / SESSION_LENGTH) }, (_, n) => sessionOf(n * SESSION_LENGTH));
    info = { sessions, openSession: lastSession(count), openMoment: 'checkpoint:1', sinceMoment: new Date(Date.UTC(2026, 0, 1, 9, 0, 0) + since * 1000).toISOString(), sessionCount: sessions.length };
  } else {
    const order = [];
    const byId = new Map();
    let sinceMoment;
    for (const e of generatorOf(shape)(count)) {
      if (e.clock === since) sinceMoment = e.at;
      let s = byId.get(e.session);
      if (!s) byId.set(e.session, (s = { id: e.session, replica: e.replica, ats: [], closed: false }));
      s.ats.push(e.at);
      if (e.type === 'session.closed') s.closed = true;
      if (e.type === 'session.started') order.push(s);
    }
    const mine = order.filter((s) => s.replica === 'benchreplica');
    // The open session of this clone with the most events so far: the one its writer works in now.
    const open = mine.filter((s) => !s.closed).slice(-2).sort((a, b) => b.ats.length - a.ats.length)[0] ?? mine.at(-1);
    info = { sessions: mine.map((s) => s.id), openSession: open.id, openMoment: open.ats[Math.floor(open.ats.length / 2)], sinceMoment, sessionCount: order.length };
  }
  infos.set(key, info);
  return info;
}

/**
 * A repository with a Logbook journal of `count` events in `shape` (replica
 * `benchreplica` is this clone), its event and view caches warm as any earlier
 * command leaves them. Each journal is generated once per run and copied for
 * every suite that asks for it, so suites can write to their copy.
 */
export function makeJournalRepo(name, count, { gc = false, shape = 'hook' } = {}) {
  const template = path.join(WORK, 'templates', `${shape}-${count}`);
  if (!existsSync(path.join(template, '.git', 'logbook-bench-ready'))) {
    rmSync(template, { recursive: true, force: true });
    mkdirSync(template, { recursive: true });
    git(template, 'init', '-q', '-b', 'main');
    git(template, 'commit', '-q', '--allow-empty', '-m', 'initial');
    git(template, 'config', 'logbook.replica', 'benchreplica');
    git(template, 'config', 'user.name', 'Bench');
    git(template, 'config', 'user.email', 'bench@example.com');
    fastImport(template, count, { shape });
    logbook(template, 'list'); // the tip cache any earlier command leaves
    writeFileSync(path.join(template, '.git', 'logbook-bench-ready'), '');
  }
  const dir = scratch(name);
  cpSync(template, dir, { recursive: true });
  rmSync(path.join(dir, '.git', 'logbook-bench-ready'));
  // Every delta recomputed (`--aggressive`) over git's default window of 10 objects: at 10k events 3.4 s and 135 bytes
  // per event, where aggressive's window of 250 took 39 s for 129 bytes (and minutes at 100k, most of the bench's time).
  if (gc) git(dir, '-c', 'gc.aggressiveWindow=10', 'gc', '-q', '--aggressive', '--prune=now');
  return dir;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median wall time (ms) of `fn` after `warmup` unmeasured runs. */
export async function time(fn, { runs = 7, warmup = 2 } = {}) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn(i + warmup);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(samples);
}

/**
 * Median wall times (ms) of each of `fns`, run interleaved: every round runs
 * each once, in an order that rotates from round to round. On a shared
 * machine the load shifts from minute to minute; a baseline timed in one
 * block and a command in another would compare two different machines.
 */
export async function interleaved(fns, { runs = 7, warmup = 1 } = {}) {
  const samples = fns.map(() => []);
  for (let round = 0; round < warmup + runs; round++) {
    for (let k = 0; k < fns.length; k++) {
      const j = (round + k) % fns.length;
      const t = process.hrtime.bigint();
      await fns[j](round);
      if (round >= warmup) samples[j].push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  return samples.map(median);
}

/** Run a process to completion; throws on failure. */
export function proc(cmd, args, { cwd, input } = {}) {
  const r = spawnSync(cmd, args, { cwd, input, env: { ...gitEnv, LOGBOOK_AGENT: undefined }, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export const logbook = (cwd, ...args) => proc(process.execPath, [BIN, ...args], { cwd });
export const nodeNoop = () => proc(process.execPath, ['-e', '']);

// Hook latency: what an agent waits for. `logbook hook PostToolUse` runs after
// every tool call and `logbook hook SessionStart` at every start, resume and
// compaction; both as real processes on a 10,000-event journal, against bare
// `node -e ''`. Also Stop (which writes the spooled tool uses of a turn) and
// SessionEnd, which Claude Code gives 1.5 s in all. SessionStart also at every
// journal size (it must stay flat in the number of sessions).
//
// Standalone: `node bench/hooks.mjs` (after `npm run build`); `npm run bench` runs it too.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { BIN, logbook, makeJournalRepo as makeRepo, median } from './lib.mjs';
import { makeShortSessionRepo } from './shortSessions.mjs';

const cleanEnv = () => {
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1' };
  for (const k of Object.keys(env)) if (/^(LOGBOOK_|CLAUDE|CODEX_)/.test(k)) delete env[k];
  return env;
};

function spawnMs(args, { cwd, input = '' } = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, input, env: cleanEnv(), encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const noopMs = () => spawnMs(['-e', '']).ms;

/**
 * The median of `fn` (which returns the ms of what it measures) and of bare
 * `node -e ''`, taking turns round by round (their order alternating): each
 * row gets the baseline of the minutes it ran in, on a machine whose load shifts.
 */
function medianOf(n, warmup, fn, { baseline = true } = {}) {
  for (let i = 0; i < warmup; i++) fn(i);
  const samples = [];
  const noops = [];
  for (let i = 0; i < n; i++) {
    if (baseline && i % 2) noops.push(noopMs());
    samples.push(fn(i + warmup));
    if (baseline && !(i % 2)) noops.push(noopMs());
  }
  return { ms: median(samples), noop: baseline ? median(noops) : undefined };
}

/** Rows `{name, ms, baselineMs, ratio, baseline}` for the benchmark table. */
export default async function hooksBench({ runs = 7, makeJournalRepo = makeRepo, sizes = [10_000], shape = 'hook' } = {}) {
  const n = Math.max(5, runs);
  const hookIn = (dir) => {
    const payload = (event, fields) => JSON.stringify({ session_id: 'bench-client', transcript_path: '/tmp/bench.jsonl', cwd: dir, permission_mode: 'default', hook_event_name: event, ...fields });
    return (event, fields) => spawnMs([BIN, 'hook', event, '--agent', 'claude-code'], { cwd: dir, input: payload(event, fields) });
  };
  const sessionStart = (hook) => {
    const r = hook('SessionStart', { source: 'startup' });
    if (!r.stdout.includes('additionalContext')) throw new Error('SessionStart gave no context');
    return r.ms;
  };
  const vs = "vs `node -e ''`";
  const vsNode = ({ ms, noop }) => ({ ms, baselineMs: noop, baseline: vs });
  const sized = [];
  for (const size of sizes.filter((s) => s !== 10_000)) {
    const hook = hookIn(makeJournalRepo(`hooks-${size}`, size)); // its cache warm, as any earlier command leaves it
    sized.push({ size, name: `\`logbook hook SessionStart\` process (bind + context), ${size}-event journal`, ...vsNode(size >= 100_000 ? medianOf(3, 0, () => sessionStart(hook)) : medianOf(n, 2, () => sessionStart(hook))), target: '≤ 1.5×' });
  }
  const dir = makeJournalRepo('hooks-10k', 10_000); // its cache warm, as any earlier command leaves it
  const hook = hookIn(dir);
  const start = medianOf(n, 2, () => sessionStart(hook));
  const tool = medianOf(n, 2, (i) => hook('PostToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' }, tool_response: { stdout: '' }, tool_use_id: `t${i}`, duration_ms: 12 }).ms);
  // A turn of 20 tool calls, then Stop writes them.
  const stop = medianOf(n, 1, () => {
    for (let i = 0; i < 20; i++) hook('PostToolUse', { tool_name: 'Edit', tool_input: {}, tool_response: {}, tool_use_id: `s${i}` });
    return hook('Stop', { stop_hook_active: false, last_assistant_message: 'done' }).ms;
  });
  const end = medianOf(n, 1, () => hook('SessionEnd', { reason: 'prompt_input_exit' }).ms, { baseline: false }); // against its budget, not node

  // SessionStart must not grow with the number of sessions: 2,000 short ones (40,000 events, written by hand
  // and by agents), where this actor's previous session ended a few sessions back. Its own journal
  // (bench/shortSessions.mjs), so measured once, on the hook-fed pass.
  const manyRows = [];
  if (shape !== 'short') {
    const many = makeShortSessionRepo('hooks-2k-sessions', 2000);
    logbook(many, 'list');
    const manyHook = hookIn(many);
    // Before each run (not timed) a teammate writes: "since you were last here" is then never empty
    // (the agent's own SessionStart of the run before is where it was last).
    const teammate = { ...cleanEnv(), LOGBOOK_ACTOR: 'Grace Hopper <grace@example.com>' };
    const manyStart = medianOf(n, 2, (i) => {
      const w = spawnSync(process.execPath, [BIN, 'start', '--goal', `Teammate's session ${i}`], { cwd: many, env: teammate, encoding: 'utf8' });
      if (w.status !== 0) throw new Error(`teammate start exited ${w.status}: ${w.stderr}`);
      const r = manyHook('SessionStart', { source: 'startup' });
      if (!r.stdout.includes('Since you were last here')) throw new Error('SessionStart gave no catch-up on the 2,000-session journal');
      return r.ms;
    });
    manyRows.push({ name: '`logbook hook SessionStart` process (bind + context + catch-up), 2,000 short sessions (40k events)', ...vsNode(manyStart), target: '≤ 1.5×' });
  }

  const rows = [
    { name: '`logbook hook PostToolUse` process, 10k-event journal', ...vsNode(tool), target: '≤ 1.3×' },
    ...[...sized, { size: 10_000, name: '`logbook hook SessionStart` process (bind + context), 10k-event journal', ...vsNode(start), target: '≤ 1.5×' }].sort((a, b) => a.size - b.size).map(({ size, ...r }) => r),
    ...manyRows,
    { name: '`logbook hook Stop` writing 20 spooled tool uses, 10k-event journal', ...vsNode(stop), target: '≤ 1.5×' },
    { name: '`logbook hook SessionEnd` process, 10k-event journal', ms: end.ms, baselineMs: 1500, baseline: "vs Claude Code's 1.5 s SessionEnd budget", target: '< 1×' },
  ];
  return rows.map((r) => ({ ...r, ratio: Math.round((r.ms / r.baselineMs) * 100) / 100 }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await hooksBench({ runs: Number(process.env.BENCH_RUNS ?? 7) })) {
    console.log(`${r.name.padEnd(72)} ${r.ms.toFixed(1).padStart(8)} ms  ${r.ratio}× ${r.baseline}${r.target ? `  (target ${r.target})` : ''}`);
  }
}

// A journal shaped like one written by people and agents by hand: many short
// sessions (20 events each: progress, decisions, discoveries, next steps with
// real text, a few links and tool uses), every one closed but the last, by
// several actors. Used by the hooks bench to check that SessionStart stays
// flat in the number of sessions.
import { spawnSync } from 'node:child_process';
import { git, gitEnv, lib, scratch, ulid } from './lib.mjs';

const PER_SESSION = 20;
const b36 = (n) => n.toString(36).padStart(4, '0').slice(-4);
const ACTORS = [
  { name: 'Bench', email: 'bench@example.com', agent: 'claude-code' },
  { name: 'Ada', email: 'ada@example.com' },
  { name: 'Lin', email: 'lin@example.com', agent: 'codex' },
  { name: 'Bench', email: 'bench@example.com' },
];
const WORDS = 'cache index migration parser retry lock spool snapshot schema renderer budget replica fetch clock header flag resume journal session hook'.split(' ');
const say = (n, k) => Array.from({ length: k }, (_, i) => WORDS[(n * 7 + i * 13) % WORDS.length]).join(' ');

export const shortSessionId = (n) => `20260101_${String(9 + Math.floor(n / 60) % 15).padStart(2, '0')}${String(n % 60).padStart(2, '0')}_${b36(n + 20000)}`;

export function* shortSessionEvents(sessions) {
  const t0 = Date.UTC(2026, 0, 1, 9, 0, 0);
  let clock = 0;
  for (let n = 0; n < sessions; n++) {
    const session = shortSessionId(n);
    const actor = ACTORS[n % ACTORS.length];
    for (let k = 0; k < PER_SESSION; k++) {
      clock++;
      const base = { id: ulid(t0 + clock * 1000, clock), v: 1, at: new Date(t0 + clock * 1000).toISOString(), session, actor, clock, replica: 'benchreplica' };
      const r = (clock * 7919) % 100;
      if (k === 0) yield { ...base, type: 'session.started', data: { title: `Work on the ${say(n, 3)}`, shortname: `w-${session.slice(-4)}`, taskIds: [], meta: {} } };
      else if (k === PER_SESSION - 1 && n < sessions - 1) yield { ...base, type: 'session.closed', data: { outcome: 'completed', learnings: [`the ${say(n + k, 4)} needs care`], tasksCompleted: [] } };
      else if (r < 35) yield { ...base, type: 'progress', data: { text: `Changed the ${say(clock, 8)} so that the ${say(clock + 1, 6)} holds`, status: r % 2 ? 'done' : 'current' } };
      else if (r < 50) yield { ...base, type: 'decision', data: { text: `Keep the ${say(clock, 5)}`, rationale: `measured: the ${say(clock + 2, 10)} was slower` } };
      else if (r < 65) yield { ...base, type: 'discovery', data: { text: `The ${say(clock, 7)} misses when the ${say(clock + 3, 5)} is cold` } };
      else if (r < 80) yield { ...base, type: 'next', data: { text: `Write a test for the ${say(clock, 6)}` } };
      else if (r < 90) yield { ...base, type: 'item.linked', data: { key: `task:T-${clock % 997}`, action: r % 2 ? 'created' : 'updated' } };
      else yield { ...base, type: 'tool.used', data: { tool: 'Bash', success: true, durationMs: (clock * 31) % 900 } };
    }
  }
}

/** A repository holding `sessions` short sessions on replica benchreplica (this clone). */
export function makeShortSessionRepo(name, sessions) {
  const { commitMessage } = lib();
  const dir = scratch(name);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'initial');
  for (const [k, v] of [['logbook.replica', 'benchreplica'], ['user.name', 'Bench'], ['user.email', 'bench@example.com']]) git(dir, 'config', k, v);
  const ref = 'refs/logbook/replicas/benchreplica';
  const parts = [];
  for (const event of shortSessionEvents(sessions)) {
    const msg = Buffer.from(commitMessage(event));
    parts.push(Buffer.from(`commit ${ref}\ncommitter Bench <bench@example.com> ${Math.floor(Date.parse(event.at) / 1000)} +0000\ndata ${msg.length}\n`), msg, Buffer.from('deleteall\n\n'));
  }
  const r = spawnSync('git', ['fast-import', '--quiet', '--force'], { cwd: dir, input: Buffer.concat(parts), env: gitEnv, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`fast-import failed: ${r.stderr}`);
  return dir;
}

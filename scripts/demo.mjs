// A first journal, end to end: a fresh git repository, a session with every
// kind of entry, then what stock git sees and what an agent reads on resume.
// Usage: npm run demo [-- DIR]   (default: a new directory under the system temp dir)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'logbook.cjs');
const dir = process.argv[2] ? path.resolve(process.argv[2]) : mkdtempSync(path.join(os.tmpdir(), 'logbook-demo-'));
mkdirSync(dir, { recursive: true });

const sh = (cmd, args, show = true) => {
  if (show) process.stdout.write(`\n$ ${[cmd === process.execPath ? 'logbook' : cmd, ...(cmd === process.execPath ? args.slice(1) : args)].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
  const out = execFileSync(cmd, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Demo', GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'Demo', GIT_COMMITTER_EMAIL: 'demo@example.com' } });
  if (show) process.stdout.write(out);
  return out;
};
const logbook = (...args) => sh(process.execPath, [bin, ...args]);

sh('git', ['init', '-q', '-b', 'main'], false);
sh('git', ['commit', '-q', '--allow-empty', '-m', 'initial'], false);
console.log(`Demo repository: ${dir}`);
logbook('init');
logbook('start', '--name', 'fix-sweep', '--goal', 'Fix the race in the sweep trigger', '--task', 'T-42');
logbook('log', '--done', 'Reproduce the bug in a test');
logbook('log', '--decision', 'Lock before check', '--rationale', 'Simplest fix; the lock is uncontended');
logbook('log', '--discovery', 'chain_watcher must lock before sweeper', '--evidence', 'sweeper.go:245');
logbook('log', '--progress', 'Implement the fix', '--next', 'Add a regression test');
logbook('checkpoint', '--note', 'fix drafted');
sh('git', ['log', '--oneline', `refs/logbook/replicas/${sh('git', ['config', 'logbook.replica'], false).trim()}`]);
sh('git', ['fsck', '--strict', '--no-dangling']);
logbook('resume');
console.log(`\nDone. Try: cd ${dir} && ${bin} view`);

/**
 * Seed 002's example workflow through the built CLI and its hooks: Day 1
 * (init, log, discovery, checkpoint), a compaction (PreCompact, SessionStart
 * compact, PostCompact), Day 2 (resume, where you left off), completion
 * (close summary). The session file is checked against the seed's format
 * section by section; blocker numbers and the event count on the way.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ok, run, AGENT_FREE_ENV } from '../helpers/cli.js';
import { watchHookErrors } from '../helpers/hookErrors.js';
import { git, makeRepo } from '../helpers/repo.js';

const CLEAN = {
  ...AGENT_FREE_ENV,
};
const lb = (dir: string, args: string[]) => ok(dir, args, { env: CLEAN });
function hook(dir: string, event: string, fields: Record<string, unknown>): string {
  const payload = { session_id: 'cc-1', transcript_path: '/home/u/.claude/projects/p/cc-1.jsonl', cwd: dir, permission_mode: 'default', hook_event_name: event, ...fields };
  watchHookErrors(dir);
  const r = run(dir, ['hook', event], { input: JSON.stringify(payload), env: CLEAN });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** `## ` sections of a markdown file: heading -> body lines (without trailing blank lines). */
function sections(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) out.set(line.slice(3), (current = []));
    else current?.push(line);
  }
  for (const lines of out.values()) while (lines.length && lines.at(-1) === '') lines.pop();
  return out;
}

const T = String.raw`\(\d{4}-\d\d-\d\dT\d\d:\d\d\)`;

describe("seed 002's example workflow, end to end", () => {
  it('Day 1, compaction, Day 2, completion: the session file in the seed format, the close summary', () => {
    const dir = makeRepo();
    lb(dir, ['init']);

    // Day 1: starting work.
    const s = JSON.parse(lb(dir, ['start', '--task', 'fix-sweep-bug', '--name', 'fix-sweep-bug', '--title', 'Fix Sweep Trigger Bug', '--goal', 'Fix race condition causing intermittent sweep failures', '--json']));
    hook(dir, 'SessionStart', { source: 'startup' }); // Claude Code starts: the session is adopted
    lb(dir, ['context', '--file', 'sweep/sweeper.go - Main sweeper logic', '--file', 'contractcourt/chain_watcher.go - Triggers sweeps', '--fact', 'Race condition: state check before lock acquisition']);
    lb(dir, ['log', '--next', 'Reproduce bug in test', '--next', 'Identify root cause', '--next', 'Draft fix approach', '--next', 'Implement fix', '--next', 'Add regression test']);
    lb(dir, ['log', '--progress', 'Reproduce bug in test']);
    lb(dir, ['log', '--progress', 'TestSweepTrigger fails 1 run in 20']); // a note on the current step
    lb(dir, ['log', '--done', 'reproduce bug in test.']); // the same step, retyped
    lb(dir, ['log', '--progress', 'Identify root cause']);
    lb(dir, ['log', '--progress', 'Found root cause: race condition in sweeper.go:245']);
    lb(dir, ['log', '--discovery', 'State check happens before lock acquisition']);
    lb(dir, ['log', '--blocker', 'Waiting on API docs']);
    lb(dir, ['log', '--blocker', 'CI runner offline']);
    lb(dir, ['log', '--resolve', '2', '--note', 'runner back']);
    // A retried command does not resolve another blocker: #2 is resolved, and the error says when.
    const again = run(dir, ['log', '--resolve', '2'], { env: CLEAN });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/blocker #2 of s_\w{4} \(CI runner offline\) was already resolved at \d{4}-\d\d-\d\dT[\d:.]+Z/);
    expect(again.stderr).toContain('#1 Waiting on API docs');
    lb(dir, ['log', '--resolve', '1', '--note', 'docs arrived']); // #1 is still #1
    lb(dir, ['checkpoint', '--note', 'Found race condition. Ready to implement fix.']);

    // Context compaction occurs.
    hook(dir, 'PreCompact', { trigger: 'auto', custom_instructions: '' });
    hook(dir, 'PostCompact', { trigger: 'auto', compact_summary: 'Investigating sweep trigger bug. Found race condition in sweeper.go:245.' });
    const injected = JSON.parse(hook(dir, 'SessionStart', { source: 'compact' })).hookSpecificOutput.additionalContext as string;
    expect(injected).toContain('**Where you left off**: Found race condition. Ready to implement fix.');
    expect(injected).not.toContain('before auto compaction');
    hook(dir, 'SessionEnd', { reason: 'exit' });

    // Day 2: resuming work.
    const resume = lb(dir, ['resume']);
    expect(resume).toContain('1 compaction(s)');
    expect(resume).toContain('**Where you left off**: Found race condition. Ready to implement fix.');
    expect(resume).not.toContain('conversation ended');
    expect(resume).toContain('**Current**: Identify root cause (step 2)');
    lb(dir, ['log', '--done', 'Identify root cause']);
    lb(dir, ['log', '--done', 'Draft fix approach', '--decision', 'Lock-first approach', '--rationale', 'Simplest fix, performance impact minimal', '--option', 'Lock before check', '--option', 'Atomic state', '--option', 'Separate mutex']);
    lb(dir, ['log', '--progress', 'Implement fix']);
    lb(dir, ['log', '--next', 'Document lock ordering in CONTRIBUTING.md']);

    // The session file, section by section against the seed's format.
    const file = lb(dir, ['view']);
    const fm = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(file)![1]!) as Record<string, unknown>;
    for (const key of ['id', 'shortname', 'status', 'task_ids', 'created_at', 'updated_at', 'compaction_count', 'git_branch', 'git_last_commit']) expect(fm).toHaveProperty(key);
    expect(fm).toMatchObject({ id: s.id, shortname: 'fix-sweep-bug', status: 'active', task_ids: ['fix-sweep-bug'], compaction_count: 1, git_branch: 'main' });
    expect(file).toContain('\n# Session: Fix Sweep Trigger Bug\n');
    const sec = sections(file);
    expect([...sec.keys()]).toEqual(['TL;DR (Read This First)', 'Context', 'Progress', 'Decisions', 'Discoveries', 'Blockers', 'Next Steps', 'Timeline', 'Linked Items']);
    const tldr = sec.get('TL;DR (Read This First)')!;
    expect(tldr.slice(-3)).toEqual(['**Progress**: 3/6 steps complete', '**Current**: Implement fix (step 4)', '**Blocker**: None']);
    expect(tldr[0]).toMatch(/^Fix race condition causing intermittent sweep failures\. Last done: Draft fix approach\. Currently: Implement fix\. Next: /);
    expect(sec.get('Context')).toEqual([
      '**Objective**: Fix race condition causing intermittent sweep failures',
      '',
      '**Key Files**:',
      '- `sweep/sweeper.go` - Main sweeper logic',
      '- `contractcourt/chain_watcher.go` - Triggers sweeps',
      '',
      '**Key Context** (survives compaction):',
      '- Race condition: state check before lock acquisition',
    ]);
    const progress = sec.get('Progress')!.join('\n');
    expect(progress).toMatch(
      new RegExp(
        [
          '^### Completed',
          `- \\[x\\] Reproduce bug in test ${T}`,
          `  - TestSweepTrigger fails 1 run in 20 ${T}`,
          `- \\[x\\] Identify root cause ${T}`,
          `  - Found root cause: race condition in sweeper.go:245 ${T}`,
          `- \\[x\\] Draft fix approach ${T}`,
          '',
          '### In Progress',
          `- \\[ \\] Implement fix ${T} +<- CURRENT`,
          '',
          '### Remaining',
          '- \\[ \\] Add regression test',
          '- \\[ \\] Document lock ordering in CONTRIBUTING.md$',
        ].join('\n'),
      ),
    );
    expect(sec.get('Decisions')!.join('\n')).toMatch(
      new RegExp(`^### 1\\. Lock-first approach ${T}\n\\*\\*Options\\*\\*: \\(1\\) Lock before check, \\(2\\) Atomic state, \\(3\\) Separate mutex\n\\*\\*Choice\\*\\*: Lock-first approach\n\\*\\*Rationale\\*\\*: Simplest fix, performance impact minimal$`),
    );
    expect(sec.get('Discoveries')!.join('\n')).toMatch(new RegExp(`^1\\. State check happens before lock acquisition ${T}$`));
    expect(sec.get('Blockers')!.join('\n')).toMatch(new RegExp(`^- \\[x\\] #1 ~~Waiting on API docs~~ \\(resolved \\S+: docs arrived\\)\n- \\[x\\] #2 ~~CI runner offline~~ \\(resolved \\S+: runner back\\)$`));
    expect(sec.get('Next Steps')).toEqual(['1. Implement fix', '2. Add regression test', '3. Document lock ordering in CONTRIBUTING.md']);
    const timeline = sec.get('Timeline')!.join('\n');
    expect(timeline).toMatch(/checkpoint: Found race condition\. Ready to implement fix\.\n.+checkpoint \(auto\): before auto compaction\n.+compaction #1 \(auto\): Investigating sweep trigger bug\. Found race condition in sweeper\.go:245\.\n.+checkpoint \(auto\): claude-code conversation ended \(exit\)/);

    // Completing work.
    lb(dir, ['log', '--done', 'Implement fix']);
    lb(dir, ['log', '--done', 'Add regression test', '--done', 'Document lock ordering in CONTRIBUTING.md']);
    const closed = lb(dir, ['close', '--complete', '--summary', 'Fixed race condition in sweep trigger']);
    expect(closed).toMatch(/^Session Completed: fix-sweep-bug \(s_\w{4}\)\n {3}Duration: \d+[smhd]( \d+[smhd])?\n {3}Compactions: 1\n {3}Progress: 6\/6 steps\n/);
    expect(closed).toContain('   ## Summary\n   Fixed race condition in sweep trigger\n');
    expect(closed).toContain('   ## Decisions Made\n   1 decision recorded\n');
    expect(closed).toContain('   ## Discoveries\n   1 discovery logged\n');
    expect(closed).toContain('   Linked task fix-sweep-bug: completed\n');
    const archived = lb(dir, ['view', s.stable]);
    expect(archived).not.toContain('<- CURRENT');
    expect(archived).toContain('**Current**: none');

    // One event count: stats, rebuild and the commits on the journal refs agree (messages and project state included).
    lb(dir, ['message', 'send', '--to', 'Ada Lovelace', 'Well done']);
    lb(dir, ['state', 'set', '--focus', 'next bug']);
    const commits = git(dir, 'for-each-ref', '--format=%(refname)', 'refs/logbook/').trim().split('\n').reduce((n, ref) => n + Number(git(dir, 'rev-list', '--count', ref).trim()), 0);
    const rebuilt = Number(/from (\d+) event\(s\)/.exec(lb(dir, ['rebuild']))![1]);
    expect(JSON.parse(lb(dir, ['stats', '--json'])).events).toBe(rebuilt);
    expect(lb(dir, ['stats'])).toContain(`Events: ${rebuilt}`);
    expect(rebuilt).toBe(commits);
    expect(readFileSync(path.join(dir, `.logbook/sessions/archive/fix-sweep-bug-${s.suffix}.md`), 'utf8')).toContain('**Progress**: 6/6 steps complete');
  });
});

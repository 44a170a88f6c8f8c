/**
 * The close summary of seed 002's `/session-close` (SPEC 6): outcome,
 * duration, compactions, steps done of total, decisions and discoveries
 * recorded, tasks completed. A plain view object (what MCP `close` returns)
 * and its text (what `logbook close` prints). Pure.
 */
import { taskKey } from '../src/events.js';
import { activeDecisions, progressFraction, type Session } from './sessions.js';
import { formatDuration } from './stats.js';

export interface CloseSummary {
  id: string;
  stable_id: string;
  shortname: string;
  title: string;
  outcome: 'completed' | 'abandoned';
  closed_at: string;
  duration_ms: number;
  duration: string;
  compactions: number;
  steps: { done: number; total: number };
  decisions: number;
  discoveries: number;
  /** Item keys of the tasks this close completed. */
  tasks_completed: string[];
  reason?: string;
  summary?: string;
  learnings: string[];
}

/** The summary of a closed session; undefined while it is open. */
export function closeSummary(s: Session): CloseSummary | undefined {
  const c = s.closed;
  if (!c) return undefined;
  const ms = Math.max(0, Date.parse(c.at) - Date.parse(s.createdAt));
  return {
    id: s.id,
    stable_id: s.stable,
    shortname: s.shortname,
    title: s.title,
    outcome: c.outcome,
    closed_at: c.at,
    duration_ms: ms,
    duration: formatDuration(ms),
    compactions: s.compactionCount,
    steps: progressFraction(s),
    decisions: activeDecisions(s).length,
    discoveries: s.discoveries.length,
    tasks_completed: c.tasksCompleted.map(taskKey),
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.summary ? { summary: c.summary } : {}),
    learnings: [...c.learnings],
  };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The summary as seed 002 prints it. */
export function renderCloseSummary(c: CloseSummary): string {
  const lines = [
    `Session ${c.outcome === 'completed' ? 'Completed' : 'Abandoned'}: ${c.shortname} (${c.stable_id})`,
    `   Duration: ${c.duration}`,
    `   Compactions: ${c.compactions}`,
    `   Progress: ${c.steps.done}/${c.steps.total} steps`,
  ];
  if (c.reason) lines.push('', '   ## Reason', `   ${c.reason}`);
  if (c.summary) lines.push('', '   ## Summary', `   ${c.summary}`);
  lines.push('', '   ## Decisions Made', `   ${plural(c.decisions, 'decision', 'decisions')} recorded`);
  lines.push('', '   ## Discoveries', `   ${plural(c.discoveries, 'discovery', 'discoveries')} logged`);
  if (c.learnings.length) lines.push('', '   ## Learnings', ...c.learnings.map((l) => `   - ${l}`));
  lines.push('', ...(c.tasks_completed.length ? c.tasks_completed.map((t) => `   Linked ${t.replace(/^task:/, 'task ')}: completed`) : ['   No linked task completed']));
  return `${lines.join('\n')}\n`;
}

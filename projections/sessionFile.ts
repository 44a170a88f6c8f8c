/**
 * The session file of seed 002: YAML frontmatter plus the sections TL;DR,
 * Context, Progress, Decisions, Discoveries, Blockers, Next Steps — rendered
 * from the session model. Pure and deterministic: same session, same bytes.
 */
import { commitLines, type CommitView } from './commits.js';
import { stringify as yamlStringify } from 'yaml';
import { eventSummary, type JournalEvent } from '../src/events.js';
import { tldr } from './resume.js';
import { flagged } from './registry.js';
import { openNext, orderedSteps, type Session, type Step } from './sessions.js';
import { inline, inlineAll } from './text.js';
import { plainYaml } from './yamlPlain.js';
import { isoMinute as minute } from './time.js';


export function frontmatter(s: Session): Record<string, unknown> {
  return {
    id: s.id,
    stable_id: s.stable,
    shortname: s.shortname,
    title: s.title,
    status: s.status,
    task_ids: s.taskIds,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    compaction_count: s.compactionCount,
    git_branch: s.gitBranch ?? null,
    git_last_commit: s.gitCommit ?? null,
    ...(s.parent ? { parent: s.parent } : {}),
    ...(s.group ? { group: s.group } : {}),
    ...(Object.keys(s.meta).length ? { meta: s.meta } : {}),
  };
}

/** The frontmatter as YAML: written directly where every value is plain, else by the yaml package (the same bytes either way). */
const frontmatterYaml = (fm: Record<string, unknown>): string => plainYaml(fm) ?? yamlStringify(fm, { lineWidth: 0 });

/** `path - what it is` keeps the description outside the code span, as seed 002 writes it. */
function keyFileLine(f: string): string {
  const m = /^(\S+)\s+[-—]\s+(.+)$/.exec(f);
  return m ? `- \`${m[1]}\` - ${m[2]}` : `- \`${f}\``;
}

export function contextSection(s: Session): string[] {
  const lines = [`**Objective**: ${s.context.objective ?? s.goal ?? s.title}`];
  if (s.context.keyFiles.length) lines.push('', '**Key Files**:', ...s.context.keyFiles.map(keyFileLine));
  if (s.context.keyFacts.length) lines.push('', '**Key Context** (survives compaction):', ...s.context.keyFacts.map((f) => `- ${f}`));
  return lines;
}

/** A step's notes, indented under it. */
const notesOf = (st: Step) => st.notes.map((n) => `  - ${n.text.replace(/\s+/g, ' ').trim()} (${minute(n.at)})`);

/** Completed, In Progress (the one current step, `<- CURRENT`) and Remaining, each step once with its notes under it. */
export function progressSection(s: Session): string[] {
  const { done, current, remaining } = orderedSteps(s);
  return [
    '### Completed',
    ...(done.length ? done.flatMap((st) => [`- [x] ${st.text} (${minute(st.doneAt ?? st.at)})`, ...notesOf(st)]) : ['- None yet']),
    '',
    '### In Progress',
    ...(current ? [`- [ ] ${current.text} (${minute(current.at)})          <- CURRENT`, ...notesOf(current)] : ['- None']),
    '',
    '### Remaining',
    ...(remaining.length ? remaining.flatMap((st) => [`- [ ] ${st.text}`, ...notesOf(st)]) : ['- None']),
  ];
}

export function decisionsSection(s: Session): string[] {
  if (!s.decisions.length) return ['- None yet'];
  const lines: string[] = [];
  s.decisions.forEach((d, i) => {
    const superseded = d.supersededBy ? ` — superseded by #${s.decisions.findIndex((x) => x.id === d.supersededBy) + 1}` : '';
    lines.push(`### ${i + 1}. ${d.text} (${minute(d.at)})${superseded}`);
    if (d.options?.length) lines.push(`**Options**: ${d.options.map((o, j) => `(${j + 1}) ${o}`).join(', ')}`);
    lines.push(`**Choice**: ${d.text}`);
    lines.push(`**Rationale**: ${d.rationale ?? 'not recorded'}`);
    if (d.supersedes) lines.push(`**Supersedes**: #${s.decisions.findIndex((x) => x.id === d.supersedes) + 1}`);
    lines.push('');
  });
  return lines.slice(0, -1);
}

export function discoveriesSection(s: Session): string[] {
  if (!s.discoveries.length) return ['- None yet'];
  return s.discoveries.map((d, i) => `${i + 1}. ${d.text} (${minute(d.at)})${d.evidence ? `. Evidence: ${d.evidence}` : ''}`);
}

export function blockersSection(s: Session): string[] {
  if (!s.blockers.length) return ['- None currently'];
  return s.blockers.map((b) =>
    b.resolvedAt ? `- [x] #${b.number} ~~${b.text}~~ (resolved ${minute(b.resolvedAt)}${b.resolution ? `: ${b.resolution}` : ''})` : `- [ ] #${b.number} ${b.text} (since ${minute(b.at)})`,
  );
}

export function nextStepsSection(s: Session): string[] {
  const open = openNext(s);
  return open.length ? open.map((n, i) => `${i + 1}. ${n.text}`) : ['- None recorded'];
}

const oneLine = (t: string) => t.replace(/\s+/g, ' ').trim();

/** Checkpoints, pauses, resumes and compactions (with their summaries), oldest first; hook-written notes marked `(auto)`. */
export function timelineSection(s: Session): string[] {
  return s.timeline.map((t) => {
    const what =
      t.kind === 'compaction' ? `compaction #${t.number ?? '?'}${t.trigger && t.trigger !== 'unknown' ? ` (${t.trigger})` : ''}` : t.kind === 'pause' ? 'paused' : t.kind === 'resume' ? 'resumed' : 'checkpoint';
    return `- ${minute(t.at)} ${what}${t.auto ? ' (auto)' : ''}${t.note ? `: ${oneLine(t.note)}` : ''}`;
  });
}

export function subsessionsSection(s: Session): string[] {
  return s.subsessions.map(
    (b) => `- ${b.sub}: ${b.name} (${minute(b.startedAt)}${b.endedAt ? ` – ${minute(b.endedAt)}` : ', open'})${b.summary ? ` — ${b.summary}` : ''}`,
  );
}

export function itemsSection(items: ReadonlyArray<{ key: string; status: string; note?: string }>): string[] {
  return items.map((i) => `- ${i.key} (${i.status})${i.note ? `: ${i.note}` : ''}`);
}

export interface SessionFileOptions {
  /** Items whose chain currently ends in this session; rendered as a Linked Items section when given and not empty. */
  items?: ReadonlyArray<{ key: string; status: string; note?: string }>;
  /** The session's commits, newest first (projections/commits.ts); a Commits section when not empty. */
  commits?: readonly CommitView[];
}

/**
 * What `view` prints (CLI and MCP alike): the whole session file, or only
 * the sections asked for (progress, decisions), text escaped as in the file.
 */
export function renderSessionView(raw: Session, options: SessionFileOptions & { only?: ReadonlyArray<'progress' | 'decisions'> } = {}): string {
  const { only, ...file } = options;
  if (!only?.length) return renderSessionFile(raw, file);
  const s = inlineAll(raw);
  const parts: string[] = [];
  if (only.includes('progress')) parts.push(`## Progress\n${progressSection(s).join('\n')}\n`);
  if (only.includes('decisions')) parts.push(`## Decisions\n${decisionsSection(s).join('\n')}\n`);
  return parts.join('\n');
}

export function renderSessionFile(raw: Session, rawOptions: SessionFileOptions = {}): string {
  const [s, options] = [inlineAll(raw), inlineAll(rawOptions)]; // user text: one line each, controls escaped (projections/text.ts)
  const parts = [
    `---\n${frontmatterYaml(frontmatter(s))}---`,
    `# Session: ${s.title}`,
    `## TL;DR (Read This First)\n${tldr(s)}`,
    `## Context\n${contextSection(s).join('\n')}`,
    `## Progress\n${progressSection(s).join('\n')}`,
    `## Decisions\n${decisionsSection(s).join('\n')}`,
    `## Discoveries\n${discoveriesSection(s).join('\n')}`,
    `## Blockers\n${blockersSection(s).join('\n')}`,
    `## Next Steps\n${nextStepsSection(s).join('\n')}`,
  ];
  if (s.timeline.length) parts.push(`## Timeline\n${timelineSection(s).join('\n')}`);
  if (s.subsessions.length) parts.push(`## Work Blocks\n${subsessionsSection(s).join('\n')}`);
  if (options.items?.length) parts.push(`## Linked Items\n${itemsSection(options.items).join('\n')}`);
  if (options.commits?.length) parts.push(`## Commits\n${commitLines(options.commits, s.id).join('\n')}`);
  if (s.closed) {
    const c = s.closed;
    const lines = [`**Outcome**: ${c.outcome} (${minute(c.at)})`];
    if (c.reason) lines.push(`**Reason**: ${c.reason}`);
    if (c.summary) lines.push(`**Summary**: ${c.summary}`);
    if (c.learnings.length) lines.push('**Learnings**:', ...c.learnings.map((l) => `- ${l}`));
    parts.push(`## Outcome\n${lines.join('\n')}`);
  }
  return `${parts.join('\n\n')}\n`;
}

/** Event kinds that are bookkeeping rather than work, left out of the progress log. */
const QUIET = flagged({
  'session.started': false,
  'session.paused': false,
  'session.resumed': false,
  'session.checkpointed': false,
  'session.compacted': false,
  'session.closed': false,
  'subsession.started': false,
  'subsession.ended': false,
  progress: false,
  decision: false,
  discovery: false,
  blocker: false,
  'blocker.resolved': false,
  next: false,
  context: false,
  'item.linked': false,
  'items.migrated': false,
  'agent.started': false,
  'agent.finished': false,
  'tool.used': true,
  'transcript.linked': false,
  'message.sent': false,
  'message.read': true,
  'state.set': false,
  redaction: true,
  'commit.linked': false,
});

/** White space runs as one space, none at either end; most text is so already, and is returned as it is. */
const oneSpaced = (t: string) => (/[^\S ]| {2}|^ | $/.test(t) ? t.replace(/\s+/g, ' ').trim() : t);

/**
 * `sessions/journal/<suffix>/progress.md`, the quick context file: the TL;DR,
 * the open next steps and the session's log, one timestamped line per event.
 * `events` are the ordered events of this session.
 */
export function renderProgressFile(raw: Session, events: readonly JournalEvent[]): string {
  const s = inlineAll(raw);
  const log = events.filter((e) => !QUIET.has(e.type)).map((e) => {
    const text = inline(oneSpaced(eventSummary(e)));
    return `- ${minute(e.at)} ${e.type}${text ? `: ${text}` : ''}`;
  });
  const tools = s.tools.calls ? [`_${s.tools.calls} tool call(s), ${s.tools.failures} failed._`] : [];
  return `${[
    `# Progress: ${s.title}`,
    `${s.id} (${s.stable}, ${s.shortname}) · ${s.status} · started ${minute(s.createdAt)} · updated ${minute(s.updatedAt)}`,
    `## TL;DR\n${tldr(s)}`,
    `## Next Steps\n${nextStepsSection(s).join('\n')}`,
    `## Log\n${[...(log.length ? log : ['- Nothing logged yet']), ...(tools.length ? ['', ...tools] : [])].join('\n')}`,
  ].join('\n\n')}\n`;
}

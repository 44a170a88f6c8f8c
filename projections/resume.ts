/**
 * The resume context: what an agent reads after a compaction or in a new
 * session. Built as prioritised sections and fitted to a character budget by
 * dropping the least important sections (then the oldest lines of a section)
 * first, never by cutting a line in half. Pure.
 */
import { activeDecisions, openBlockers, progressFraction, type Message, type Session } from './sessions.js';
import { minute as day } from './time.js';

export const DEFAULT_BUDGET = 10_000;

export interface ResumeInput {
  session: Session;
  /** Messages addressed to this session (or its actor) not yet read. */
  messages?: Message[];
  /** Open items linked to the session: key and latest action. */
  items?: Array<{ key: string; status: string; note?: string }>;
  /** The session's commits, newest first: one line each (projections/commits.ts). */
  commits?: string[];
  budget?: number;
}

interface Section {
  title: string;
  /** Lower is more important; dropped last. */
  priority: number;
  lines: string[];
  /** Which end loses lines first when the section must shrink (oldest entries, or the last of a list); whole-only when absent. */
  trim?: 'start' | 'end';
}


export function tldr(s: Session): string {
  const { done, total } = progressFraction(s);
  const current = s.steps.find((st) => st.key === s.currentStep);
  const blockers = openBlockers(s);
  const lastDone = [...s.steps].reverse().find((st) => st.status === 'done');
  const nextOpen = s.next.find((n) => !n.done);
  const parts = [s.goal ?? s.context.objective ?? s.title];
  if (lastDone) parts.push(`Last done: ${lastDone.text}.`);
  if (current) parts.push(`Currently: ${current.text}.`);
  if (nextOpen) parts.push(`Next: ${nextOpen.text}.`);
  const para = parts.map((p) => p.trim().replace(/\s+/g, ' ')).map((p) => (/[.!?]$/.test(p) ? p : `${p}.`)).join(' ');
  return [
    para,
    '',
    `**Progress**: ${done}/${total} steps complete`,
    `**Current**: ${current ? current.text : 'none'}`,
    `**Blocker**: ${blockers.length ? `${blockers.at(-1)!.text}${blockers.length > 1 ? ` (+${blockers.length - 1} more)` : ''}` : 'None'}`,
  ].join('\n');
}

export function resumeSections(input: ResumeInput): Section[] {
  const s = input.session;
  const sections: Section[] = [];
  const header = [
    `# Resume: ${s.title}`,
    `Session ${s.id} (${s.stable}, ${s.shortname}) · ${s.status} · started ${day(s.createdAt)} · last activity ${day(s.updatedAt)}` +
      (s.compactionCount ? ` · ${s.compactionCount} compaction(s)` : ''),
  ];
  const block = s.subsessions.filter((b) => !b.endedAt).at(-1);
  if (block) header.push(`**Work block**: ${block.sub} ${block.name} (since ${day(block.startedAt)})`);
  // The note of the last pause or checkpoint is where the previous worker said they stopped.
  const lastNote = [...s.checkpoints].reverse().find((c) => c.note);
  if (lastNote) header.push(`**Where you left off**: ${lastNote.note!.replace(/\s+/g, ' ')} (${day(lastNote.at)})`);
  sections.push({ title: '', priority: 0, lines: header });
  sections.push({ title: 'TL;DR', priority: 0, lines: tldr(s).split('\n') });
  const blockers = openBlockers(s);
  if (blockers.length) sections.push({ title: 'Open blockers', priority: 1, trim: 'start', lines: blockers.map((b) => `- ${b.text} (since ${day(b.at)}, id ${b.id})`) });
  const next = s.next.filter((n) => !n.done);
  if (next.length) sections.push({ title: 'Next steps', priority: 1, trim: 'end', lines: next.map((n, i) => `${i + 1}. ${n.text}`) });
  const messages = input.messages ?? [];
  if (messages.length) sections.push({ title: 'Unread messages', priority: 1, lines: messages.map((m) => `- from ${m.from.name}${m.from.agent ? ` (${m.from.agent})` : ''} at ${day(m.at)}: ${m.text}`) });
  const ctx: string[] = [];
  if (s.context.objective) ctx.push(`**Objective**: ${s.context.objective}`);
  if (s.context.keyFiles.length) ctx.push('**Key files**:', ...s.context.keyFiles.map((f) => `- ${f}`));
  if (s.context.keyFacts.length) ctx.push('**Key facts**:', ...s.context.keyFacts.map((f) => `- ${f}`));
  if (ctx.length) sections.push({ title: 'Key context', priority: 2, trim: 'end', lines: ctx });
  const decisions = activeDecisions(s);
  if (decisions.length) {
    sections.push({
      title: 'Recent decisions',
      priority: 3,
      trim: 'start',
      lines: decisions.map((d) => `- ${d.text}${d.rationale ? ` — ${d.rationale}` : ''} (${day(d.at)})`),
    });
  }
  if (s.discoveries.length) {
    sections.push({ title: 'Recent discoveries', priority: 4, trim: 'start', lines: s.discoveries.map((d) => `- ${d.text}${d.evidence ? ` (evidence: ${d.evidence})` : ''}`) });
  }
  const items = input.items ?? [];
  if (items.length) sections.push({ title: 'Open linked items', priority: 4, trim: 'end', lines: items.map((i) => `- ${i.key} (${i.status})${i.note ? `: ${i.note}` : ''}`) });
  if (input.commits?.length) sections.push({ title: 'Recent commits', priority: 4, trim: 'end', lines: input.commits });
  const done = s.steps.filter((st) => st.status === 'done');
  const open = s.steps.filter((st) => st.status !== 'done');
  if (s.steps.length) {
    sections.push({
      title: 'Progress',
      priority: 5,
      trim: 'start',
      lines: [...done.map((st) => `- [x] ${st.text}`), ...open.map((st) => `- [ ] ${st.text}${st.key === s.currentStep ? '  <- CURRENT' : ''}`)],
    });
  }
  const lastCompaction = s.compactions.at(-1);
  if (lastCompaction?.summary) sections.push({ title: 'Last compaction summary', priority: 6, lines: lastCompaction.summary.split('\n') });
  return sections;
}

function render(sections: Section[]): string {
  return sections.map((sec) => (sec.title ? [`## ${sec.title}`, ...sec.lines] : sec.lines).join('\n')).join('\n\n') + '\n';
}

/** Render the resume context within `budget` characters. */
export function renderResume(input: ResumeInput): string {
  return fitResume(input).text;
}

/**
 * The resume context within `budget` characters, and the titles of the
 * sections left out (lower-cased; `older …` when only old lines were dropped),
 * so a caller knows what the reader actually saw (e.g. which messages to mark read).
 */
export function fitResume(input: ResumeInput): { text: string; omitted: string[] } {
  const budget = Math.max(200, input.budget ?? DEFAULT_BUDGET);
  // A single line longer than this (a pasted log) would crowd out everything else: it is shortened, visibly, and said so.
  const limit = Math.max(160, Math.floor(budget / 4));
  let clipped = false;
  let sections = resumeSections(input).map((s) => ({
    ...s,
    total: s.lines.length,
    lines: s.lines.map((l) => {
      if (l.length <= limit) return l;
      clipped = true;
      return `${l.slice(0, limit - 1)}…`;
    }),
  }));
  const dropped: string[] = [];
  const omitted = () => [
    ...(clipped ? ['the end of very long lines'] : []),
    ...sections.filter((s) => s.lines.length < s.total).map((s) => `${s.total - s.lines.length} of ${s.total} ${s.title.toLowerCase()}`),
    ...dropped,
  ];
  const note = () => {
    const o = omitted();
    return o.length ? `\n_Left out to fit ${budget} characters: ${o.join(', ')}. Run \`logbook view\` for everything._\n` : '';
  };
  const size = () => render(sections).length + note().length;
  // The least important section shrinks first, line by line from its less useful end, and goes
  // only when one line is left; a more important section is touched only when all below it are gone.
  while (size() > budget) {
    const candidates = sections.filter((s) => s.priority > 0);
    if (!candidates.length) break;
    const lowest = Math.max(...candidates.map((s) => s.priority));
    const tier = candidates.filter((s) => s.priority === lowest);
    // Within one priority, lists shrink together (the longest first); a section goes only when none can shrink.
    const shrinkable = tier.filter((s) => s.trim && s.lines.length > 1);
    const worst = shrinkable.length ? shrinkable.reduce((a, b) => (b.lines.length > a.lines.length ? b : a)) : tier.at(-1)!;
    if (worst.trim && worst.lines.length > 1) {
      worst.lines = worst.trim === 'start' ? worst.lines.slice(1) : worst.lines.slice(0, -1);
    } else {
      dropped.push(worst.title.toLowerCase());
      sections = sections.filter((s) => s !== worst);
    }
  }
  if (size() <= budget) return { text: render(sections) + note(), omitted: omitted() };
  // Only the header and the TL;DR are left and still too long: whole lines, as many as fit beside the note.
  dropped.push('the rest of the summary');
  const room = budget - note().length;
  const lines: string[] = [];
  let n = 0;
  for (const line of render(sections).split('\n')) {
    if (n + line.length + 1 > room) continue; // a shorter line further on (current step, blocker) may still fit
    lines.push(line);
    n += line.length + 1;
  }
  return { text: `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n${note()}`, omitted: omitted() };
}

/** Unread messages for a session: addressed to it, or to the given actor (name or email). */
export function unreadMessagesFor(messages: readonly Message[], session: Session, actor?: { name: string; email: string }): Message[] {
  return messages.filter(
    (m) =>
      !m.read &&
      ((m.to.session !== undefined && (m.to.session === session.id || m.to.session === session.stable)) ||
        (m.to.actor !== undefined && actor !== undefined && (m.to.actor === actor.name || m.to.actor === actor.email))),
  );
}

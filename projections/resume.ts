/**
 * The resume context: what an agent reads after a compaction or in a new
 * session. Built as prioritised sections and fitted to a character budget by
 * dropping the least important sections (then the oldest lines of a section)
 * first, never by cutting a line in half. Pure.
 */
import { isMessageFor } from './recipients.js';
import { activeDecisions, currentStepOf, openBlockers, openNext, orderedSteps, progressFraction, stepKey, type Message, type Session } from './sessions.js';
import { inlineAll, safeLines } from './text.js';
import { minute as day } from './time.js';

export const DEFAULT_BUDGET = 10_000;

export interface ResumeInput {
  session: Session;
  /** Messages addressed to this session (or its actor) not yet read. */
  messages?: Message[];
  /** Open items linked to the session: key and latest action. */
  items?: Array<{ key: string; status: string; note?: string }>;
  /** "Since you were last here": one line per change other sessions made (projections/since.ts), most important first. */
  since?: string[];
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
  /** Within a priority, once no list can shrink, the highest rank goes first (open blockers, rank 0, last). */
  rank?: number;
  /** Rendered on the line after the previous section, without a heading (parts of the header). */
  glue?: boolean;
}


/** The TL;DR paragraph: a hand-written one while the steps have not changed since, else made from the goal and the steps. */
function tldrParagraph(s: Session): string {
  if (s.context.summary && s.context.summaryFresh) return s.context.summary.trim().replace(/\s+/g, ' ');
  const current = currentStepOf(s)?.step;
  const lastDone = [...s.steps].reverse().find((st) => st.status === 'done');
  // The current step may be a `--next` not yet done: Next is what comes after it.
  const nextOpen = s.closed ? undefined : openNext(s).find((n) => !current || stepKey(n.text) !== current.key);
  const parts = [s.goal ?? s.context.objective ?? s.title];
  if (lastDone) parts.push(`Last done: ${lastDone.text}.`);
  if (current) parts.push(`Currently: ${current.text}.`);
  if (nextOpen) parts.push(`Next: ${nextOpen.text}.`);
  return parts.map((p) => p.trim().replace(/\s+/g, ' ')).map((p) => (/[.!?]$/.test(p) ? p : `${p}.`)).join(' ');
}

/** `#2 Waiting on API docs (+1 more)`: the latest open blocker, by the number it was raised with. */
export function blockerLine(s: Session): string {
  const blockers = openBlockers(s);
  const last = blockers.at(-1);
  return last ? `#${last.number} ${last.text}${blockers.length > 1 ? ` (+${blockers.length - 1} more)` : ''}` : 'None';
}

export function tldr(s: Session): string {
  const { done, total } = progressFraction(s);
  const current = currentStepOf(s);
  return [
    tldrParagraph(s),
    '',
    `**Progress**: ${done}/${total} steps complete`,
    `**Current**: ${current ? `${current.step.text} (step ${current.number})` : 'none'}`,
    `**Blocker**: ${blockerLine(s)}`,
  ].join('\n');
}

export function resumeSections(raw: ResumeInput): Section[] {
  const input = inlineAll(raw); // user text: one line each, controls escaped (projections/text.ts)
  const s = input.session;
  const sections: Section[] = [];
  // The header and the TL;DR are split by importance, so a small budget keeps the title, the
  // progress, current step and blocker lines and where you left off, and loses the rest first.
  sections.push({ title: '', priority: 0, lines: [`# Resume: ${s.title}`] });
  const about = [
    `Session ${s.id} (${s.stable}, ${s.shortname}) · ${s.status} · started ${day(s.createdAt)} · last activity ${day(s.updatedAt)}` +
      (s.compactionCount ? ` · ${s.compactionCount} compaction(s)` : ''),
  ];
  const block = s.subsessions.filter((b) => !b.endedAt).at(-1);
  if (block) about.push(`**Work block**: ${block.sub} ${block.name} (since ${day(block.startedAt)})`);
  sections.push({ title: 'session line', priority: 1, rank: 4, glue: true, lines: about });
  // The last thing a person or agent wrote (a step, a note, a checkpoint or pause note), never a hook's note.
  const last = s.lastWords;
  if (last) sections.push({ title: 'where you left off', priority: 1, rank: 2, glue: true, lines: [`**Where you left off**: ${last.text.replace(/\s+/g, ' ')} (${day(last.at)})`] });
  const [paragraph, , ...status] = tldr(s).split('\n');
  sections.push({ title: 'TL;DR', priority: 1, rank: 5, lines: [paragraph!] });
  sections.push({ title: '', priority: 0, lines: status });
  const blockers = openBlockers(s);
  if (blockers.length) sections.push({ title: 'Open blockers', priority: 1, trim: 'start', lines: blockers.map((b) => `- #${b.number} ${b.text} (since ${day(b.at)})`) });
  const next = openNext(s);
  if (next.length) sections.push({ title: 'Next steps', priority: 1, rank: 3, trim: 'end', lines: next.map((n, i) => `${i + 1}. ${n.text}`) });
  const messages = input.messages ?? [];
  if (messages.length) sections.push({ title: 'Unread messages', priority: 1, rank: 1, lines: messages.map((m) => `- from ${m.from.name}${m.from.agent ? ` (${m.from.agent})` : ''} at ${day(m.at)}: ${m.text}`) });
  // Below the session's own TL;DR, current step and blockers: it shrinks from its end, then goes, before any of them.
  if (input.since?.length) sections.push({ title: 'Since you were last here', priority: 3, trim: 'end', lines: input.since });
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
  const { done, current, remaining } = orderedSteps(s);
  if (s.steps.length) {
    sections.push({
      title: 'Progress',
      priority: 5,
      trim: 'start',
      lines: [
        ...done.map((st) => `- [x] ${st.text}`),
        ...(current ? [`- [ ] ${current.text}  <- CURRENT`, ...current.notes.map((n) => `  - ${n.text.replace(/\s+/g, ' ').trim()} (${day(n.at)})`)] : []),
        ...remaining.map((st) => `- [ ] ${st.text}`),
      ],
    });
  }
  const lastCompaction = s.compactions.at(-1);
  const summary = raw.session.compactions.at(-1)?.summary; // keeps its lines, none of which can open a section
  if (lastCompaction?.summary && summary) sections.push({ title: 'Last compaction summary', priority: 6, lines: safeLines(summary) });
  return sections;
}

function render(sections: Section[]): string {
  let out = '';
  for (const sec of sections) {
    const body = (sec.title && !sec.glue ? [`## ${sec.title}`, ...sec.lines] : sec.lines).join('\n');
    out += out ? `${sec.glue ? '\n' : '\n\n'}${body}` : body;
  }
  return `${out}\n`;
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
  // The note says what was left out; where listing it would take much of a small budget, only how much.
  const note = () => {
    const o = omitted();
    if (!o.length) return '';
    const full = `\n_Left out to fit ${budget} characters: ${o.join(', ')}. Run \`logbook view\` for everything._\n`;
    return full.length <= Math.max(90, budget / 4) ? full : `\n_Left out to fit ${budget} characters: ${o.length} part(s); \`logbook view\` shows all._\n`;
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
    type Section = (typeof sections)[number];
    const shrinkable = tier.filter((s) => s.trim && s.lines.length > 1);
    // Then whole sections go by rank (the TL;DR paragraph before next steps, open blockers last), else the last one.
    const rank = (x: Section) => x.rank ?? 0;
    const worst = shrinkable.length ? shrinkable.reduce((a, b) => (b.lines.length > a.lines.length ? b : a)) : tier.reduce((a, b) => (rank(b) >= rank(a) ? b : a));
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
  return messages.filter((m) => !m.read && isMessageFor(m, session, actor));
}

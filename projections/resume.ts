/**
 * The resume context: what an agent reads after a compaction or in a new
 * session. Built as prioritised sections and fitted to a character budget by
 * dropping the least important sections (then the oldest lines of a section)
 * first, never by cutting a line in half. Pure.
 */
import { activeDecisions, openBlockers, progressFraction, type Message, type Session } from './sessions.js';

export const DEFAULT_BUDGET = 10_000;

export interface ResumeInput {
  session: Session;
  /** Messages addressed to this session (or its actor) not yet read. */
  messages?: Message[];
  /** Open items linked to the session: key and latest action. */
  items?: Array<{ key: string; status: string; note?: string }>;
  budget?: number;
}

interface Section {
  title: string;
  /** Lower is more important; dropped last. */
  priority: number;
  lines: string[];
  /** Lines may be dropped from the start (oldest first) to fit. */
  trimmable?: boolean;
}

const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');

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
    `**Blocker**: ${blockers.length ? blockers.map((b) => b.text).join('; ') : 'None'}`,
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
  if (blockers.length) sections.push({ title: 'Open blockers', priority: 1, lines: blockers.map((b) => `- ${b.text} (since ${day(b.at)}, id ${b.id})`) });
  const next = s.next.filter((n) => !n.done);
  if (next.length) sections.push({ title: 'Next steps', priority: 1, lines: next.map((n, i) => `${i + 1}. ${n.text}`) });
  const messages = input.messages ?? [];
  if (messages.length) sections.push({ title: 'Unread messages', priority: 1, lines: messages.map((m) => `- from ${m.from.name}${m.from.agent ? ` (${m.from.agent})` : ''} at ${day(m.at)}: ${m.text}`) });
  const ctx: string[] = [];
  if (s.context.objective) ctx.push(`**Objective**: ${s.context.objective}`);
  if (s.context.keyFiles.length) ctx.push('**Key files**:', ...s.context.keyFiles.map((f) => `- ${f}`));
  if (s.context.keyFacts.length) ctx.push('**Key facts**:', ...s.context.keyFacts.map((f) => `- ${f}`));
  if (ctx.length) sections.push({ title: 'Key context', priority: 2, lines: ctx });
  const decisions = activeDecisions(s);
  if (decisions.length) {
    sections.push({
      title: 'Recent decisions',
      priority: 3,
      trimmable: true,
      lines: decisions.map((d) => `- ${d.text}${d.rationale ? ` — ${d.rationale}` : ''} (${day(d.at)})`),
    });
  }
  if (s.discoveries.length) {
    sections.push({ title: 'Recent discoveries', priority: 4, trimmable: true, lines: s.discoveries.map((d) => `- ${d.text}${d.evidence ? ` (evidence: ${d.evidence})` : ''}`) });
  }
  const items = input.items ?? [];
  if (items.length) sections.push({ title: 'Open linked items', priority: 4, trimmable: true, lines: items.map((i) => `- ${i.key} (${i.status})${i.note ? `: ${i.note}` : ''}`) });
  const done = s.steps.filter((st) => st.status === 'done');
  const open = s.steps.filter((st) => st.status !== 'done');
  if (s.steps.length) {
    sections.push({
      title: 'Progress',
      priority: 5,
      trimmable: true,
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
  // A single line longer than a quarter of the budget (a pasted log) would crowd out everything else: it is shortened, visibly, and said so.
  const limit = Math.floor(budget / 4);
  let clipped = false;
  let sections = resumeSections(input).map((s) => ({
    ...s,
    lines: s.lines.map((l) => {
      if (l.length <= limit) return l;
      clipped = true;
      return `${l.slice(0, limit - 1)}…`;
    }),
  }));
  const omitted: string[] = clipped ? ['the end of very long lines'] : [];
  const note = () => (omitted.length ? `\n_Left out to fit ${budget} characters: ${omitted.join(', ')}. Run \`logbook view\` for everything._\n` : '');
  const size = () => render(sections).length + note().length;
  while (size() > budget) {
    const candidates = sections.filter((s) => s.priority > 0);
    if (!candidates.length) break;
    const worst = candidates.reduce((a, b) => (b.priority > a.priority || (b.priority === a.priority && sections.indexOf(b) > sections.indexOf(a)) ? b : a));
    if (worst.trimmable && worst.lines.length > 1) {
      const label = `older ${worst.title.toLowerCase()}`;
      if (!omitted.includes(label)) omitted.push(label);
      worst.lines = worst.lines.slice(1);
    } else {
      const older = omitted.indexOf(`older ${worst.title.toLowerCase()}`);
      if (older >= 0) omitted.splice(older, 1);
      omitted.push(worst.title.toLowerCase());
      sections = sections.filter((s) => s !== worst);
    }
  }
  let out = render(sections) + note();
  if (out.length > budget) {
    // Only the header and TL;DR are left and still too long: keep whole lines that fit.
    const lines: string[] = [];
    let n = 0;
    for (const line of out.split('\n')) {
      if (n + line.length + 1 > budget) break;
      lines.push(line);
      n += line.length + 1;
    }
    out = lines.join('\n');
  }
  return { text: out, omitted };
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

/**
 * The `log` request: which events one `logbook log` (or MCP `log`, or HTTP
 * body) records in an open session, and how its references to earlier
 * decisions and blockers are resolved. Pure: the caller appends the drafts.
 */
import { LogbookError } from '../errors.js';
import type { Draft, EventData } from '../events.js';
import { openBlockers, type Blocker, type Session } from '../../projections/sessions.js';
import { many, nonEmpty } from './input.js';
import type { LogRequest } from './requests.js';

/** What `log` records: the request (./requests.ts) without the session it goes to. */
export type LogOptions = Omit<LogRequest, 'session'>;

/** The drafts `options` ask for in session `s`; bad input is a LogbookError and nothing is written. */
export function logDrafts(s: Session, options: LogOptions): Draft[] {
  const drafts: Draft[] = [];
  const session = s.id;
  const all = (v: string | string[] | undefined, flag: string) => many(v).map((x) => nonEmpty(x, flag)!);
  const progress = all(options.progress, '--progress');
  const done = all(options.done, '--done');
  const decisions = all(options.decision, '--decision');
  const discoveries = all(options.discovery, '--discovery');
  const resolves = many(options.resolve);
  const step = nonEmpty(options.step, '--step');
  const onlyOne = (flag: string, of: string, n: number) => {
    if (n > 1) throw new LogbookError('INVALID_INPUT', `${flag} applies to one ${of}, got ${n}`, { hint: `log each ${of} with its own ${flag} in a separate command` });
  };
  if (step) onlyOne('--step', '--progress/--done', progress.length + done.length);
  for (const text of progress) drafts.push({ type: 'progress', session, data: { text, status: 'current', ...(step ? { step } : {}) } });
  for (const text of done) drafts.push({ type: 'progress', session, data: { text, status: 'done', ...(step && !progress.length ? { step } : {}) } });
  if (decisions.length) {
    if (options.rationale !== undefined || options.options?.length || options.supersedes !== undefined) onlyOne('--rationale/--option/--supersedes', '--decision', decisions.length);
    for (const text of decisions) {
      const data: EventData<'decision'> = { text };
      if (options.rationale !== undefined) data.rationale = nonEmpty(options.rationale, '--rationale');
      if (options.options?.length) data.options = options.options;
      if (options.supersedes !== undefined) data.supersedes = findDecision(s, String(options.supersedes));
      drafts.push({ type: 'decision', session, data });
    }
  } else if (options.rationale !== undefined || options.supersedes !== undefined) {
    throw new LogbookError('INVALID_INPUT', '--rationale and --supersedes belong to a --decision', { hint: 'add --decision "what was decided"' });
  }
  if (discoveries.length) {
    if (options.evidence !== undefined) onlyOne('--evidence', '--discovery', discoveries.length);
    for (const text of discoveries) drafts.push({ type: 'discovery', session, data: { text, ...(options.evidence ? { evidence: options.evidence } : {}) } });
  } else if (options.evidence !== undefined) throw new LogbookError('INVALID_INPUT', '--evidence belongs to a --discovery', { hint: 'add --discovery "what was found"' });
  for (const text of all(options.blocker, '--blocker')) drafts.push({ type: 'blocker', session, data: { text } });
  const resolved = new Set<string>();
  for (const ref of resolves) {
    const blocker = findBlocker(s, ref);
    if (resolved.has(blocker.id)) continue;
    resolved.add(blocker.id);
    drafts.push({ type: 'blocker.resolved', session, data: { blocker: blocker.id, text: blocker.text, ...(options.note ? { note: options.note } : {}) } });
  }
  for (const text of all(options.next, '--next')) drafts.push({ type: 'next', session, data: { text } });
  if (options.note !== undefined && !resolves.length) throw new LogbookError('INVALID_INPUT', '--note belongs to a --resolve', { hint: 'add --resolve N (the blocker\'s number), or use `logbook checkpoint --note "…"` for a note on the session' });
  if (step && !progress.length && !done.length) throw new LogbookError('INVALID_INPUT', '--step belongs to a --progress or --done', { hint: 'add --progress "what you are doing" (or --done "what you finished")' });
  if (drafts.length === 0) {
    throw new LogbookError('INVALID_INPUT', 'nothing to log', {
      hint: 'pass at least one of --progress, --done, --decision, --discovery, --blocker, --resolve, --next',
    });
  }
  return drafts;
}

function findDecision(s: Session, ref: string): string {
  const hits = s.decisions.filter((d) => d.id === ref || d.id.startsWith(ref.toUpperCase()));
  const byNumber = /^\d+$/.test(ref) ? s.decisions[Number(ref) - 1] : undefined;
  const found = byNumber ?? (hits.length === 1 ? hits[0] : undefined);
  if (!found) throw new LogbookError('UNKNOWN_EVENT', `no single decision of ${s.stable} matches "${ref}"`, { hint: 'use the decision number or id shown by `logbook view --decisions`' });
  return found.id;
}

/**
 * The blocker `ref` names: its number (`2` or `#2`: the number it was raised
 * with, whatever was resolved since), its id, or text of an open one. A
 * resolved blocker cannot be resolved again: that is an error saying when it was.
 */
function findBlocker(s: Session, ref: string): Blocker {
  const open = openBlockers(s);
  const r = ref.trim();
  const number = /^#?\d+$/.test(r) ? Number(r.replace('#', '')) : undefined;
  let found = number !== undefined ? s.blockers.find((b) => b.number === number) : undefined;
  if (!found && r && number === undefined) {
    const id = s.blockers.find((b) => b.id === r.toUpperCase() || (r.length >= 4 && b.id.startsWith(r.toUpperCase())));
    const hits = id ? [id] : open.filter((b) => b.text.toLowerCase().includes(r.toLowerCase()));
    if (hits.length > 1) {
      throw new LogbookError('AMBIGUOUS_REFERENCE', `"${r}" matches ${hits.length} open blockers: ${hits.map((b) => `#${b.number} ${b.text}`).join('; ')}`, { hint: 'use the blocker number (#N) shown in the Blockers section' });
    }
    found = hits[0] ?? s.blockers.find((b) => b.resolvedAt && b.text.toLowerCase().includes(r.toLowerCase()));
  }
  if (!found && !r && open.length === 1) found = open[0];
  if (found?.resolvedAt) {
    throw new LogbookError('SESSION_STATE', `blocker #${found.number} of ${s.stable} (${found.text}) was already resolved at ${found.resolvedAt}`, {
      hint: open.length ? `open blockers: ${open.map((b) => `#${b.number} ${b.text}`).join('; ')}` : 'no blocker is open; nothing to resolve',
    });
  }
  if (!found) {
    throw new LogbookError('UNKNOWN_EVENT', open.length ? `no blocker of ${s.stable} matches "${r}"` : `session ${s.stable} has no open blocker`, {
      hint: open.length ? `open blockers: ${open.map((b) => `#${b.number} ${b.text}`).join('; ')}` : 'nothing to resolve',
    });
  }
  return found;
}

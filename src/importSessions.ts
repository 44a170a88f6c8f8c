/**
 * `logbook import-sessions DIR`: turn a `.sessions/` tree of the markdown
 * session system (seed 002: `active/*.md`, `archive/*.md`, YAML frontmatter
 * plus the TL;DR, Context, Progress, Decisions, Discoveries, Blockers and
 * Next Steps sections, and `journal/<suffix>/entries/*.md`) into events, so
 * its users keep their history. Logbook's own rebuilt `sessions/` tree reads
 * back the same way.
 *
 * Parsing is pure (`parseSessionFile`, `importDrafts`); only `readSessionsTree`
 * touches the filesystem. Each imported session carries the meta
 * `imported_from` (the original id), which is how a second import knows to
 * skip it.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { LogbookError } from './errors.js';
import { itemActions, itemKeyPattern, taskKey, type Draft, type EventData } from './events.js';
import { shortnameFrom } from './ids.js';
import { truncateText } from './limits.js';

export interface ParsedStep {
  text: string;
  status: 'done' | 'current' | 'todo';
  at?: string;
}

export interface ParsedSession {
  /** Where it came from, relative to the imported folder (`active/fix-x-abc123.md`). */
  file: string;
  /** The original id (frontmatter `id`), else the file name without folder: the import marker. */
  originalId: string;
  shortname: string;
  title: string;
  status: 'active' | 'paused' | 'completed' | 'abandoned';
  taskIds: string[];
  createdAt: string;
  updatedAt: string;
  compactionCount: number;
  gitBranch?: string;
  gitCommit?: string;
  group?: string;
  objective?: string;
  keyFiles: string[];
  keyFacts: string[];
  tldr?: string;
  steps: ParsedStep[];
  decisions: Array<{ text: string; rationale?: string; options?: string[]; at?: string }>;
  discoveries: Array<{ text: string; evidence?: string; at?: string }>;
  blockers: Array<{ text: string; at?: string; resolved?: { at?: string; note?: string } }>;
  next: string[];
  items: Array<{ key: string; action: EventData<'item.linked'>['action']; note?: string }>;
  subsessions: Array<{ name: string; startedAt?: string; endedAt?: string; summary?: string }>;
  outcome?: { reason?: string; summary?: string; learnings: string[]; at?: string };
  /** Timestamped journal entries (`journal/<suffix>/entries/<time>.md`). */
  entries: Array<{ at: string; text: string }>;
}

const TS = /(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)/;

/** An ISO-8601 UTC time from the many ways the seed writes one (no zone means UTC); undefined when unreadable. */
export function normaliseTime(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  let text = String(value).trim().replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text += 'T00:00';
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text += 'Z';
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Pull a `(2025-01-15T10:30)` stamp out of a line: the text without it, and the time. */
function takeTime(line: string): { text: string; at?: string } {
  const m = new RegExp(`\\s*\\(${TS.source}\\)`).exec(line);
  if (!m) return { text: line.trim() };
  const at = normaliseTime(m[1]);
  return { text: (line.slice(0, m.index) + line.slice(m.index + m[0].length)).trim(), ...(at ? { at } : {}) };
}

const unbold = (s: string) => s.replace(/\*\*(.+?)\*\*/g, '$1');
const isNone = (s: string) => /^(none|nothing)\b/i.test(s.replace(/[*_]/g, '').trim());

/** Split markdown into `## ` sections: normalised heading -> lines. */
function sections(body: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of body.split(/\r?\n/)) {
    const h = /^##\s+(.+?)\s*$/.exec(line);
    if (h && !line.startsWith('###')) {
      const name = h[1]!.replace(/\(.*?\)/g, '').trim().toLowerCase();
      current = [];
      out.set(name, current);
    } else if (current) current.push(line);
  }
  return out;
}

/** List items (`- x`, `* x`, `1. x`), continuation lines joined to their item. */
function listItems(lines: readonly string[]): string[] {
  const items: string[] = [];
  let open = false;
  for (const line of lines) {
    const m = /^\s{0,3}(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (m) {
      items.push(m[1]!.trim());
      open = true;
    } else if (open && /^\s+\S/.test(line)) items[items.length - 1] += ` ${line.trim()}`;
    else open = false;
  }
  return items;
}

/** Lines between a `**Label**:` line and the next bold label or heading. */
function labelled(lines: readonly string[], label: RegExp): { inline?: string; block: string[] } {
  const i = lines.findIndex((l) => label.test(l));
  if (i < 0) return { block: [] };
  const inline = lines[i]!.replace(/^.*?\*\*[^*]+\*\*(?:\s*\([^)]*\))?\s*:?\s*/, '').trim();
  const block: string[] = [];
  for (const l of lines.slice(i + 1)) {
    if (/^\s*\*\*[^*]+\*\*/.test(l) || /^#/.test(l)) break;
    block.push(l);
  }
  return { ...(inline ? { inline } : {}), block };
}

function parseProgress(lines: readonly string[]): ParsedStep[] {
  const steps: ParsedStep[] = [];
  let group: 'done' | 'current' | 'todo' = 'todo';
  for (const line of lines) {
    const h = /^###\s+(.+)$/.exec(line);
    if (h) {
      const name = h[1]!.toLowerCase();
      group = name.startsWith('complete') || name.startsWith('done') ? 'done' : name.startsWith('in progress') || name.startsWith('current') ? 'current' : 'todo';
      continue;
    }
    // An indented item is a note under a step (Logbook's own files), not a step.
    const m = /^ ?[-*]\s+(?:\[([ xX])\]\s+)?(.*)$/.exec(line);
    if (!m || isNone(m[2]!)) continue;
    const marked = /<-\s*CURRENT/.test(m[2]!);
    const { text, at } = takeTime(m[2]!.replace(/<-\s*CURRENT/, ''));
    if (!text) continue;
    const status = m[1]?.toLowerCase() === 'x' ? 'done' : marked ? 'current' : group === 'done' ? 'done' : group;
    steps.push({ text, status, ...(at ? { at } : {}) });
  }
  return steps;
}

function parseDecisions(lines: readonly string[]): ParsedSession['decisions'] {
  const blocks: string[][] = [];
  for (const line of lines) {
    if (/^###\s+/.test(line)) blocks.push([line]);
    else blocks.at(-1)?.push(line);
  }
  return blocks.map((b) => {
    const head = b[0]!.replace(/^###\s+(?:\d+[.)]\s*)?/, '').replace(/\s+—\s+superseded by #\d+\s*$/, '');
    const { text: title, at } = takeTime(head);
    const field = (name: string) => labelled(b, new RegExp(`^\\s*\\*\\*${name}\\*\\*`, 'i')).inline;
    const choice = field('Choice');
    const context = field('Context');
    let rationale = field('Rationale');
    if (rationale && /^not recorded$/i.test(rationale)) rationale = undefined;
    if (context) rationale = rationale ? `${rationale} (context: ${context})` : `Context: ${context}`;
    const optionsText = field('Options');
    const options = optionsText
      ?.split(/\(\d+\)\s*/)
      .map((o) => o.replace(/,\s*$/, '').trim())
      .filter(Boolean);
    const text = choice && choice !== title ? `${title}: ${choice}` : title;
    return { text, ...(rationale ? { rationale } : {}), ...(options?.length ? { options } : {}), ...(at ? { at } : {}) };
  }).filter((d) => d.text);
}

function parseDiscoveries(lines: readonly string[]): ParsedSession['discoveries'] {
  return listItems(lines)
    .filter((l) => !isNone(l))
    .map((item) => {
      const { text, at } = takeTime(item);
      let t = unbold(text);
      let evidence: string | undefined;
      const ev = /^(.*?)\.?\s+Evidence:\s+(.*)$/.exec(t);
      if (ev) {
        t = ev[1]!;
        evidence = ev[2]!;
      }
      return { text: t.trim(), ...(evidence ? { evidence } : {}), ...(at ? { at } : {}) };
    })
    .filter((d) => d.text);
}

function parseBlockers(lines: readonly string[]): ParsedSession['blockers'] {
  const out: ParsedSession['blockers'] = [];
  for (const raw of listItems(lines)) {
    if (isNone(raw)) continue;
    const m = /^\[([ xX])\]\s+(.*)$/.exec(raw);
    const checked = m?.[1]?.toLowerCase() === 'x';
    // `#2 ` is the number Logbook's own files give a blocker; numbers are given again on import, in the same order.
    let body = (m ? m[2]! : raw).replace(/^#\d+\s+/, '');
    const struck = /^~~(.+?)~~\s*(.*)$/.exec(body);
    const resolvedInfo = new RegExp(`\\(resolved(?:\\s+${TS.source})?(?::\\s*(.*))?\\)\\s*$`).exec(body);
    let resolved: { at?: string; note?: string } | undefined;
    if (struck || checked || resolvedInfo) {
      const at = resolvedInfo ? normaliseTime(resolvedInfo[1]) : undefined;
      resolved = { ...(at ? { at } : {}), ...(resolvedInfo?.[2] ? { note: resolvedInfo[2] } : {}) };
      body = struck ? struck[1]! : resolvedInfo ? body.slice(0, resolvedInfo.index) : body;
    }
    const since = /\(since\s+([^)]+)\)\s*$/.exec(body);
    const at = since ? normaliseTime(since[1]) : takeTime(body).at;
    const text = (since ? body.slice(0, since.index) : takeTime(body).text).trim();
    if (text) out.push({ text, ...(at ? { at } : {}), ...(resolved ? { resolved } : {}) });
  }
  return out;
}

function parseContext(lines: readonly string[]) {
  const objective = labelled(lines, /^\s*\*\*Objective\*\*/i).inline;
  const files = listItems(labelled(lines, /^\s*\*\*Key Files\*\*/i).block).map((f) => f.replace(/`([^`]+)`/, '$1').trim());
  const facts = listItems(labelled(lines, /^\s*\*\*Key (Context|Facts)\*\*/i).block);
  return { ...(objective ? { objective } : {}), keyFiles: files.filter((f) => f && !isNone(f)), keyFacts: facts.filter((f) => f && !isNone(f)) };
}

function parseOutcome(lines: readonly string[]): ParsedSession['outcome'] {
  const outcome = labelled(lines, /^\s*\*\*Outcome\*\*/i).inline;
  const reason = labelled(lines, /^\s*\*\*Reason\*\*/i).inline;
  const summary = labelled(lines, /^\s*\*\*Summary\*\*/i).inline;
  const learnings = listItems(labelled(lines, /^\s*\*\*Learnings\*\*/i).block);
  const at = outcome ? takeTime(outcome).at : undefined;
  return { ...(reason ? { reason } : {}), ...(summary ? { summary } : {}), learnings, ...(at ? { at } : {}) };
}

function parseItems(lines: readonly string[]): ParsedSession['items'] {
  return listItems(lines).flatMap((l) => {
    const m = /^(\S+)\s+\(([a-z ]+?)(?:\s+to\s+\S+)?\)(?::\s*(.*))?$/.exec(l);
    if (!m || !itemKeyPattern.test(m[1]!)) return [];
    const action = (itemActions as readonly string[]).includes(m[2]!) ? (m[2] as ParsedSession['items'][number]['action']) : undefined;
    if (!action) return []; // "migrated to s_xxxx": the chain continues in the other session's file
    return [{ key: m[1]!, action, ...(m[3] ? { note: m[3] } : {}) }];
  });
}

function parseSubsessions(lines: readonly string[]): ParsedSession['subsessions'] {
  return listItems(lines).flatMap((l) => {
    const m = /^sub_\d+:\s*(.+?)\s*\(([^)]*)\)(?:\s+—\s+(.*))?$/.exec(l);
    if (!m) return [];
    const [start, end] = m[2]!.split(/\s+–\s+|,\s*/);
    const startedAt = normaliseTime(start);
    const endedAt = end && end !== 'open' ? normaliseTime(end) : undefined;
    return [{ name: m[1]!, ...(startedAt ? { startedAt } : {}), ...(endedAt ? { endedAt } : {}), ...(m[3] ? { summary: m[3] } : {}) }];
  });
}

const STATUS: Record<string, ParsedSession['status']> = {
  active: 'active',
  open: 'active',
  in_progress: 'active',
  paused: 'paused',
  completed: 'completed',
  complete: 'completed',
  done: 'completed',
  closed: 'completed',
  archived: 'completed',
  abandoned: 'abandoned',
  cancelled: 'abandoned',
  canceled: 'abandoned',
};

/**
 * Parse one session file. `file` is its path relative to the imported folder;
 * a file under `archive/` without a closed status counts as completed.
 */
export function parseSessionFile(text: string, file: string, fallbackAt?: string): ParsedSession {
  const fm = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  let meta: Record<string, unknown> = {};
  if (fm) {
    try {
      const parsed = parseYaml(fm[1]!) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) meta = parsed as Record<string, unknown>;
    } catch (e) {
      throw new LogbookError('INVALID_INPUT', `${file}: the frontmatter is not valid YAML: ${(e as Error).message.split('\n')[0]}`, { hint: 'fix the YAML between the --- lines, or move the file out of the folder' });
    }
  }
  const body = fm ? text.slice(fm[0].length) : text;
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);
  const base = path.posix.basename(file, '.md');
  const title = /^#\s+(?:Session:\s*)?(.+?)\s*$/m.exec(body)?.[1] ?? str(meta.title) ?? str(meta.shortname) ?? base;
  const archived = file.split('/')[0] === 'archive';
  const rawStatus = str(meta.status)?.toLowerCase();
  let status = (rawStatus && STATUS[rawStatus]) || (archived ? 'completed' : 'active');
  if (archived && (status === 'active' || status === 'paused')) status = 'completed';
  const secs = sections(body);
  const get = (...names: string[]) => names.map((n) => secs.get(n)).find((x) => x !== undefined) ?? [];
  const createdAt = normaliseTime(meta.created_at ?? meta.createdAt ?? meta.started) ?? normaliseTime(meta.updated_at) ?? fallbackAt ?? '1970-01-01T00:00:00.000Z';
  const updatedAt = normaliseTime(meta.updated_at ?? meta.updatedAt) ?? createdAt;
  const tasks = Array.isArray(meta.task_ids) ? meta.task_ids : typeof meta.task_ids === 'string' ? meta.task_ids.split(',') : [];
  const tldrPara = get('tl;dr')
    .filter((l) => !/^\s*\*\*(Progress|Current|Blocker)\*\*/.test(l))
    .join('\n')
    .trim();
  const ctx = parseContext(get('context'));
  const closed = status === 'completed' || status === 'abandoned';
  const outcome = secs.has('outcome') || closed ? parseOutcome(get('outcome')) : undefined;
  return {
    file,
    originalId: str(meta.id) ?? base,
    shortname: shortnameFrom(str(meta.shortname) ?? base.replace(/-[0-9a-z]{4,}$/i, '') ?? title),
    title: title.trim(),
    status,
    taskIds: tasks.map((t) => String(t).trim()).filter(Boolean),
    createdAt,
    updatedAt: updatedAt < createdAt ? createdAt : updatedAt,
    compactionCount: Math.max(0, Math.min(1000, Number(meta.compaction_count) || 0)),
    ...(str(meta.git_branch) ? { gitBranch: str(meta.git_branch)! } : {}),
    ...(str(meta.git_last_commit) ? { gitCommit: str(meta.git_last_commit)! } : {}),
    ...(str(meta.group) ? { group: str(meta.group)! } : {}),
    ...ctx,
    ...(tldrPara ? { tldr: tldrPara.replace(/\s*\n\s*/g, ' ') } : {}),
    steps: parseProgress(get('progress')),
    decisions: parseDecisions(get('decisions')),
    discoveries: parseDiscoveries(get('discoveries')),
    blockers: parseBlockers(get('blockers')),
    next: listItems(get('next steps', 'next')).filter((n) => !isNone(n)),
    items: parseItems(get('linked items', 'items')),
    subsessions: parseSubsessions(get('work blocks', 'subsessions')),
    ...(outcome ? { outcome } : {}),
    entries: [],
  };
}

/** The markdown files of `dir`; none when it does not exist, an error when it cannot be read (EACCES is not "nothing to import"). */
function listMd(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new LogbookError('INVALID_INPUT', `cannot read ${dir}: ${(e as Error).message}`, { hint: 'check the permissions of the sessions folder', cause: e });
  }
}

/**
 * Read a `.sessions/` tree (or Logbook's own `sessions/` folder): every
 * `active/*.md` and `archive/*.md`, with the entries of `journal/<suffix>/entries/`.
 */
export function readSessionsTree(dir: string): ParsedSession[] {
  const root = path.resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new LogbookError('INVALID_INPUT', `${dir} is not a folder`, { hint: 'pass the .sessions folder of the old session system, e.g. logbook import-sessions .sessions' });
  }
  const files = ['active', 'archive'].flatMap((sub) => listMd(path.join(root, sub)).map((f) => `${sub}/${f}`));
  if (!files.length) {
    throw new LogbookError('INVALID_INPUT', `${dir} has no active/*.md or archive/*.md session files`, { hint: 'pass the folder that holds active/ and archive/ (seed 002 layout)' });
  }
  return files.map((rel) => {
    const suffix = /-([0-9a-z]+)$/i.exec(path.posix.basename(rel, '.md'))?.[1];
    const entriesDir = suffix ? path.join(root, 'journal', suffix, 'entries') : undefined;
    // A file that names no time of its own (no created_at or updated_at) is dated by its first journal
    // entry, else by when the file was last written, not 1970.
    const entryTimes = entriesDir ? listMd(entriesDir).map((f) => normaliseTime(f.slice(0, -3))).filter((t): t is string => !!t).sort() : [];
    const fallbackAt = entryTimes[0] ?? new Date(Math.floor(statSync(path.join(root, rel)).mtimeMs / 1000) * 1000).toISOString();
    const parsed = parseSessionFile(readFileSync(path.join(root, rel), 'utf8'), rel, fallbackAt);
    if (entriesDir) {
      for (const f of listMd(entriesDir)) {
        const text = readFileSync(path.join(entriesDir, f), 'utf8').trim();
        if (text) parsed.entries.push({ at: normaliseTime(f.slice(0, -3)) ?? parsed.updatedAt, text });
      }
    }
    return parsed;
  });
}

/** A 32-bit FNV-1a hash: a stable suffix for the same original id on every machine. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A Logbook session id for an imported session: its creation minute and a suffix derived from the original id. */
export function importedSessionId(p: ParsedSession, taken: ReadonlySet<string>): string {
  const iso = p.createdAt;
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}`;
  for (let n = 0; ; n++) {
    const suffix = (fnv(`${p.originalId}#${n}`) % 36 ** 4).toString(36).padStart(4, '0');
    if (!taken.has(suffix)) return `${stamp}_${suffix}`;
  }
}

/** A draft with the time history happened at and, for a blocker that is resolved, its event id given in advance. */
export type TimedDraft = Draft & { at: string; id?: string };

/**
 * The events of one imported session, in time order (start first, close
 * last). A resolved blocker gets its event id from `newId` here, so its
 * resolution can name it and both go into one append; the resolutions come
 * back separately, to be appended after every imported session's drafts.
 */
export function importDrafts(p: ParsedSession, id: string, newId: () => string): { drafts: TimedDraft[]; resolutions: TimedDraft[] } {
  const clip = (t: string) => truncateText(t);
  // Task ids that cannot be item keys (spaces…) stay in task_ids but are not linked as items.
  const taskKeys = p.taskIds.map(taskKey).filter((k) => itemKeyPattern.test(k));
  const start: TimedDraft = {
    type: 'session.started',
    session: id,
    at: p.createdAt,
    data: {
      title: clip(p.title),
      shortname: p.shortname,
      taskIds: p.taskIds,
      meta: { imported_from: p.originalId, imported_file: p.file },
      ...(p.objective ? { goal: clip(p.objective) } : {}),
      ...(p.group ? { group: p.group } : {}),
      ...(p.gitBranch ? { gitBranch: p.gitBranch } : {}),
      ...(p.gitCommit ? { gitCommit: p.gitCommit } : {}),
    },
  };
  const body: TimedDraft[] = [];
  const push = (d: TimedDraft) => body.push(d);
  const at = (t: string | undefined, fallback: string) => (t && t >= p.createdAt ? t : fallback);
  for (const key of taskKeys) push({ type: 'item.linked', session: id, at: p.createdAt, data: { key, action: 'created' } });
  if (p.keyFiles.length || p.keyFacts.length) push({ type: 'context', session: id, at: p.createdAt, data: { keyFiles: p.keyFiles.map(clip), keyFacts: p.keyFacts.map(clip) } });
  for (const s of p.steps) {
    push({ type: 'progress', session: id, at: at(s.at, s.status === 'todo' ? p.createdAt : p.updatedAt), data: { text: clip(s.text), status: s.status } });
  }
  for (const d of p.decisions) push({ type: 'decision', session: id, at: at(d.at, p.updatedAt), data: { text: clip(d.text), ...(d.rationale ? { rationale: clip(d.rationale) } : {}), ...(d.options ? { options: d.options.map(clip) } : {}) } });
  for (const d of p.discoveries) push({ type: 'discovery', session: id, at: at(d.at, p.updatedAt), data: { text: clip(d.text), ...(d.evidence ? { evidence: clip(d.evidence) } : {}) } });
  const blockerAt = p.blockers.map((b) => at(b.at, p.createdAt));
  const blockerIds = p.blockers.map((b) => (b.resolved ? newId() : undefined));
  p.blockers.forEach((b, i) => push({ type: 'blocker', session: id, at: blockerAt[i]!, ...(blockerIds[i] ? { id: blockerIds[i] } : {}), data: { text: clip(b.text) } }));
  // Next Steps are the file's list of next actions, not steps of its progress (3/5 stays 3/5).
  for (const n of p.next) push({ type: 'next', session: id, at: p.updatedAt, data: { text: clip(n), listOnly: true } });
  for (const it of p.items) push({ type: 'item.linked', session: id, at: p.updatedAt, data: { key: it.key, action: it.action, ...(it.note ? { note: clip(it.note) } : {}) } });
  p.subsessions.forEach((b, i) => {
    const sub = `sub_${String(i + 1).padStart(3, '0')}`;
    const started = at(b.startedAt, p.createdAt);
    push({ type: 'subsession.started', session: id, at: started, data: { sub, name: clip(b.name) } });
    if (b.endedAt) push({ type: 'subsession.ended', session: id, at: at(b.endedAt, started), data: { sub, ...(b.summary ? { summary: clip(b.summary) } : {}) } });
  });
  for (const e of p.entries) push({ type: 'session.checkpointed', session: id, at: at(e.at, p.updatedAt), data: { note: clip(e.text) } });
  // The hand-written TL;DR stays the TL;DR (until the steps change), not a checkpoint note.
  if (p.tldr) push({ type: 'context', session: id, at: p.updatedAt, data: { summary: clip(p.tldr), keyFiles: [], keyFacts: [] } });
  for (let i = 0; i < p.compactionCount; i++) push({ type: 'session.compacted', session: id, at: p.updatedAt, data: { trigger: 'unknown' } });
  // Stable sort by time keeps the file's order among equal times (a step's done after its todo).
  const order = body.map((d, i) => ({ d, i })).sort((a, b) => (a.d.at < b.d.at ? -1 : a.d.at > b.d.at ? 1 : a.i - b.i));
  const drafts = [start, ...order.map((o) => o.d)];
  const resolutions: TimedDraft[] = [];
  p.blockers.forEach((b, i) => {
    if (!b.resolved) return;
    resolutions.push({ type: 'blocker.resolved', session: id, at: at(b.resolved.at, p.updatedAt), data: { blocker: blockerIds[i]!, ...(b.resolved.note ? { note: clip(b.resolved.note) } : {}) } });
  });
  if (p.status === 'paused') drafts.push({ type: 'session.paused', session: id, at: p.updatedAt, data: { note: 'imported as paused', auto: true } });
  if (p.status === 'completed' || p.status === 'abandoned') {
    const o = p.outcome ?? { learnings: [] };
    const closedAt = at(o.at, p.updatedAt);
    drafts.push({
      type: 'session.closed',
      session: id,
      at: closedAt,
      data: {
        outcome: p.status,
        learnings: o.learnings.map(clip),
        tasksCompleted: p.status === 'completed' ? p.taskIds : [],
        ...(o.reason ? { reason: clip(o.reason) } : p.status === 'abandoned' ? { reason: 'abandoned before import' } : {}),
        ...(o.summary ? { summary: clip(o.summary) } : {}),
      },
    });
    if (p.status === 'completed') for (const key of taskKeys) drafts.push({ type: 'item.linked', session: id, at: closedAt, data: { key, action: 'completed' } });
  }
  return { drafts, resolutions };
}

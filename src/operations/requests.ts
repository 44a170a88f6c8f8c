/**
 * The request of every operation that more than one face offers, defined
 * once. The CLI derives its flags from these (cli/request.ts), the MCP server
 * its tools' input schemas, the HTTP API its bodies and OpenAPI document;
 * test/architecture/requests.test.ts checks that the faces agree with them.
 * The handler of each is in ./handlers.ts.
 */
import * as z from 'zod/mini';
import { itemActions, itemKeyPattern } from '../events.js';
import { WHEN_FORMS } from '../timetravel/moment.js';
import { field, list, operation, optionalText, sessionField, spellingOf, text, texts, whole, word } from './request.js';

const group = (description: string) => word(description, { value: '<G>' });

export const startOperation = operation('start', 'start a new work session', {
  goal: optionalText('what this session is for'),
  title: word('title (defaults to the goal)', { value: '<text>' }),
  name: word('short name, used in file names; any text is made into one (lowercase, dashes); one an open session holds is refused', { value: '<short>' }),
  tasks: list('a task id to link (task:ID, completed when the session is)', { flag: 'task', value: '<id>', commaAlias: 'tasks' }),
  parent: word('parent session (nested sessions)', { value: '<S>' }),
  group: word('group name for related sessions', { value: '<G>' }),
  meta: z.optional(field(z.record(z.string(), z.string()), 'metadata: key → value', { value: '<key=value>' })),
});

export const logEntryKinds = ['progress', 'done', 'decision', 'discovery', 'blocker', 'resolve', 'next'] as const;

/** A blocker or decision as JSON may write it (`{"resolve": 2}`), the same as `--resolve 2`. */
const reference = z.union([z.string().check(z.minLength(1, 'must not be empty')), z.int().check(z.positive('must be a number (#2: 2), an id, or text'))], { error: 'must be a number (#2: 2), an id, or text' });

export const logOperation = operation('log', 'add entries to the session log (several flags, and a flag several times, are fine: one event each)', {
  progress: texts('progress on the current step'),
  step: text('the step this is about, when the text is a note rather than the step name', { value: '<name>', goesWith: ['progress', 'done'] }),
  done: texts('a step that is complete'),
  decision: texts('a decision'),
  rationale: text('why', { goesWith: ['decision'] }),
  options: list('an option that was considered', { flag: 'option', value: '<text>', goesWith: ['decision'] }),
  supersedes: z.optional(field(reference, 'number or id of the decision this one replaces', { value: '<decision>', stdin: true, goesWith: ['decision'] })),
  discovery: texts('something found out'),
  evidence: text('how it is known (a log line, a file:line, a command)', { goesWith: ['discovery'] }),
  blocker: texts('something that blocks progress'),
  resolve: z.optional(field(z.union([reference, z.array(reference)], { error: 'must be a number (#2: 2), an id, text, or an array of them' }), 'resolve an open blocker (number, id or text)', { value: '<blocker>', stdin: true })),
  note: text('how the blocker was solved', { goesWith: ['resolve'] }),
  next: texts('a next step'),
  session: sessionField(),
});

export const checkpointOperation = operation('checkpoint', 'save an explicit checkpoint (records the git branch and commit)', {
  note: optionalText('what this checkpoint marks'),
  session: sessionField(),
});

export const pauseOperation = operation('pause', 'pause the session (resume it later with `logbook resume`)', {
  note: optionalText('why, or where you stopped'),
  session: sessionField(),
  group: group('every active session of this group, in one append (paused ones stay as they are)'),
});

export const closeOperation = operation('close', 'complete or abandon the session', {
  outcome: field(z.enum(['completed', 'abandoned'], { error: 'must be "completed" or "abandoned"' }), 'completed, or abandoned (then reason is required)', {
    choiceFlags: { complete: { value: 'completed', help: 'mark the session completed' }, abandon: { value: 'abandoned', help: 'mark the session abandoned (needs --reason)' } },
    choiceExample: 'logbook close --complete, or logbook close --abandon --reason "…"',
  }),
  reason: optionalText('why it was abandoned (or closed)'),
  summary: optionalText('summary of the outcome'),
  learnings: list('a learning to keep', { flag: 'learning', value: '<text>' }),
  session: sessionField(),
  group: group('every open session of this group, in one append (all or none)'),
});

export const linkOperation = operation('link', 'link an item (task:42, kb:node:abc, track:project:c3c5, file:src/a.ts, type:key) to the session', {
  key: field(z.string().check(z.regex(itemKeyPattern, 'must be of the form type:key (task:42, file:src/a.ts)')), 'item key, type:key', { positional: '<KEY>' }),
  action: z.optional(field(z.enum(itemActions), 'what happened to the item (default referenced)', { value: '<action>' })),
  note: optionalText('a note'),
  session: sessionField(),
});

export const resumeOperation = operation('resume', 'the resume context of a session (reopening it if paused)', {
  session: word('session (default: current, else the newest paused one)', { positional: '[S]', alsoFlag: true, value: '<S>' }),
  budget: whole(200, 'character budget (default 10000)', { value: '<chars>', unit: 'characters' }),
  at: word(`the context as of a moment: ${WHEN_FORMS}`, { value: '<WHEN>' }),
});

export const searchOperation = operation('search', 'find events across every session by their text: ranked, words also as prefixes, "quoted phrases"', {
  query: field(z.string(), 'words and "quoted phrases" (every one must match)', { positional: '<QUERY...>', param: 'q' }),
  types: list('only events of this type (decision, discovery, progress, blocker, next, …)', { flag: 'type', value: '<T>', param: 'type' }),
  session: word('only this session: full id, s_xxxx, suffix, shortname or unique prefix', { value: '<S>' }),
  actor: word('only events by this person (name or email)', { value: '<A>' }),
  agent: word('only events by this agent (claude-code, a subagent type, …)', { value: '<A>' }),
  since: word('from this date: 2026-01-02, 2026-01-02T10:00, today, yesterday, or an age: 12h, 7d, 2w', { value: '<DATE>' }),
  until: word('up to this date (an ISO date takes in the whole day)', { value: '<DATE>' }),
  status: z.optional(field(z.enum(['open', 'closed'], { error: 'must be "open" or "closed"' }), "only events of open (active, paused) or closed sessions", { value: '<open|closed>' })),
  limit: whole(1, 'at most this many results (default 20)', { value: '<N>', unit: 'results' }),
});

export const messageOperation = operation('message send', 'send a message; the recipient sees it as unread when it next resumes', {
  to: field(z.string(), 'a session (id, s_xxxx, suffix, short name, prefix) or a person ("Name <email>", email or name); actor:A or session:S to be explicit', { value: '<S|ACTOR>' }),
  text: field(z.string(), 'the message', { positional: '<TEXT>', stdin: true }),
  newActor: z.optional(field(z.boolean(), 'accept a person who has not written to this journal yet (otherwise an unknown recipient is an error)')),
  session: word('the session sending it (default: current, if any)', { value: '<S>' }),
});

export const stateOperation = operation('state set', 'set the project state; each given field replaces its old value, the others stay', {
  todo: list('a todo item (the list replaces the old one)', { value: '<text>' }),
  focus: optionalText('the current focus ("" clears it)'),
  next: list('a next step (the list replaces the old one)', { value: '<text>' }),
});

export const contextOperation = operation('context', 'key context that must survive compaction (objective, key files, key facts)', {
  objective: optionalText('the objective (replaces the old one)'),
  files: list('a key file, optionally "path - what it is"', { flag: 'file', value: '<path>' }),
  facts: list('a key fact', { flag: 'fact', value: '<text>' }),
  session: sessionField(),
});

export const subsessionStartOperation = operation('subsession start', 'start a work block (an open one is ended first)', {
  name: field(z.string(), 'what this block is about', { positional: '<NAME>', stdin: true }),
  session: sessionField(),
});

export const subsessionEndOperation = operation('subsession end', 'end the open work block', {
  summary: optionalText('what the block achieved'),
  sub: word('which block (default: the open one)', { value: '<id>' }),
  session: sessionField(),
});

export const redactOperation = operation('redact', "hide an event's text from every view (for a secret that slipped through); history is not rewritten", {
  event: field(z.string(), 'event id (or a unique prefix or suffix of it), from `view --json` or `log --json`', { positional: '<EVENT>' }),
  reason: optionalText('why it is hidden'),
});

export const migrateOperation = operation('migrate', 'move every open item of session FROM to session TO (their chains keep the history)', {
  from: field(z.string(), 'session the items leave', { positional: '<FROM>' }),
  to: field(z.string(), 'open session that takes them over', { positional: '<TO>' }),
});

export const importOperation = operation('import-sessions', 'import a .sessions/ folder of the markdown session system (active/, archive/, journal/) as events; importing again adds nothing', {
  dir: field(z.string(), 'the .sessions folder', { positional: '<DIR>' }),
});

/** Every operation with a request, by name: what the faces are checked against. */
export const operations = {
  start: startOperation,
  log: logOperation,
  checkpoint: checkpointOperation,
  pause: pauseOperation,
  close: closeOperation,
  link: linkOperation,
  resume: resumeOperation,
  search: searchOperation,
  message: messageOperation,
  state: stateOperation,
  context: contextOperation,
  subsessionStart: subsessionStartOperation,
  subsessionEnd: subsessionEndOperation,
  redact: redactOperation,
  migrate: migrateOperation,
  import: importOperation,
} as const;

export type StartRequest = z.output<typeof startOperation.request>;
export type LogRequest = z.output<typeof logOperation.request>;
export type CheckpointRequest = z.output<typeof checkpointOperation.request>;
export type PauseRequest = z.output<typeof pauseOperation.request>;
export type CloseRequest = z.output<typeof closeOperation.request>;
export type LinkRequest = z.output<typeof linkOperation.request>;
export type ResumeRequest = z.output<typeof resumeOperation.request>;
export type SearchRequest = z.output<typeof searchOperation.request>;
export type MessageRequest = z.output<typeof messageOperation.request>;
export type StateRequest = z.output<typeof stateOperation.request>;
export type ContextRequest = z.output<typeof contextOperation.request>;
export type SubsessionStartRequest = z.output<typeof subsessionStartOperation.request>;
export type SubsessionEndRequest = z.output<typeof subsessionEndOperation.request>;
export type RedactRequest = z.output<typeof redactOperation.request>;
export type MigrateRequest = z.output<typeof migrateOperation.request>;
export type ImportRequest = z.output<typeof importOperation.request>;

/**
 * An error worded for the command line, in the words of a face that names
 * the request's fields instead (MCP, HTTP): `--abandon` is `outcome
 * "abandoned"`, `--option` is `options`, any other `--flag` its field.
 */
export function inFieldWords(text: string, quote: (field: string) => string = (f) => f, face: 'mcp' | 'http' = 'http'): string {
  let out = text.replace(/, or - to read it from stdin/g, '');
  for (const op of Object.values(operations)) {
    for (const [key, schema] of Object.entries(op.request.shape)) {
      const spelling = spellingOf(schema);
      for (const [flag, choice] of Object.entries(spelling.choiceFlags ?? {})) out = out.replace(new RegExp(`--${flag}\\b`, 'g'), `${key} "${choice.value}"`);
      // A query string's own name for the field (`type`), else the field's.
      const name = face === 'http' && spelling.param ? spelling.param : key;
      if (spelling.flag) out = out.replace(new RegExp(`--${spelling.flag}\\b(?!-)`, 'g'), quote(name));
    }
  }
  return out.replace(/--([a-z][a-z-]*)/g, (_m, flag: string) => quote(flag));
}

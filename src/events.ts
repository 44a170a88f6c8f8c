/**
 * Every event Logbook writes, defined once. The TypeScript types are inferred
 * from these schemas; nothing else in the code base describes an event's shape.
 *
 * Envelope: id (ULID), type, v (schema version), at (ISO-8601 UTC), session
 * (full session id, where the event belongs to one), actor, clock (Lamport),
 * replica (the writer's replica id), data (typed per event kind).
 */
// zod/mini: the same schemas and inferred types as classic zod at a fraction of
// its start-up cost (~4 ms instead of ~23 ms), which every CLI and hook process pays.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { NOT_SURE, compile } from './validation/compile.js';

// Interpreted validation: no per-schema code generation on first use, which costs a
// short-lived process more than it saves, and measured faster here even over 100k events.
// zod/mini says only "Invalid input" unless given a locale: English (only), for every face's errors.
z.config({ jitless: true, ...en() });

const text = z.string().check(z.minLength(1, 'must not be empty'));
const optText = z.optional(z.string());
const ulidPattern = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const sessionIdPattern = /^\d{8}_\d{4}_[0-9a-z]{4}$/;

export const actorSchema = z.object({
  name: text,
  email: z.string(),
  agent: optText,
  agentSession: optText,
});
export type Actor = z.infer<typeof actorSchema>;

const envelope = {
  id: z.string().check(z.regex(ulidPattern, 'must be a ULID')),
  v: z.literal(1),
  at: z.iso.datetime({ offset: false }),
  session: z.optional(z.string().check(z.regex(sessionIdPattern, 'must be a session id YYYYMMDD_HHMM_xxxx'))),
  actor: actorSchema,
  clock: z.int().check(z.gte(1)),
  replica: z.string().check(z.regex(/^[0-9a-z]{8,32}$/, 'must be a replica id')),
};

const typeNames: string[] = [];

function kind<T extends string, D extends z.core.$ZodLooseShape>(type: T, data: D) {
  typeNames.push(type);
  return z.object({ ...envelope, type: z.literal(type), data: z.object(data) });
}

const gitPosition = { gitBranch: optText, gitCommit: optText };

export const sessionStartedSchema = kind('session.started', {
  title: text,
  shortname: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lowercase letters, digits and dashes')),
  goal: optText,
  taskIds: z.array(text),
  parent: optText,
  group: optText,
  meta: z.record(z.string(), z.string()),
  ...gitPosition,
});
/** `auto`: written by a hook or an import on its own, not by a person or agent (never "where you left off"). */
const auto = z.optional(z.boolean());
export const sessionPausedSchema = kind('session.paused', { note: optText, auto });
export const sessionResumedSchema = kind('session.resumed', { note: optText });
export const sessionCheckpointedSchema = kind('session.checkpointed', { note: optText, auto, ...gitPosition });
export const sessionCompactedSchema = kind('session.compacted', {
  trigger: z.enum(['manual', 'auto', 'unknown']),
  summary: optText,
  /** Set when this completes a compaction counted before (its summary came later): the id of that event. Not counted again. */
  of: optText,
});
export const sessionClosedSchema = kind('session.closed', {
  outcome: z.enum(['completed', 'abandoned']),
  reason: optText,
  summary: optText,
  learnings: z.array(text),
  tasksCompleted: z.array(text),
});
export const subsessionStartedSchema = kind('subsession.started', {
  sub: z.string().check(z.regex(/^sub_\d{3,}$/)),
  name: text,
});
export const subsessionEndedSchema = kind('subsession.ended', {
  sub: z.string().check(z.regex(/^sub_\d{3,}$/)),
  summary: optText,
});

export const progressSchema = kind('progress', {
  text,
  step: optText,
  status: z.enum(['done', 'current', 'todo']),
});
export const decisionSchema = kind('decision', {
  text,
  rationale: optText,
  options: z.optional(z.array(text)),
  supersedes: optText,
});
export const discoverySchema = kind('discovery', { text, evidence: optText });
export const blockerSchema = kind('blocker', { text });
/** `text` repeats the blocker's text so the commit subject and `tail` read without a lookup. */
export const blockerResolvedSchema = kind('blocker.resolved', { blocker: text, text: optText, note: optText });
/** `listOnly`: an entry of the Next Steps list that is not a step of the progress (an imported file's Next Steps). */
export const nextSchema = kind('next', { text, listOnly: z.optional(z.boolean()) });
export const contextSchema = kind('context', {
  objective: optText,
  /** A hand-written TL;DR paragraph (an imported file's), shown until the steps change. */
  summary: optText,
  keyFiles: z.array(text),
  keyFacts: z.array(text),
});

export const itemActions = ['created', 'updated', 'completed', 'referenced', 'blocked'] as const;
export const itemKeyPattern = /^[a-z][a-z0-9_-]*:\S+$/;

/** The item key of a task id: `42` is `task:42`; a key that already has a type (`jira:AB-1`) stays as it is. */
export const taskKey = (task: string): string => (task.includes(':') ? task : `task:${task}`);
export const itemLinkedSchema = kind('item.linked', {
  key: z.string().check(z.regex(itemKeyPattern, 'must look like type:key (task:42, kb:node:abc, file:src/a.ts)')),
  action: z.enum(itemActions),
  note: optText,
});
export const itemsMigratedSchema = kind('items.migrated', {
  from: text,
  to: text,
  keys: z.array(text),
});

export const agentStartedSchema = kind('agent.started', {
  agentId: text,
  agentType: text,
  parentSession: text,
});
export const agentFinishedSchema = kind('agent.finished', {
  agentId: text,
  agentType: text,
  parentSession: text,
  result: optText,
  costUsd: z.optional(z.number().check(z.gte(0))),
});
export const toolUsedSchema = kind('tool.used', {
  tool: text,
  success: z.boolean(),
  durationMs: z.optional(z.number().check(z.gte(0))),
});
export const transcriptLinkedSchema = kind('transcript.linked', {
  client: text,
  clientSession: text,
  path: optText,
  source: z.enum(['startup', 'resume', 'clear', 'compact', 'fork']),
});

export const messageSentSchema = kind('message.sent', {
  to: z.object({ session: optText, actor: optText }).check(z.refine((t) => Boolean(t.session || t.actor), 'needs a session or an actor')),
  text,
});
export const messageReadSchema = kind('message.read', { messages: z.array(text) });
export const stateSetSchema = kind('state.set', {
  todo: z.optional(z.array(text)),
  focus: optText,
  next: z.optional(z.array(text)),
});
export const redactionSchema = kind('redaction', { event: text, reason: optText });

const commitId = z.string().check(z.regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'must be a full commit id'));
/** A commit the session made (git hooks, src/code/); a rewritten one names the commit it replaced and why. */
export const commitLinkedSchema = kind('commit.linked', {
  commit: commitId,
  /** `git patch-id --stable`; none for a merge commit. */
  patchId: optText,
  branch: optText,
  subject: z.string(),
  files: z.array(text),
  replaces: z.optional(commitId),
  why: z.optional(z.enum(['amend', 'rebase', 'cherry-pick'])),
});

export const journalEventSchema = z.discriminatedUnion('type', [
  sessionStartedSchema,
  sessionPausedSchema,
  sessionResumedSchema,
  sessionCheckpointedSchema,
  sessionCompactedSchema,
  sessionClosedSchema,
  subsessionStartedSchema,
  subsessionEndedSchema,
  progressSchema,
  decisionSchema,
  discoverySchema,
  blockerSchema,
  blockerResolvedSchema,
  nextSchema,
  contextSchema,
  itemLinkedSchema,
  itemsMigratedSchema,
  agentStartedSchema,
  agentFinishedSchema,
  toolUsedSchema,
  transcriptLinkedSchema,
  messageSentSchema,
  messageReadSchema,
  stateSetSchema,
  redactionSchema,
  commitLinkedSchema,
]);

export type JournalEvent = z.infer<typeof journalEventSchema>;
export type EventType = JournalEvent['type'];
export type EventOf<T extends EventType> = Extract<JournalEvent, { type: T }>;
export type EventData<T extends EventType> = EventOf<T>['data'];
export const eventTypes = [...typeNames] as EventType[];

/** What a caller asks to append; the journal fills in the envelope. */
export type Draft = { [T in EventType]: { type: T; session?: string; data: EventData<T> } }[EventType];

export const CURRENT_VERSION = 1;

/** A commit on a journal ref that is not (or not yet) a readable event: kept, reported, never fatal. */
export interface UnreadableRecord {
  commit: string;
  replica: string;
  reason: string;
  type?: string;
  v?: number;
}

export type ParseResult = { ok: true; event: JournalEvent } | { ok: false; reason: string; type?: string; v?: number };

/** The event schema as plain checks (src/validation/compile.ts), for the many events a first read or a fetch brings. */
const checkEvent = compile<JournalEvent>(journalEventSchema);

/**
 * Parse an event read from storage. Older versions are upcast here (none yet:
 * v1 is the first); newer versions and unknown types are reported, not thrown.
 */
export function parseStoredEvent(raw: unknown): ParseResult {
  if (typeof raw !== 'object' || raw === null) return { ok: false, reason: 'not a JSON object' };
  const r = raw as { type?: unknown; v?: unknown };
  const type = typeof r.type === 'string' ? r.type : undefined;
  const v = typeof r.v === 'number' ? r.v : undefined;
  if (v !== undefined && v > CURRENT_VERSION) {
    return { ok: false, reason: `schema version ${v} is newer than this Logbook understands (${CURRENT_VERSION}); upgrade Logbook`, type, v };
  }
  if (type !== undefined && !(eventTypes as string[]).includes(type)) {
    return { ok: false, reason: `unknown event type "${type}" (written by a newer Logbook?)`, type, v };
  }
  // The schema compiled to plain checks: zod's own result for an event it vouches for; zod itself (and its reasons) for any other.
  const fast = checkEvent(raw);
  if (fast !== NOT_SURE) return { ok: true, event: fast };
  const parsed = journalEventSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; '), type, v };
  }
  return { ok: true, event: parsed.data };
}

/** The stable id `s_xxxx` of a full session id `YYYYMMDD_HHMM_xxxx`. */
export function stableId(sessionId: string): string {
  return `s_${sessionId.slice(-4)}`;
}

/** The main text of an event, for one-line summaries. */
export function eventSummary(e: JournalEvent): string {
  switch (e.type) {
    case 'session.started':
      return e.data.title;
    case 'session.paused':
    case 'session.resumed':
    case 'session.checkpointed':
      return e.data.note ?? '';
    case 'session.compacted':
      return e.data.summary ? `${e.data.trigger}: ${e.data.summary}` : e.data.trigger;
    case 'session.closed':
      return [e.data.outcome, e.data.reason ?? e.data.summary].filter(Boolean).join(': ');
    case 'subsession.started':
      return `${e.data.sub} ${e.data.name}`;
    case 'subsession.ended':
      return [e.data.sub, e.data.summary].filter(Boolean).join(' ');
    case 'progress':
      return e.data.status === 'current' ? e.data.text : `[${e.data.status}] ${e.data.text}`;
    case 'decision':
    case 'discovery':
    case 'blocker':
    case 'next':
    case 'message.sent':
      return e.data.text;
    case 'blocker.resolved':
      return [e.data.text ?? e.data.blocker, e.data.note].filter(Boolean).join(': ');
    case 'context':
      return e.data.objective ?? [...e.data.keyFacts, ...e.data.keyFiles].join(', ');
    case 'item.linked':
      return `${e.data.key} ${e.data.action}${e.data.note ? `: ${e.data.note}` : ''}`;
    case 'items.migrated':
      return `${e.data.keys.length} item(s) ${e.data.from} -> ${e.data.to}`;
    case 'agent.started':
      return `${e.data.agentType} ${e.data.agentId}`;
    case 'agent.finished':
      return `${e.data.agentType} ${e.data.agentId}${e.data.result ? `: ${e.data.result}` : ''}`;
    case 'tool.used':
      return `${e.data.tool} ${e.data.success ? 'ok' : 'failed'}${e.data.durationMs !== undefined ? ` ${e.data.durationMs}ms` : ''}`;
    case 'transcript.linked':
      return `${e.data.client} ${e.data.clientSession} (${e.data.source})`;
    case 'message.read':
      return `${e.data.messages.length} message(s)`;
    case 'state.set':
      return e.data.focus ?? 'project state';
    case 'redaction':
      return `${e.data.event}${e.data.reason ? `: ${e.data.reason}` : ''}`;
    case 'commit.linked':
      return `${e.data.commit.slice(0, 12)} ${e.data.subject}${e.data.why && e.data.replaces ? ` (${e.data.why} of ${e.data.replaces.slice(0, 12)})` : ''}`;
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** The commit subject of an event: `decision(s_pjcc): Lock before check`, one line, at most 100 chars. */
export function eventSubject(e: JournalEvent): string {
  const scope = e.session ? `(${stableId(e.session)})` : '';
  const summary = eventSummary(e).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  const line = summary ? `${e.type}${scope}: ${summary}` : `${e.type}${scope}`;
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}

/** Total order shared by every replica: Lamport clock, then event id. */
export function compareEvents(a: Pick<JournalEvent, 'clock' | 'id'>, b: Pick<JournalEvent, 'clock' | 'id'>): number {
  return a.clock - b.clock || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

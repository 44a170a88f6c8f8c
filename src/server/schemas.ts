/**
 * The HTTP API's request bodies, defined once with zod and derived from the
 * event schemas where a field is an event field (so a value the journal would
 * refuse is refused at the door with the same rule). The OpenAPI document
 * (./openapi.ts) is generated from these same objects with `z.toJSONSchema`.
 */
import { z } from 'zod';
import { decisionSchema, discoverySchema, itemActions, itemKeyPattern, sessionClosedSchema, sessionStartedSchema } from '../events.js';

/** The zod/mini event schemas expose their shapes; a field of an event's `data`, reused as is. */
type Shaped = { shape: { data: { shape: Record<string, z.core.$ZodType> } } };
const field = (schema: unknown, name: string) => (schema as Shaped).shape.data.shape[name]!;

const text = z.string().min(1, 'must not be empty');
/** A log flag that may repeat, as in `logbook log --progress a --progress b`. */
const oneOrMany = z.union([text, z.array(text).min(1)], { error: 'must be a string or an array of strings' });
/** A blocker or decision number as JSON writes it (`{"resolve": 2}`), the same as `--resolve 2`. */
const number = z.number().int().positive().transform(String);
const reference = z.union([text, number], { error: 'must be a number (#2: 2), an id, or text' });
const references = z.union([text, number, z.array(z.union([text, number])).min(1)], {
  error: 'must be a number (#2: 2), an id, text, or an array of them',
});
const session = z.string().min(1).optional().describe('session reference (any form of SPEC 4); the X-Session-ID header wins');

export const startBodySchema = z
  .object({
    goal: z.string().optional().describe('what this session is for'),
    title: z.string().optional(),
    name: z.string().optional().describe('short name (lowercase letters, digits, dashes)'),
    tasks: z.array(z.string()).optional().describe('task ids to link'),
    parent: z.string().optional().describe('parent session'),
    group: z.string().optional(),
    meta: z.optional(field(sessionStartedSchema, 'meta') as z.ZodType<Record<string, string>>),
  })
  .strict();

export const logBodySchema = z
  .object({
    progress: oneOrMany.optional(),
    step: text.optional(),
    done: oneOrMany.optional(),
    decision: oneOrMany.optional(),
    rationale: (field(decisionSchema, 'rationale') as z.ZodType<string | undefined>),
    options: z.array(text).optional(),
    supersedes: reference.optional(),
    discovery: oneOrMany.optional(),
    evidence: (field(discoverySchema, 'evidence') as z.ZodType<string | undefined>),
    blocker: oneOrMany.optional(),
    resolve: references.optional(),
    note: z.string().optional(),
    next: oneOrMany.optional(),
    session,
  })
  .strict();

export const noteBodySchema = z.object({ note: z.string().optional(), session }).strict();

export const closeBodySchema = z
  .object({
    outcome: field(sessionClosedSchema, 'outcome') as z.ZodType<'completed' | 'abandoned'>,
    reason: z.string().optional(),
    summary: z.string().optional(),
    learnings: z.array(z.string()).optional(),
    session,
  })
  .strict()
  .refine((b) => b.outcome !== 'abandoned' || !!b.reason?.trim(), {
    path: ['reason'],
    message: 'is required when outcome is "abandoned": say why ({"outcome": "abandoned", "reason": "requirements changed"})',
  });

export const linkBodySchema = z
  .object({
    key: z.string().regex(itemKeyPattern, 'must be of the form type:key (task:42, file:src/a.ts)'),
    action: z.enum(itemActions).optional().describe('default referenced'),
    note: z.string().optional(),
    session,
  })
  .strict();

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }),
});

export type StartBody = z.infer<typeof startBodySchema>;
export type LogBody = z.infer<typeof logBodySchema>;
export type CloseBody = z.infer<typeof closeBodySchema>;
export type LinkBody = z.infer<typeof linkBodySchema>;
export type NoteBody = z.infer<typeof noteBodySchema>;

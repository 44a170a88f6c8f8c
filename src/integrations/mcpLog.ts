/**
 * The MCP `log` tool's input: one entry per call, of a required `kind`, with
 * its required `text`, and the few fields that belong to that kind. A model
 * fills what the schema marks required; a field given to the wrong kind, or a
 * kind written as a field (`{"progress": "…"}`, the CLI's shape), is an error
 * that names the field to use instead.
 */
import { z } from 'zod';
import type { LogOptions } from '../logbook.js';
import { descriptionOf, spellingOf } from '../operations/request.js';
import { logEntryKinds, logOperation } from '../operations/requests.js';

/** The log request's entry fields, one of which an MCP call names as its `kind`. */
export const logKinds = logEntryKinds;
export type LogKind = (typeof logKinds)[number];

/** The log request's fields that go with an entry kind (`rationale` with a decision), as the request says. */
const KIND_FIELDS = ['step', 'rationale', 'options', 'supersedes', 'evidence', 'note'] as const;
const goesWith = (key: (typeof KIND_FIELDS)[number]) => spellingOf(logOperation.request.shape[key]).goesWith ?? [];
/** Which optional fields each kind takes (the rest are refused for it). */
const FIELDS_OF = Object.fromEntries(logKinds.map((k) => [k, KIND_FIELDS.filter((f) => goesWith(f).includes(k))])) as unknown as Record<LogKind, readonly string[]>;
const COMMON = ['kind', 'text', 'session'];

const kindList = logKinds.map((k) => `"${k}"`).join(', ');

/** `a`, `a and b`, `a, b and c`. */
const andList = (xs: string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

/** A received value, short, for an error message. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${JSON.stringify(value) ?? String(value)}`;
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** A kind's field, described as the log request describes it, for the kinds that take it. */
function about(key: (typeof KIND_FIELDS)[number]): string {
  return `${goesWith(key).join('/')} only: ${descriptionOf(logOperation.request.shape[key])}`;
}

export const logShape = {
  kind: z
    .enum(logKinds, {
      error: (iss) =>
        iss.input === undefined
          ? `\`kind\` is required, one of ${kindList}: which kind of entry \`text\` is`
          : `\`kind\` must be one of ${kindList}, got ${shown(iss.input)}`,
    })
    .describe(
    'progress: the step being worked on now; done: a finished step; decision: a choice made (+ rationale); discovery: something found out (+ evidence); blocker: what stops the work; resolve: a blocker is solved (text = its number); next: a step still to do',
  ),
  text: z
    .string({
      error: (iss) =>
        iss.input === undefined
          ? '`text` is required: the entry itself (for kind "resolve": the blocker number, id or words of it)'
          : `\`text\` must be a string, got ${shown(iss.input)} (for kind "resolve" too: "2", not 2)`,
    })
    .min(1, '`text` must not be empty')
    .describe('the entry; for kind "resolve" the blocker number (as shown by view), its id, or words of it'),
  step: z.string().optional().describe(about('step')),
  rationale: z.string().optional().describe(about('rationale')),
  options: z.array(z.string()).optional().describe(about('options')),
  supersedes: z.union([z.string().min(1), z.number().int().positive()]).optional().describe(about('supersedes')),
  evidence: z.string().optional().describe(about('evidence')),
  note: z.string().optional().describe(about('note')),
  session: z.string().optional().describe(descriptionOf(logOperation.request.shape.session)!),
};

/** Refuse fields the chosen kind does not take, and kinds written as fields, naming what to write instead. */
export const logInputSchema = z.looseObject(logShape).superRefine(misplacedFields, {
  // Also when kind or text is missing: `{"progress": "…"}` then hears which field to use, not only what is missing.
  when: () => true,
});

function misplacedFields(value: unknown, ctx: z.RefinementCtx): void {
  if (!value || typeof value !== 'object') return;
  const v = value as Record<string, unknown>;
  const kind = v.kind as LogKind | undefined;
  for (const key of Object.keys(v)) {
    if (COMMON.includes(key) || v[key] === undefined) continue;
    if ((logKinds as readonly string[]).includes(key) && !(KIND_FIELDS as readonly string[]).includes(key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `\`${key}\` is not a field: pass kind "${key}" and put the entry in \`text\`` });
    } else if (!(KIND_FIELDS as readonly string[]).includes(key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `unknown field \`${key}\`: the fields are kind, text, ${KIND_FIELDS.join(', ')}, session` });
    } else if (kind && !FIELDS_OF[kind].includes(key)) {
      const owner = logKinds.filter((k) => FIELDS_OF[k].includes(key));
      const own = FIELDS_OF[kind];
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `\`${key}\` belongs to kind ${owner.map((k) => `"${k}"`).join(' or ')}, not "${kind}"${own.length ? `; a ${kind} takes ${andList(own.map((f) => `\`${f}\``))}` : `; a ${kind} is just its \`text\``}`,
      });
    }
  }
}

export type LogInput = z.infer<typeof logInputSchema>;

/** The library's `log` options for one validated entry. */
export function logOptionsFrom(input: LogInput): LogOptions {
  const o: LogOptions = { [input.kind]: input.text };
  if (input.step !== undefined) o.step = input.step;
  if (input.rationale !== undefined) o.rationale = input.rationale;
  if (input.options !== undefined) o.options = input.options;
  if (input.supersedes !== undefined) o.supersedes = input.supersedes;
  if (input.evidence !== undefined) o.evidence = input.evidence;
  if (input.note !== undefined) o.note = input.note;
  return o;
}

/**
 * How an operation's request is defined once: a zod object whose fields carry
 * their description and, where the command line spells a field differently
 * (`--option` for `options`, `--complete`/`--abandon` for `outcome`, a
 * positional argument), a note on how. The CLI flags (cli/request.ts), the
 * MCP tools' input schemas and the HTTP bodies with their OpenAPI document are
 * derived from these objects; nothing else describes a request.
 */
import * as z from 'zod/mini';
import { LogbookError } from '../errors.js';
import { redactText } from '../redact.js';

/** How a field appears on the command line when not as `--kebab-name <value>`. */
export interface CliSpelling {
  /** The flag's name without dashes (`option` for `options`): a repeatable field takes one value per flag. */
  flag?: string;
  /** The placeholder in help (`<text>`, `<S>`). */
  value?: string;
  /** A positional argument instead of a flag: its name as commander writes it (`<KEY>`, `[S]`, `<QUERY...>`). */
  positional?: string;
  /** With `positional`: the flag is offered too (`logbook resume S` and `--session S`). */
  alsoFlag?: boolean;
  /** An enum given as one boolean flag per value (`--complete` → "completed"), each with its help. */
  choiceFlags?: Record<string, { value: string; help: string }>;
  /** With `choiceFlags`: what to type, for the error when none or several are given. */
  choiceExample?: string;
  /** A second flag for this list whose values are appended to it as typed (`--tasks a,b`: the operation splits commas). */
  commaAlias?: string;
  /** `-` reads the value from stdin (free text). */
  stdin?: boolean;
  /** What a number counts, for the command line's error (`characters`). */
  unit?: string;
  /** The name in a URL query string, when not the field's (`q` for a search's `query`). */
  param?: string;
  /** The log entries a field goes with (`rationale` with a decision): the CLI says "(with --decision)", MCP "decision only". */
  goesWith?: readonly string[];
}

/** The faces' spellings, kept beside the schemas (zod's own registry holds the descriptions). */
export const cliSpelling = z.registry<CliSpelling>();

/** Describe a field once for every face; `cli` only where the command line spells it otherwise. */
export function field<T extends z.core.$ZodType>(schema: T, description: string, cli?: CliSpelling): T {
  z.globalRegistry.add(schema, { description });
  if (cli) cliSpelling.add(schema, cli);
  return schema;
}

/** Free text: non-empty, and `-` reads it from stdin on the command line. */
export const text = (description: string, cli: CliSpelling = {}) => z.optional(field(z.string().check(z.minLength(1, 'must not be empty')), description, { stdin: true, ...cli }));
/** Text that may be empty (a note, `--focus ""` to clear), `-` reads it from stdin. */
export const optionalText = (description: string, cli: CliSpelling = {}) => z.optional(field(z.string(), description, { stdin: true, ...cli }));
/** A value that is not free text (a name, a reference). */
export const word = (description: string, cli: CliSpelling = {}) => z.optional(field(z.string(), description, cli));
/** Free text that may repeat, one event each (`--progress a --progress b`; JSON: a string or an array). */
export const texts = (description: string, cli: CliSpelling = {}) => {
  const one = z.string().check(z.minLength(1, 'must not be empty'));
  return z.optional(field(z.union([one, z.array(one)], { error: 'must be a string or an array of strings' }), description, { stdin: true, ...cli }));
};
/** A list of values, one per flag on the command line. */
export const list = (description: string, cli: CliSpelling = {}) => z.optional(field(z.array(z.string()), description, cli));
/** A whole number of at least `min`. */
export const whole = (min: number, description: string, cli: CliSpelling = {}) =>
  z.optional(field(z.int({ error: `must be a whole number, at least ${min}` }).check(z.minimum(min, `must be a whole number, at least ${min}`)), description, cli));

/** The session a write acts on (SPEC 4); absent: the current one. */
export const sessionField = () =>
  z.optional(field(z.string().check(z.minLength(1, 'must not be empty: leave it out for the current session')), 'session: full id, s_xxxx, suffix, shortname or unique prefix (default: current)', { value: '<S>' }));

export type Shape = Record<string, z.core.$ZodType>;

/** One operation of the application layer: its name, what it does, and its request. */
export interface Operation<S extends Shape = Shape> {
  name: string;
  summary: string;
  request: z.ZodMiniObject<S, z.core.$strict>;
}

export function operation<S extends Shape>(name: string, summary: string, shape: S): Operation<S> {
  return { name, summary, request: z.strictObject(shape) };
}

export type RequestOf<O extends Operation> = z.output<O['request']>;

/** A field's schema without its optional/default wrappers, where descriptions and spellings are registered. */
export function inner(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema;
  for (;;) {
    const def = s._zod.def as { type: string; innerType?: z.core.$ZodType };
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) s = def.innerType;
    else return s;
  }
}

export const descriptionOf = (schema: z.core.$ZodType): string | undefined => (z.globalRegistry.get(inner(schema)) as { description?: string } | undefined)?.description;
export const spellingOf = (schema: z.core.$ZodType): CliSpelling => cliSpelling.get(inner(schema)) ?? {};

export type Kind = 'text' | 'list' | 'number' | 'boolean' | 'record';

/** What a field holds, as far as the command line cares. */
export function kindOf(schema: z.core.$ZodType): Kind {
  const s = inner(schema);
  const def = s._zod.def as { type: string; options?: z.core.$ZodType[] };
  if (def.type === 'array') return 'list';
  if (def.type === 'union') return def.options!.some((o) => kindOf(o) === 'list') ? 'list' : def.options!.every((o) => kindOf(o) === 'number') ? 'number' : 'text';
  if (def.type === 'number') return 'number';
  if (def.type === 'boolean') return 'boolean';
  if (def.type === 'record') return 'record';
  return 'text';
}

export const enumValues = (schema: z.core.$ZodType): string[] | undefined => {
  const def = inner(schema)._zod.def as { type: string; entries?: Record<string, string> };
  return def.type === 'enum' && def.entries ? Object.values(def.entries) : undefined;
};

/** The least whole number a number field takes (its `minimum`/`positive` check). */
export function minimumOf(schema: z.core.$ZodType): number {
  const checks = ((inner(schema)._zod.def as { checks?: Array<{ _zod: { def: { check: string; value?: number; inclusive?: boolean } } }> }).checks ?? []).map((c) => c._zod.def);
  const bound = checks.find((c) => c.check === 'greater_than');
  return bound?.value === undefined ? 0 : bound.inclusive ? bound.value : Math.floor(bound.value) + 1;
}

export const isOptional = (schema: z.core.$ZodType) => (schema._zod as { optin?: string }).optin === 'optional';

/** How a face names a request field in an error: `--option` on the command line, `options` elsewhere. */
export type FieldNamer = (key: string) => string;

export const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The command line's name for `key` of `op`'s request (`--option`, `--complete/--abandon`, `KEY`). */
export function cliName(op: Operation, key: string): string {
  const schema = op.request.shape[key];
  const spelling = schema ? spellingOf(schema) : {};
  if (spelling.positional && !spelling.alsoFlag) return spelling.positional.replace(/[<>[\].]/g, '');
  if (spelling.choiceFlags) return Object.keys(spelling.choiceFlags).map((f) => `--${f}`).join('/');
  return `--${spelling.flag ?? kebab(key)}`;
}

/**
 * Parse `input` as `op`'s request. A value the request refuses is an
 * INVALID_INPUT error naming the field as this face spells it (and what was
 * given); the hint lists the operation's fields when a field is unknown, else
 * says where to read about them.
 */
export function parseRequest<O extends Operation>(op: O, input: unknown, name: FieldNamer = (k) => k, hint = `${op.name} takes ${Object.keys(op.request.shape).join(', ')}`): RequestOf<O> {
  const r = z.safeParse(op.request, input ?? {}, { reportInput: true });
  if (r.success) return r.data as RequestOf<O>;
  const lines = r.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    const key = issue.path.length ? String(issue.path[0]) : undefined;
    const at = key === undefined ? op.name : name(key);
    // What was given, short and redacted (an error message is a path text takes too).
    const given = typeof issue.input === 'string' ? `, got "${shorten(redactText(issue.input).text)}"` : '';
    return `${at}: ${issue.message}${given}`;
  });
  const unknown = r.error.issues.some((i) => i.code === 'unrecognized_keys');
  throw new LogbookError('INVALID_INPUT', `invalid ${op.name} request: ${lines.join('; ')}`, {
    hint: unknown ? `${op.name} takes ${Object.keys(op.request.shape).map(name).join(', ')}` : hint,
  });
}

const shorten = (t: string) => (t.length > 60 ? `${t.slice(0, 57)}…` : t);

/** Drop undefined fields (the library's options are exact optional types). */
export const defined = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

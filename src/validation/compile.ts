/**
 * A zod/mini schema compiled into plain checking code: the same constraints,
 * checked in one pass with no issue bookkeeping, for the one place that
 * validates many values (every event read from git on a first read or a fetch).
 *
 * `compile(schema)` returns a function that gives exactly what
 * `schema.safeParse(value).data` gives (a copy: objects rebuilt in the
 * schema's key order, unknown keys dropped, arrays copied) when it can vouch
 * that the value conforms, and `NOT_SURE` otherwise: the value fails a check,
 * or uses something this compiler does not model (a refinement, a transform,
 * a `__proto__` key, a key present with `undefined`). The caller then asks
 * zod itself, which says why a value is wrong. So a value is never accepted
 * that zod would reject, and never given another shape than zod gives it
 * (test/validation/compile.property.test.ts checks both against zod).
 *
 * What is modelled: object (strip), string (min_length, regex and format
 * patterns), number (finite; int/safeint, greater_than), boolean, literal,
 * enum, optional, array, record of string keys, discriminated union.
 * Anything else compiles to "always ask zod".
 */

/** The compiled function's answer when it cannot vouch for the value. */
export const NOT_SURE: unique symbol = Symbol('not sure');

type Check = (value: unknown) => unknown;

/** The part of a zod schema's internals this compiler reads (zod v4's `_zod.def`). */
interface Def {
  type: string;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  [key: string]: unknown;
}
interface CheckDef {
  check: string;
  [key: string]: unknown;
}
interface Schema {
  _zod: { def: Def };
}

/** Refuses to compile (the schema falls back to zod). */
class Unsupported extends Error {}

const defOf = (s: unknown): Def => {
  const def = (s as Schema | undefined)?._zod?.def;
  if (!def || typeof def.type !== 'string') throw new Unsupported('not a zod schema');
  return def;
};

/** Keys an object literal answers through its prototype: `in` and plain reads would see them. */
const PROTO_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

/** A string predicate for one check of a string schema (or the schema's own format). */
function stringCheck(def: CheckDef | Def): (s: string) => boolean {
  switch (def.check) {
    case 'min_length': {
      const min = def.minimum as number;
      if (typeof min !== 'number') throw new Unsupported('min_length');
      return (s) => s.length >= min;
    }
    case 'max_length': {
      const max = def.maximum as number;
      if (typeof max !== 'number') throw new Unsupported('max_length');
      return (s) => s.length <= max;
    }
    case 'string_format': {
      const pattern = def.pattern;
      if (!(pattern instanceof RegExp)) throw new Unsupported(`format ${String(def.format)}`);
      return (s) => {
        pattern.lastIndex = 0;
        return pattern.test(s);
      };
    }
    default:
      throw new Unsupported(`string check ${def.check}`);
  }
}

function numberCheck(def: CheckDef | Def): (n: number) => boolean {
  switch (def.check) {
    case 'number_format': {
      const format = def.format;
      if (format === 'safeint') return (n) => Number.isSafeInteger(n);
      if (format === 'float64' || format === undefined) return () => true;
      throw new Unsupported(`number format ${String(format)}`);
    }
    case 'greater_than': {
      const v = def.value as number;
      if (typeof v !== 'number') throw new Unsupported('greater_than');
      return def.inclusive ? (n) => n >= v : (n) => n > v;
    }
    case 'less_than': {
      const v = def.value as number;
      if (typeof v !== 'number') throw new Unsupported('less_than');
      return def.inclusive ? (n) => n <= v : (n) => n < v;
    }
    default:
      throw new Unsupported(`number check ${def.check}`);
  }
}

const checksOf = (def: Def): CheckDef[] => (def.checks ?? []).map((c) => c._zod.def);

function compileString(def: Def): Check {
  const preds = checksOf(def).map(stringCheck);
  if (def.check !== undefined) preds.unshift(stringCheck(def)); // a format schema (z.iso.datetime()) is its own check
  if (def.coerce) throw new Unsupported('coerce');
  return (v) => {
    if (typeof v !== 'string') return NOT_SURE;
    for (const p of preds) if (!p(v)) return NOT_SURE;
    return v;
  };
}

function compileNumber(def: Def): Check {
  if (def.coerce) throw new Unsupported('coerce');
  const preds = checksOf(def).map(numberCheck);
  if (def.check !== undefined) preds.unshift(numberCheck(def)); // z.int() is a number with its own format check
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return NOT_SURE;
    for (const p of preds) if (!p(v)) return NOT_SURE;
    return v;
  };
}

/** A field of an object: its key, whether it may be absent, and its check. */
interface Field {
  key: string;
  optional: boolean;
  check: Check;
}

function compileObject(def: Def): Check {
  if (def.checks?.length) throw new Unsupported('object with checks (a refinement)');
  if (def.catchall !== undefined) throw new Unsupported('object with a catch-all');
  const shape = def.shape as Record<string, unknown>;
  if (Object.getOwnPropertySymbols(shape).length) throw new Unsupported('symbol keys');
  const fields: Field[] = Object.keys(shape).map((key) => {
    if (PROTO_KEYS.has(key) || key === '__proto__') throw new Unsupported(`key ${key}`);
    const fdef = defOf(shape[key]);
    const optional = fdef.type === 'optional';
    return { key, optional, check: compileSchema(optional ? fdef.innerType : shape[key]) };
  });
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return NOT_SURE;
    const input = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const x = input[f.key];
      if (x === undefined) {
        if (!f.optional || f.key in input) return NOT_SURE; // missing and required, or present as undefined (zod keeps such a key)
        continue;
      }
      const r = f.check(x);
      if (r === NOT_SURE) return NOT_SURE;
      out[f.key] = r;
    }
    return out;
  };
}

function compileArray(def: Def): Check {
  if (def.checks?.length) throw new Unsupported('array with checks');
  const element = compileSchema(def.element);
  return (v) => {
    if (!Array.isArray(v)) return NOT_SURE;
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) return NOT_SURE; // a hole
      const r = element(v[i]);
      if (r === NOT_SURE) return NOT_SURE;
      out[i] = r;
    }
    return out;
  };
}

function compileRecord(def: Def): Check {
  if (def.checks?.length || def.mode !== undefined && def.mode !== 'strict') throw new Unsupported('record mode');
  const keyDef = defOf(def.keyType);
  if (keyDef.type !== 'string' || keyDef.checks?.length || keyDef.check !== undefined) throw new Unsupported('record keys other than plain strings');
  const value = compileSchema(def.valueType);
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) return NOT_SURE;
    const input = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(input)) {
      // Keys zod treats apart (the prototype's names, which its plain-object test reads): left to zod.
      if (PROTO_KEYS.has(key) || key === '__proto__') return NOT_SURE;
      const r = value(input[key]);
      if (r === NOT_SURE) return NOT_SURE;
      out[key] = r;
    }
    if (Object.getOwnPropertySymbols(input).length) return NOT_SURE;
    return out;
  };
}

function compileUnion(def: Def): Check {
  const discriminator = def.discriminator;
  if (typeof discriminator !== 'string' || def.unionFallback) throw new Unsupported('a union that is not discriminated');
  const byValue = new Map<unknown, Check>();
  for (const option of def.options as unknown[]) {
    const odef = defOf(option);
    if (odef.type !== 'object') throw new Unsupported('a union option that is not an object');
    const tag = defOf((odef.shape as Record<string, unknown>)[discriminator]);
    if (tag.type !== 'literal') throw new Unsupported('a discriminator that is not a literal');
    let check: Check;
    try {
      check = compileObject(odef);
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      check = () => NOT_SURE; // this option is always zod's to judge
    }
    for (const value of tag.values as unknown[]) if (!byValue.has(value)) byValue.set(value, check);
  }
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return NOT_SURE;
    const check = byValue.get((v as Record<string, unknown>)[discriminator]);
    return check ? check(v) : NOT_SURE;
  };
}

function compileSchema(schema: unknown): Check {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return compileString(def);
    case 'number':
      return compileNumber(def);
    case 'boolean':
      if (def.checks?.length || def.coerce) throw new Unsupported('boolean with checks');
      return (v) => (typeof v === 'boolean' ? v : NOT_SURE);
    case 'literal': {
      if (def.checks?.length) throw new Unsupported('literal with checks');
      const values = new Set(def.values as unknown[]);
      return (v) => ((typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && values.has(v) ? v : NOT_SURE);
    }
    case 'enum': {
      if (def.checks?.length) throw new Unsupported('enum with checks');
      const values = new Set(Object.values(def.entries as Record<string, unknown>));
      return (v) => ((typeof v === 'string' || typeof v === 'number') && values.has(v) ? v : NOT_SURE);
    }
    case 'object':
      return compileObject(def);
    case 'array':
      return compileArray(def);
    case 'record':
      return compileRecord(def);
    case 'union':
      return compileUnion(def);
    default:
      // optional outside an object (its absence means nothing there), pipes, transforms, defaults, …
      throw new Unsupported(def.type);
  }
}

/**
 * `schema` as a plain function: zod's output for a value it can vouch for,
 * `NOT_SURE` for any other (then ask zod). A schema it cannot model at all
 * compiles to a function that always answers `NOT_SURE`.
 */
export function compile<T>(schema: unknown): (value: unknown) => T | typeof NOT_SURE {
  try {
    return compileSchema(schema) as (value: unknown) => T | typeof NOT_SURE;
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    return () => NOT_SURE;
  }
}

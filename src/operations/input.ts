/** Checks shared by every request: values given as one or many, text that must not be blank. */
import { LogbookError } from '../errors.js';

/** A flag given once or repeated, as a list. */
export const many = (v: string | number | Array<string | number> | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map(String);

/** `value`, refused when given but blank (a flag with no text). */
export function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!value.trim()) throw new LogbookError('INVALID_INPUT', `${flag} needs a non-empty value`, { hint: `pass text after ${flag}, or - to read it from stdin` });
  return value;
}

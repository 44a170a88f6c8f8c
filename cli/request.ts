/**
 * The command line's face of an operation's request (src/operations/requests.ts):
 * its flags and arguments are derived from the request's fields, and what the
 * user typed is turned back into that request and parsed by it. A command
 * adds only what belongs to the terminal (`--json`, `--allow-secret`).
 */
import { Command, Option } from 'commander';
import { LogbookError } from '../src/errors.js';
import { cliName, descriptionOf, enumValues, isOptional, kebab, kindOf, minimumOf, parseRequest, spellingOf, type Operation, type RequestOf } from '../src/operations/request.js';
import { collect, textValue, wholeNumber, type Io } from './io.js';

/** commander's attribute name of a flag (`--new-actor` → `newActor`). */
const attribute = (flag: string) => flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Add `op`'s request fields to `cmd` as arguments and flags (in the request's order). */
export function requestOptions(cmd: Command, op: Operation): Command {
  for (const [key, schema] of Object.entries(op.request.shape)) {
    const spelling = spellingOf(schema);
    const kind = kindOf(schema);
    const repeatable = kind === 'list' || kind === 'record';
    const notes = [spelling.goesWith ? `with ${spelling.goesWith.map((k) => `--${k}`).join('/')}` : '', repeatable ? 'repeatable' : '', spelling.stdin ? '- reads stdin' : ''].filter(Boolean);
    const about = `${descriptionOf(schema) ?? key}${notes.length ? ` (${notes.join('; ')})` : ''}`;
    if (spelling.positional) {
      cmd.argument(spelling.positional, about);
      if (!spelling.alsoFlag) continue;
    }
    if (spelling.choiceFlags) {
      for (const [flag, choice] of Object.entries(spelling.choiceFlags)) cmd.option(`--${flag}`, choice.help);
      continue;
    }
    const flag = `--${spelling.flag ?? kebab(key)}`;
    if (kind === 'boolean') {
      cmd.option(flag, about);
      continue;
    }
    const option = new Option(`${flag} ${spelling.value ?? (spelling.stdin ? '<text>' : '<value>')}`, about);
    if (repeatable) option.argParser(collect);
    if (kind === 'number') option.argParser(wholeNumber(minimumOf(schema), spelling.unit ?? 'units'));
    const choices = enumValues(schema);
    if (choices) option.choices(choices);
    if (!isOptional(schema)) option.makeOptionMandatory();
    cmd.addOption(option);
    if (spelling.commaAlias) cmd.option(`--${spelling.commaAlias} <values>`, `comma-separated (alias of ${flag})`);
  }
  return cmd;
}

/** `--meta key=value` pairs as a record. */
function pairs(flag: string, given: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of given) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new LogbookError('INVALID_INPUT', `${flag} expects key=value, got "${pair}"`, { hint: `for example ${flag} channel=cli` });
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return out;
}

/** The request the user typed to `cmd` (flags, arguments, `-` read from stdin), parsed by `op`'s schema. */
export async function requestFrom<O extends Operation>(io: Io, op: O, cmd: Command): Promise<RequestOf<O>> {
  const opts = cmd.opts() as Record<string, unknown>;
  const args = cmd.processedArgs as unknown[];
  const input: Record<string, unknown> = {};
  let position = 0;
  for (const [key, schema] of Object.entries(op.request.shape)) {
    const spelling = spellingOf(schema);
    const kind = kindOf(schema);
    let value: unknown;
    if (spelling.positional) {
      const arg = args[position++];
      value = Array.isArray(arg) ? arg.join(' ') : arg;
    }
    if (spelling.choiceFlags) {
      const chosen = Object.entries(spelling.choiceFlags).filter(([flag]) => opts[attribute(flag)]);
      if (chosen.length > 1 || (!chosen.length && !isOptional(schema))) {
        const flags = Object.keys(spelling.choiceFlags).map((f) => `--${f}`);
        throw new LogbookError('INVALID_INPUT', `${op.name} needs exactly one of ${flags.join(' or ')}`, { hint: spelling.choiceExample ?? `for example: logbook ${op.name} ${flags[0]}` });
      }
      value = chosen[0]?.[1].value;
    } else if (value === undefined && (!spelling.positional || spelling.alsoFlag)) {
      value = opts[attribute(spelling.flag ?? kebab(key))];
      if (spelling.commaAlias && typeof opts[attribute(spelling.commaAlias)] === 'string') value = [...((value as string[] | undefined) ?? []), opts[attribute(spelling.commaAlias)] as string];
    }
    if (value === undefined) continue;
    if (kind === 'record') value = pairs(cliName(op, key), value as string[]);
    else if (spelling.stdin) value = Array.isArray(value) ? await Promise.all(value.map((v: string) => textValue(io, v))) : await textValue(io, value as string);
    // A repeatable entry given once is the one value, as JSON writes it (`{"progress": "…"}`).
    input[key] = value;
  }
  return parseRequest(op, input, (key) => cliName(op, key), `see \`logbook ${op.name} --help\``);
}

/**
 * The one error hierarchy of Logbook. Every failure a user can cause has a
 * stable `code`, a message that says what was wrong, and a `hint` that says
 * what to do next. Only `cli/main.ts` turns these into exit codes. Message
 * and hint are redacted (src/redact.ts) when the error is made.
 */
import { redactText } from './redact.js';

export const errorCodes = {
  NOT_A_GIT_REPO: 'not a git repository',
  NOT_INITIALISED: 'journal not initialised',
  INVALID_INPUT: 'invalid input',
  UNKNOWN_SESSION: 'unknown session',
  AMBIGUOUS_SESSION: 'ambiguous session reference',
  AMBIGUOUS_REFERENCE: 'ambiguous reference',
  NO_CURRENT_SESSION: 'no current session',
  SESSION_STATE: 'session is in the wrong state',
  UNKNOWN_EVENT: 'unknown event',
  UNKNOWN_ITEM: 'unknown item',
  CONFLICT: 'ref moved during append',
  LOCKED: 'ref is locked',
  CORRUPT_OBJECT: 'corrupt git object',
  REPLICA_COLLISION: 'replica id collision',
  REF_MOVED_BACKWARDS: 'ref moved backwards',
  SYNC_FAILED: 'sync failed',
  SETTINGS_INVALID: 'settings file is not valid JSON',
  SECRET_DETECTED: 'secret detected',
  UNHEALTHY: 'doctor found problems',
  TIMEOUT: 'time budget ran out',
  NOT_WRITABLE: 'cannot write to the repository',
  GIT_NOT_FOUND: 'the git binary is needed and missing',
  UNKNOWN_PATH: 'no such file in the repository',
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class LogbookError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly data: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; data?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    // Messages quote what the user typed (a bad item key, a --meta pair) and go to stderr, logs and MCP clients: never a secret.
    super(redactText(message).text, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LogbookError';
    this.code = code;
    this.hint = options.hint === undefined ? undefined : redactText(options.hint).text;
    this.data = options.data;
  }
}

export function isLogbookError(e: unknown, code?: ErrorCode): e is LogbookError {
  return e instanceof LogbookError && (code === undefined || e.code === code);
}

/** Turn zod issues into one readable line per problem. */
export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

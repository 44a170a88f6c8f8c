/**
 * Errors as the HTTP API answers them: `{"error": {"code", "message", "hint"}}`
 * with a status derived from the LogbookError code, so every channel reports
 * the same failure with the same words.
 */
import { describeIssues, isLogbookError, type ErrorCode } from '../errors.js';
import { inFieldWords } from '../operations/requests.js';
import { redactText } from '../redact.js';

/** Refusals that only exist at the HTTP door (no token, wrong Host, read-only…). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const statusOf: Record<ErrorCode, number> = {
  NOT_A_GIT_REPO: 500,
  NOT_INITIALISED: 500,
  INVALID_INPUT: 400,
  UNKNOWN_SESSION: 404,
  AMBIGUOUS_SESSION: 400,
  AMBIGUOUS_REFERENCE: 400,
  NO_CURRENT_SESSION: 404,
  SESSION_STATE: 409,
  UNKNOWN_EVENT: 404,
  UNKNOWN_ITEM: 404,
  CONFLICT: 409,
  LOCKED: 409,
  CORRUPT_OBJECT: 500,
  REPLICA_COLLISION: 409,
  REF_MOVED_BACKWARDS: 409,
  SYNC_FAILED: 502,
  SETTINGS_INVALID: 500,
  SECRET_DETECTED: 400,
  UNHEALTHY: 500,
  TIMEOUT: 504,
  NOT_WRITABLE: 507,
  GIT_NOT_FOUND: 500,
  UNKNOWN_PATH: 404,
};

export interface ErrorBody {
  error: { code: string; message: string; hint?: string };
}

/**
 * Status and body for anything a handler threw; an unexpected error says so
 * without leaking a stack. Messages quote the request (an unknown field, a
 * session reference): they are redacted as the CLI's stderr is.
 */
export function errorResponse(e: unknown): { status: number; body: ErrorBody } {
  const { status, body } = rawErrorResponse(e);
  const { code, message, hint } = body.error;
  return { status, body: { error: { code, message: redactText(message).text, ...(hint !== undefined ? { hint: redactText(hint).text } : {}) } } };
}

function rawErrorResponse(e: unknown): { status: number; body: ErrorBody } {
  if (e instanceof HttpError) return { status: e.status, body: { error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } } };
  if (isLogbookError(e)) {
    // A text over the entry size limit is "too large", whichever field it came in.
    const tooLarge = e.code === 'INVALID_INPUT' && typeof e.data?.limit === 'number' && typeof e.data?.bytes === 'number';
    // A short name an open session holds: the request is well formed, it conflicts with the journal.
    const taken = e.code === 'INVALID_INPUT' && typeof e.data?.taken === 'string';
    // The library words its errors for the command line; here they name the body's fields.
    return { status: tooLarge ? 413 : taken ? 409 : statusOf[e.code], body: { error: { code: e.code, message: inFieldWords(e.message), ...(e.hint ? { hint: inFieldWords(e.hint) } : {}) } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: `internal error: ${(e as Error)?.message ?? String(e)}`, hint: 'please report this with the request you made' } } };
}

/** A zod failure of a request body, as a 400 whose message names each field. */
export function invalidBody(what: string, issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, options: { of?: string; hint?: string } = {}): HttpError {
  return new HttpError(400, 'INVALID_INPUT', `invalid ${what} ${options.of ?? 'body'}: ${describeIssues(issues)}`, options.hint ?? 'see GET /api/openapi.json for the request schemas');
}

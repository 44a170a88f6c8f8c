/** `GET /api/openapi.json`: OpenAPI 3.1, generated from the route table and its zod schemas (nothing here describes a body by hand). */
import * as z from 'zod/mini';
import { descriptionOf, isOptional, kindOf, spellingOf, type Operation } from '../operations/request.js';
import { routes } from './api.js';

/** Every error answer: `{"error": {"code", "message", "hint"}}`. */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), hint: z.optional(z.string()) }),
});

const statusText: Record<number, string> = {
  400: 'malformed request or invalid value',
  401: 'no or wrong token',
  403: 'Host or Origin not this server, or --read-only',
  404: 'unknown session, item or event',
  409: 'the session is in the wrong state, or a conflict',
  413: 'request body or a text too large',
};

const schemaOf = (s: z.core.$ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

/** A GET operation's request as query parameters (a list field repeats its parameter). */
function queryParameters(op: Operation) {
  return Object.entries(op.request.shape).map(([key, field]) => {
    const schema = schemaOf(field);
    return {
      name: spellingOf(field).param ?? key,
      in: 'query',
      required: !isOptional(field),
      description: descriptionOf(field),
      ...(kindOf(field) === 'list' ? { explode: true } : {}),
      schema,
    };
  });
}

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const error = { description: '', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  for (const r of routes) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = r.fromQuery && r.operation ? queryParameters(r.operation) : Object.entries(r.query ?? {}).map(([name, description]) => ({ name, in: 'query', required: false, description, schema: { type: 'string' } }));
    const headers = r.write
      ? [{ name: 'X-Session-ID', in: 'header', required: false, description: r.sessionHeader ?? 'the session to write to: full id, s_xxxx, suffix, shortname or unique prefix (SPEC 4)', schema: { type: 'string' } }]
      : [];
    const codes = r.write ? [400, 401, 403, 404, 409, 413] : [400, 401, 403, 404];
    (paths[r.path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      operationId: `${r.method.toLowerCase()}${r.path.replace(/\/api/, '').replace(/[{}]/g, '').split('/').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('')}`,
      parameters: [...params, ...query, ...headers],
      ...(r.operation && !r.fromQuery ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.operation.request) } } } } : {}),
      responses: {
        [String(r.status ?? 200)]: { description: 'OK', content: { 'application/json': { schema: {} } } },
        ...Object.fromEntries(codes.map((c) => [String(c), { ...error, description: statusText[c] }])),
      },
    };
  }
  paths['/api/events/stream'] = {
    get: {
      summary: 'Server-Sent Events: every new event, whoever wrote it; resumable with Last-Event-ID',
      operationId: 'getEventsStream',
      parameters: [{ name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } }],
      responses: { '200': { description: 'text/event-stream; each message is {"repo","event"} with the event id (a cursor with several repositories) as its id', content: { 'text/event-stream': { schema: { type: 'string' } } } }, '401': { ...error, description: statusText[401] } },
    },
  };
  paths['/api/repos'] = {
    get: { summary: 'The repositories this server serves; every path may be prefixed with /api/repos/{NAME}', operationId: 'getRepos', responses: { '200': { description: 'OK', content: { 'application/json': { schema: {} } } } } },
  };
  paths['/api/openapi.json'] = {
    get: { summary: 'This document (OpenAPI 3.1)', operationId: 'getOpenapi', responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } }, '401': { ...error, description: statusText[401] } } },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'Logbook', version, description: 'The HTTP face of Logbook (`logbook serve`): the same operations as the CLI and MCP server.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { cookie: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie', name: 'logbook_token_PORT' } },
      schemas: { Error: schemaOf(errorBodySchema) },
    },
    paths,
  };
}

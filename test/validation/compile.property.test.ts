/**
 * The compiled event schema (src/validation/compile.ts) against zod itself:
 * for every value it vouches for, zod accepts it too and gives the same
 * result, key order included; every value zod rejects it leaves to zod. The
 * values are one event of each kind with every optional field, then changed
 * at a random place: a key removed, a value replaced by any JSON value (or by
 * a near miss: an empty string, a negative or fractional number, a string
 * one character off a pattern, undefined), a key added; as JSON brings it,
 * or as a caller in process hands it over.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventTypes, journalEventSchema, parseStoredEvent, type Draft, type JournalEvent } from '../../src/events.js';
import { NOT_SURE, compile } from '../../src/validation/compile.js';
import { ev } from '../helpers/events.js';

const S = '20260102_1000_abcd';
const C = 'a'.repeat(40);

/** One draft of each kind, every optional field set. */
const drafts: Draft[] = [
  { type: 'session.started', session: S, data: { title: 'T', shortname: 'fix-it', goal: 'g', taskIds: ['42'], parent: 'p', group: 'grp', meta: { k: 'v', '1': 'one' }, gitBranch: 'main', gitCommit: C } },
  { type: 'session.paused', session: S, data: { note: 'n', auto: true } },
  { type: 'session.resumed', session: S, data: { note: 'n' } },
  { type: 'session.checkpointed', session: S, data: { note: 'n', auto: false, gitBranch: 'b', gitCommit: C } },
  { type: 'session.compacted', session: S, data: { trigger: 'auto', summary: 's', of: 'x' } },
  { type: 'session.closed', session: S, data: { outcome: 'completed', reason: 'r', summary: 's', learnings: ['l'], tasksCompleted: ['42'] } },
  { type: 'subsession.started', session: S, data: { sub: 'sub_001', name: 'n' } },
  { type: 'subsession.ended', session: S, data: { sub: 'sub_001', summary: 's' } },
  { type: 'progress', session: S, data: { text: 't', step: 'st', status: 'current' } },
  { type: 'decision', session: S, data: { text: 't', rationale: 'r', options: ['a', 'b'], supersedes: 'x' } },
  { type: 'discovery', session: S, data: { text: 't', evidence: 'e' } },
  { type: 'blocker', session: S, data: { text: 't' } },
  { type: 'blocker.resolved', session: S, data: { blocker: 'b', text: 't', note: 'n' } },
  { type: 'next', session: S, data: { text: 't', listOnly: true } },
  { type: 'context', session: S, data: { objective: 'o', summary: 's', keyFiles: ['a.ts'], keyFacts: ['f'] } },
  { type: 'item.linked', session: S, data: { key: 'task:42', action: 'created', note: 'n' } },
  { type: 'items.migrated', session: S, data: { from: 'a', to: 'b', keys: ['task:1'] } },
  { type: 'agent.started', session: S, data: { agentId: 'a', agentType: 't', parentSession: S } },
  { type: 'agent.finished', session: S, data: { agentId: 'a', agentType: 't', parentSession: S, result: 'r', costUsd: 0.5 } },
  { type: 'tool.used', session: S, data: { tool: 'Bash', success: true, durationMs: 12 } },
  { type: 'transcript.linked', session: S, data: { client: 'claude-code', clientSession: 'c', path: '/p', source: 'startup' } },
  { type: 'message.sent', session: S, data: { to: { session: S, actor: 'a' }, text: 't' } },
  { type: 'message.read', session: S, data: { messages: ['m'] } },
  { type: 'state.set', session: S, data: { todo: ['a'], focus: 'f', next: ['n'] } },
  { type: 'redaction', session: S, data: { event: 'e', reason: 'r' } },
  { type: 'commit.linked', session: S, data: { commit: C, patchId: 'p', branch: 'b', subject: 's', files: ['a.ts'], replaces: C, why: 'amend' } },
];
const samples: JournalEvent[] = drafts.map((d) => JSON.parse(JSON.stringify(ev(d, { actor: { name: 'Ada', email: 'a@x', agent: 'claude-code', agentSession: 'cc' } }))) as JournalEvent);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value inside `v` (the root excluded). */
function paths(v: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...prefix, i], ...paths(x, [...prefix, i])]);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [[...prefix, k], ...paths(x, [...prefix, k])]);
  return [];
}

/** A value close to a valid one: what a hand-edited or newer event might hold. */
const nearMiss = fc.oneof(
  fc.constantFrom<Json>('', ' ', 0, -1, 0.5, 1.5, 1e21, -0, 'sub_01', 'sub_0001', 'task:', 'TASK:1', '20260102_1000_ABCD', '2026-01-02T10:00:00Z', '2026-01-02T10:00:00.000+01:00', '2026-02-30T10:00:00.000Z', 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ', '0'.repeat(25), 'replica', 'REPLICAAAAAA', 'manual', 'unknown', 'squash', 'done', 'todo', true, false, null, [], {}, [''], { session: '' }, { actor: 'a' }, '__proto__', 'constructor'),
  fc.jsonValue() as fc.Arbitrary<Json>,
  // Only in process (a library caller's object; JSON has no undefined): zod keeps such a key.
  fc.constant(undefined as unknown as Json),
);

type Change = { kind: 'remove' | 'replace' | 'add'; pick: number; value: Json; key: string };
const changeArb: fc.Arbitrary<Change> = fc.record({
  kind: fc.constantFrom('remove', 'replace', 'add'),
  pick: fc.noBias(fc.nat()),
  value: nearMiss,
  key: fc.oneof(fc.constantFrom('extra', 'type', 'v', 'data', 'text', '__proto__', 'constructor', 'toString', '1'), fc.string({ maxLength: 4 })),
});

function changed(sample: JournalEvent, changes: Change[], asJson: boolean): unknown {
  const root = JSON.parse(JSON.stringify(sample)) as Json;
  for (const c of changes) {
    const all = paths(root);
    const path = all[c.pick % all.length]!;
    let parent: Json = root;
    for (const p of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[p]!;
    const last = path.at(-1)!;
    const target = parent as Record<string | number, Json>;
    if (c.kind === 'remove') {
      if (Array.isArray(target)) target.splice(last as number, 1);
      else delete target[last];
    } else if (c.kind === 'replace') target[last] = c.value;
    else {
      const obj = target[last];
      if (obj && typeof obj === 'object' && !Array.isArray(obj)) Object.defineProperty(obj, c.key, { value: c.value, enumerable: true, writable: true, configurable: true });
      else if (Array.isArray(obj)) obj.push(c.value);
      else Object.defineProperty(root, c.key, { value: c.value, enumerable: true, writable: true, configurable: true });
    }
  }
  // As it arrives from git (text, parsed), or as a caller in process hands it over.
  return asJson ? JSON.parse(JSON.stringify(root)) : root;
}

const check = compile<JournalEvent>(journalEventSchema);

function agrees(value: unknown): void {
  const fast = check(value);
  const zod = journalEventSchema.safeParse(value);
  if (fast === NOT_SURE) return;
  expect(zod.success, `vouched for a value zod rejects: ${JSON.stringify(value)}`).toBe(true);
  // The same result, key order included (JSON text keeps it), and nothing but plain data in it.
  expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data));
  expect(fast).toStrictEqual(zod.data);
  expect(fast).not.toBe(value); // a copy, as zod gives
}

describe('the compiled event schema', () => {
  it('vouches for every kind of valid event, as zod parses it', () => {
    expect(samples.map((s) => s.type).sort()).toEqual([...eventTypes].sort());
    for (const s of samples) {
      agrees(s);
      // Every kind but message.sent (a refinement, left to zod) is vouched for: that is what makes it fast.
      if (s.type !== 'message.sent') expect(check(s), s.type).not.toBe(NOT_SURE);
      // And parseStoredEvent, which uses it, still gives zod's answer.
      expect(parseStoredEvent(s)).toEqual({ ok: true, event: journalEventSchema.parse(s) });
    }
  });

  it('never vouches for a value zod rejects, and gives what zod gives for the rest', () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.array(changeArb, { minLength: 1, maxLength: 3 }), fc.boolean(), (sample, changes, asJson) => {
        agrees(changed(sample, changes, asJson));
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves to zod what zod rejects, with zod reasons', () => {
    const e = samples.find((s) => s.type === 'progress')!;
    for (const bad of [{ ...e, data: { ...e.data, status: 'later' } }, { ...e, clock: 1.5 }, { ...e, at: '2026-01-02' }, { ...e, actor: { name: '', email: '' } }, { ...e, data: { text: 't' } }]) {
      expect(check(bad)).toBe(NOT_SURE);
      expect(parseStoredEvent(bad)).toMatchObject({ ok: false, reason: expect.stringMatching(/\S/) });
    }
  });

  it('any JSON value at all: vouched for only as zod parses it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(...eventTypes), (value, type) => {
        agrees(value);
        if (value && typeof value === 'object' && !Array.isArray(value)) agrees({ ...value, type });
      }),
      { numRuns: 1000 },
    );
  });
});

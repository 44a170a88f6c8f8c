import { describe, expect, it } from 'vitest';
import { errorCodes } from '../src/errors.js';
import { eventSubject, eventTypes, journalEventSchema, parseStoredEvent } from '../src/events.js';
import { ev } from './helpers/events.js';

const S = '20260102_1000_abcd';

describe('event schemas', () => {
  it('knows every event kind of SPEC section 3', () => {
    expect([...eventTypes].sort()).toEqual(
      [
        'session.started', 'session.paused', 'session.resumed', 'session.checkpointed', 'session.compacted', 'session.closed',
        'subsession.started', 'subsession.ended', 'progress', 'decision', 'discovery', 'blocker', 'blocker.resolved', 'next',
        'context', 'item.linked', 'items.migrated', 'agent.started', 'agent.finished', 'tool.used', 'transcript.linked',
        'message.sent', 'message.read', 'state.set', 'redaction', 'commit.linked',
      ].sort(),
    );
  });

  it('commit.linked takes full commit ids and the three kinds of rewrite only', () => {
    const data = { commit: 'a'.repeat(40), patchId: 'b'.repeat(40), branch: 'main', subject: 'x', files: ['a.ts'], replaces: 'c'.repeat(40), why: 'rebase' as const };
    const e = ev({ type: 'commit.linked', session: S, data });
    expect(parseStoredEvent(JSON.parse(JSON.stringify(e)))).toEqual({ ok: true, event: e });
    expect(parseStoredEvent({ ...e, data: { ...data, commit: 'abc123' } })).toMatchObject({ ok: false, reason: expect.stringMatching(/data\.commit: must be a full commit id/) });
    expect(parseStoredEvent({ ...e, data: { ...data, why: 'squash' } }).ok).toBe(false);
  });

  it('round-trips a valid event and rejects a broken one with a readable reason', () => {
    const e = ev({ type: 'decision', session: S, data: { text: 'Lock before check', rationale: 'simplest' } });
    expect(parseStoredEvent(JSON.parse(JSON.stringify(e)))).toEqual({ ok: true, event: e });
    const broken = { ...e, actor: { name: '', email: 'x' }, clock: 0 };
    const r = parseStoredEvent(broken);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain('actor.name: must not be empty');
      expect(r.reason).toMatch(/clock/);
    }
    expect(journalEventSchema.safeParse({ ...e, session: 'nope' }).success).toBe(false);
  });

  it('reports events from a newer Logbook instead of failing', () => {
    const e = ev({ type: 'next', session: S, data: { text: 'x' } });
    expect(parseStoredEvent({ ...e, v: 2 })).toMatchObject({ ok: false, v: 2, reason: expect.stringMatching(/newer than this Logbook/) });
    expect(parseStoredEvent({ ...e, type: 'hologram.projected' })).toMatchObject({ ok: false, type: 'hologram.projected', reason: expect.stringMatching(/unknown event type/) });
    expect(parseStoredEvent('not an object')).toMatchObject({ ok: false });
  });

  it('makes one readable subject line', () => {
    const e = ev({ type: 'decision', session: S, data: { text: 'Lock before check\nsecond line' } });
    expect(eventSubject(e)).toBe('decision(s_abcd): Lock before check second line');
    expect(eventSubject(ev({ type: 'next', session: S, data: { text: 'x'.repeat(300) } }))).toHaveLength(100);
  });

  it('message recipients need a session or an actor', () => {
    const bad = ev({ type: 'message.sent', data: { to: {}, text: 'hi' } } as never);
    expect(journalEventSchema.safeParse(bad).success).toBe(false);
  });
});

describe('errors', () => {
  it('every code has a distinct description', () => {
    const descriptions = Object.values(errorCodes);
    expect(new Set(descriptions).size).toBe(descriptions.length);
  });
});

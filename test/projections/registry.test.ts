import { describe, expect, it } from 'vitest';
import { eventTypes, type EventType } from '../../src/events.js';
import { flagged, foldStep, ignore, ignoring, type Handlers } from '../../projections/registry.js';
import { ev } from '../helpers/events.js';

const allIgnored = (): Record<string, typeof ignore> => Object.fromEntries(eventTypes.map((t) => [t, ignore]));

describe('the projection registry', () => {
  it('applies the handler of an event type and skips an ignored one', () => {
    const step = foldStep<{ n: number; texts: string[] }>({ ...(allIgnored() as Handlers<{ n: number; texts: string[] }>), blocker: (s, e) => void s.texts.push(e.data.text) });
    const state = { n: 0, texts: [] as string[] };
    step(state, ev({ type: 'blocker', session: 'S', data: { text: 'CI is red' } }));
    step(state, ev({ type: 'next', session: 'S', data: { text: 'ignored' } }));
    expect(state.texts).toEqual(['CI is red']);
  });

  it('does not compile when an event type is left undecided', () => {
    const { blocker: _dropped, ...rest } = allIgnored() as Handlers<number>;
    // @ts-expect-error 'blocker' has neither a handler nor `ignore`
    const partial: Handlers<number> = rest;
    expect(Object.keys(partial)).not.toContain('blocker');
  });

  it('ignoring() spreads after the handlers; a type both handled and ignored does not compile', () => {
    const others = eventTypes.filter((t) => t !== 'blocker');
    const step = foldStep<string[]>({ blocker: (s, e) => void s.push(e.data.text), ...(ignoring(...others) as { [K in Exclude<EventType, 'blocker'>]: typeof ignore }) });
    const seen: string[] = [];
    step(seen, ev({ type: 'blocker', session: 'S', data: { text: 'kept' } }));
    step(seen, ev({ type: 'progress', session: 'S', data: { text: 'ignored', status: 'done' } }));
    expect(seen).toEqual(['kept']);
    const both: Handlers<string[]> = {
      // @ts-expect-error 'blocker' is handled and then ignored: the spread would overwrite the handler
      blocker: (s: string[]) => void s.push('never'),
      ...ignoring(...eventTypes),
    };
    expect(both.blocker).toBe(ignore);
  });

  it('flags per event type become a set', () => {
    const flags = Object.fromEntries(eventTypes.map((t) => [t, t === 'redaction'])) as Parameters<typeof flagged>[0];
    expect([...flagged(flags)]).toEqual(['redaction']);
  });

});

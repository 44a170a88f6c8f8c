import { describe, expect, it } from 'vitest';
import { isLogbookError } from '../../src/errors.js';
import { resolveSession } from '../../src/sessions.js';
import { projectSessions } from '../../projections/sessions.js';
import { ev } from '../helpers/events.js';

const start = (id: string, shortname: string) => ev({ type: 'session.started', session: id, data: { title: shortname, shortname, taskIds: [], meta: {} } });
const state = projectSessions([start('20261122_0222_eqwv', 'fix-sweep'), start('20261122_0223_nl4w', 'other'), start('20261122_0224_nl9z', 'other-two')]);

describe('session references (SPEC 4)', () => {
  it.each([
    ['20261122_0222_eqwv', 'eqwv'], // full id
    ['s_eqwv', 'eqwv'], // stable id
    ['eqwv', 'eqwv'], // suffix
    ['fix-sweep', 'eqwv'], // shortname
    ['20261122_0222', 'eqwv'], // prefix of the full id
    ['s_eq', 'eqwv'], // prefix of the stable id
    ['eq', 'eqwv'], // prefix of the suffix
    ['fix', 'eqwv'], // prefix of the shortname
    ['other', 'nl4w'], // an exact shortname wins over being a prefix of another
    ['nl4', 'nl4w'],
  ])('%s resolves', (ref, suffix) => {
    expect(resolveSession(state, ref).suffix).toBe(suffix);
  });

  it('an ambiguous prefix lists every candidate', () => {
    let error: unknown;
    try {
      resolveSession(state, 'nl');
    } catch (e) {
      error = e;
    }
    expect(isLogbookError(error, 'AMBIGUOUS_SESSION')).toBe(true);
    expect((error as Error).message).toContain('20261122_0223_nl4w');
    expect((error as Error).message).toContain('20261122_0224_nl9z');
  });

  it('an unknown reference says so with a hint', () => {
    expect(() => resolveSession(state, 'zzz')).toThrow(/no session matches "zzz"/);
  });
});

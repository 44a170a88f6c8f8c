import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actorTextMatches, formatActorText, isMessageFor, parseActorText } from '../../projections/recipients.js';

const bob = { name: 'Bob Builder', email: 'bob@example.com' };
const session = { id: '20261201_1200_ab12', stable: 's_ab12' };

describe('message recipients', () => {
  it('parses every written form of an actor', () => {
    expect(parseActorText('Bob Builder <bob@example.com>')).toEqual({ name: 'Bob Builder', email: 'bob@example.com' });
    expect(parseActorText(' bob@example.com ')).toEqual({ email: 'bob@example.com' });
    expect(parseActorText('<bob@example.com>')).toEqual({ email: 'bob@example.com' });
    expect(parseActorText('Bob Builder')).toEqual({ name: 'Bob Builder' });
  });

  it('a message reaches Bob whichever way it names him, and not Alice', () => {
    for (const to of ['Bob Builder <bob@example.com>', 'bob@example.com', 'BOB@example.com', 'Bob Builder', 'bob builder', 'Robert <bob@example.com>']) {
      expect([to, actorTextMatches(to, bob)]).toEqual([to, true]);
    }
    for (const to of ['Bob Builder <bobby@example.com>', 'alice@example.com', 'Bob', 'Alice']) expect([to, actorTextMatches(to, bob)]).toEqual([to, false]);
  });

  it('a session message matches the session by id or stable id', () => {
    expect(isMessageFor({ to: { session: session.id } }, session)).toBe(true);
    expect(isMessageFor({ to: { session: session.stable } }, session)).toBe(true);
    expect(isMessageFor({ to: { session: '20261201_1200_zz99' } }, session, bob)).toBe(false);
    expect(isMessageFor({ to: { actor: 'bob@example.com' } }, session, bob)).toBe(true);
    expect(isMessageFor({ to: { actor: 'bob@example.com' } }, session)).toBe(false);
  });

  it('property: the written form always matches the actor it was made from', () => {
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z .'-]{0,20}[A-Za-z]$/);
    const email = fc.emailAddress();
    fc.assert(
      fc.property(word, email, (name, mail) => {
        const actor = { name, email: mail };
        expect(actorTextMatches(formatActorText(actor), actor)).toBe(true);
        expect(actorTextMatches(formatActorText({ email: mail }), actor)).toBe(true);
        expect(parseActorText(formatActorText(actor))).toEqual({ name: name.trim(), email: mail });
      }),
    );
  });
});

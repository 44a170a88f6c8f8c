/** Short names through the built CLI: unique among open sessions, made from any text, refused in the user's words. */
import { describe, expect, it } from 'vitest';
import { ok, run } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

const fresh = () => {
  const repo = makeRepo();
  ok(repo, ['init']);
  return repo;
};
const shortname = (repo: string, args: string[]) => (JSON.parse(ok(repo, ['start', ...args, '--json'])) as { shortname: string }).shortname;

describe('start --name', () => {
  it('refuses a name an open session holds, with a hint; a closed one frees it, and view NAME then means the open one', () => {
    const repo = fresh();
    const first = JSON.parse(ok(repo, ['start', '--name', 'dup', '--json'])) as { stable: string };
    const clash = run(repo, ['start', '--name', 'dup']);
    expect(clash.code).toBe(1);
    expect(clash.stderr.replace(/s_[0-9a-z]{4}/g, 's_xxxx')).toMatchInlineSnapshot(`
      "logbook: the short name "dup" is taken by open session s_xxxx (dup)
      hint: pick another --name (for example dup-2), close s_xxxx first, or leave --name out to get a free one
      "
    `);
    expect(JSON.parse(ok(repo, ['list', '--json']))).toHaveLength(1); // nothing half-written
    ok(repo, ['close', '--complete', '--session', first.stable]);
    const second = JSON.parse(ok(repo, ['start', '--name', 'dup', '--json'])) as { stable: string };
    expect(JSON.parse(ok(repo, ['view', 'dup', '--json'])).session.stable).toBe(second.stable);
  });

  it("refuses a name that is another session's id suffix (view NAME would mean that session), open or closed", () => {
    const repo = fresh();
    const first = JSON.parse(ok(repo, ['start', '--goal', 'First', '--json'])) as { stable: string; suffix: string };
    ok(repo, ['close', '--complete', '--session', first.stable]);
    const clash = run(repo, ['start', '--name', first.suffix.toUpperCase()]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(`the short name "${first.suffix}" is the id suffix of session ${first.stable} (First)`);
    expect(clash.stderr).toContain('hint: pick another --name');
    expect(JSON.parse(ok(repo, ['list', '--json']))).toHaveLength(1); // nothing half-written
    // A goal that would make one gets a free name instead.
    expect(shortname(repo, ['--goal', first.suffix])).toBe(`${first.suffix}-2`);
  });

  it('a derived name that is taken gets a suffix, which start prints', () => {
    const repo = fresh();
    expect(shortname(repo, ['--goal', 'Fix the login'])).toBe('fix-the-login');
    const out = ok(repo, ['start', '--goal', 'Fix the login']);
    expect(out).toMatch(/^Started session \S+ \(s_[0-9a-z]{4}, fix-the-login-2\) on main\n$/);
  });

  it('turns any text into a short name and refuses "" and text with no letter', () => {
    const repo = fresh();
    expect(shortname(repo, ['--name', 'Fix Sweep! ünï'])).toBe('fix-sweep-uni');
    const empty = run(repo, ['start', '--name', '']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatchInlineSnapshot(`
      "logbook: --name needs a non-empty value
      hint: leave --name out to derive the short name from the goal, or pass one such as --name fix-login
      "
    `);
    const symbols = run(repo, ['start', '--name', '!!!']);
    expect(symbols.stderr).not.toMatch(/data\.|schema|session\.started/);
    expect(symbols.stderr).toContain('has no letter or digit');
  });
});

describe('LOGBOOK_STALE_AFTER', () => {
  it('a value that is not a duration is an error naming the accepted forms', () => {
    const repo = fresh();
    ok(repo, ['start', '--name', 'a']);
    const r = run(repo, ['list'], { env: { LOGBOOK_STALE_AFTER: 'bogus' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatchInlineSnapshot(`
      "logbook: LOGBOOK_STALE_AFTER="bogus" is not a duration
      hint: unset it (default 24h) or set a number with a unit: 90s, 30m, 24h, 7d (or plain milliseconds, 500ms)
      "
    `);
    expect(ok(repo, ['list', '--status', 'stale'], { env: { LOGBOOK_STALE_AFTER: '1ms' } })).toContain('a');
    expect(run(repo, ['stats'], { env: { LOGBOOK_STALE_AFTER: '0' } }).code).toBe(1);
  });
});

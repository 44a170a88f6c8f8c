/**
 * `message send --to X` through the built CLI: every way SPEC 4 names a
 * session or an actor reaches the recipient, in `resume`, in `message list`
 * and in the context the SessionStart hook injects (a real hook child process).
 */
import { describe, expect, it } from 'vitest';
import { ok, run } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

const BOB = { LOGBOOK_ACTOR: 'Bob Builder <bob@example.com>' };
const CLEAN = { CLAUDE_PROJECT_DIR: undefined, CLAUDE_ENV_FILE: undefined, CLAUDECODE: undefined, CODEX_THREAD_ID: undefined };

/** A repo where Ada (git identity) and Bob (LOGBOOK_ACTOR) have each written, Bob in session "bobs". */
function team() {
  const repo = makeRepo();
  ok(repo, ['init']);
  const bobs = JSON.parse(ok(repo, ['start', '--name', 'bobs', '--goal', 'Bob works here', '--json'], { env: BOB })) as { id: string; stable: string };
  const adas = JSON.parse(ok(repo, ['start', '--name', 'adas', '--goal', 'Ada works here', '--json'])) as { id: string; stable: string };
  return { repo, bobs, adas };
}

const sentTo = (repo: string, to: string, text: string, extra: string[] = []) =>
  (JSON.parse(ok(repo, ['message', 'send', '--to', to, text, '--session', 'adas', '--json', ...extra])) as Array<{ data: { to: Record<string, string> } }>)[0]!.data.to;

describe('message send --to', () => {
  it('normalises every form of an actor to "Name <email>", and every session reference to the full id', () => {
    const { repo, bobs } = team();
    for (const to of ['Bob Builder <bob@example.com>', 'bob@example.com', 'Bob Builder', 'bob builder', 'actor:Bob Builder']) {
      expect([to, sentTo(repo, to, `hi via ${to}`)]).toEqual([to, { actor: 'Bob Builder <bob@example.com>' }]);
    }
    for (const to of [bobs.id, bobs.stable, bobs.stable.slice(2), 'bobs', 'bob', `session:${bobs.stable}`]) {
      expect([to, sentTo(repo, to, `hi session via ${to}`)]).toEqual([to, { session: bobs.id }]);
    }
  });

  it('Bob sees the messages in resume (once) and in the SessionStart context; Ada does not', () => {
    const { repo } = team();
    sentTo(repo, 'Bob Builder <bob@example.com>', 'README form');
    sentTo(repo, 'bob@example.com', 'email form');
    sentTo(repo, 'bobs', 'session form');
    const list = ok(repo, ['message', 'list', 'bobs'], { env: BOB });
    expect(list.replace(/\d{4}-\d\d-\d\d \d\d:\d\d/g, 'WHEN').replace(/\d{8}_\d{4}_[0-9a-z]{4}/, 'SESSION_ID')).toMatchInlineSnapshot(`
      "* WHEN  Ada Lovelace → Bob Builder <bob@example.com>: README form
      * WHEN  Ada Lovelace → Bob Builder <bob@example.com>: email form
      * WHEN  Ada Lovelace → SESSION_ID: session form
      "
    `);
    expect(ok(repo, ['resume', 'adas'])).not.toContain('README form');
    const hook = run(repo, ['hook', 'SessionStart'], { input: JSON.stringify({ session_id: 'bob-conv', source: 'startup', hook_event_name: 'SessionStart', cwd: repo }), env: { ...CLEAN, ...BOB, LOGBOOK_SESSION: 'bobs' } });
    expect(hook.code).toBe(0);
    const context = (JSON.parse(hook.stdout) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext;
    expect(context).toContain('README form');
    expect(context).toContain('email form');
    expect(context).toContain('session form');
    // Shown once: the hook marked them read.
    expect(ok(repo, ['resume', 'bobs'], { env: BOB })).not.toContain('README form');
  });

  it('an unknown recipient is an error listing the known ones, unless --new-actor', () => {
    const { repo } = team();
    const r = run(repo, ['message', 'send', '--to', 'nosuch', 'hello']);
    expect(r.code).toBe(1);
    expect(r.stderr.replace(/s_[0-9a-z]{4}/g, 's_xxxx')).toMatchInlineSnapshot(`
      "logbook: no session or actor is called "nosuch"
      hint: known actors: Ada Lovelace <ada@example.com>, Bob Builder <bob@example.com>; open sessions: s_xxxx (bobs), s_xxxx (adas); pass --new-actor to write to someone who has not written here yet
      "
    `);
    expect(ok(repo, ['message', 'list', '--all', '--json'])).toBe('[]\n'); // nothing written
    expect(sentTo(repo, 'Carol <carol@example.com>', 'welcome', ['--new-actor'])).toEqual({ actor: 'Carol <carol@example.com>' });
    const carol = { LOGBOOK_ACTOR: 'Carol <carol@example.com>' };
    ok(repo, ['start', '--name', 'carols'], { env: carol });
    expect(ok(repo, ['resume', 'carols'], { env: carol })).toContain('welcome');
  });

  it('a name that is both a session and an actor is refused with the way out', () => {
    const { repo } = team();
    ok(repo, ['start', '--name', 'ada-lovelace']);
    const r = run(repo, ['message', 'send', '--to', 'ada lovelace', 'x']);
    expect(r.code).toBe(0); // "ada lovelace" is not a short name; the actor is meant
    const both = makeRepo({ name: 'adas' });
    ok(both, ['init']);
    ok(both, ['start', '--name', 'adas']);
    const clash = run(both, ['message', 'send', '--to', 'adas', 'x']);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('--to session:adas or --to actor:adas');
  });
});

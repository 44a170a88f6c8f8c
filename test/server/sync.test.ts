/** `logbook serve --sync REMOTE --every D`: the timer feeds the dashboard from a shared remote; a failing remote is shown, never fatal. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ok } from '../helpers/cli.js';
import { makeBareRepo, makeRepo, tempDir } from '../helpers/repo.js';
import { request, serve, sse } from '../helpers/serve.js';

const journalRepo = () => {
  const dir = makeRepo();
  ok(dir, ['init']);
  return dir;
};

describe('logbook serve --sync', () => {
  it('fetches a teammate’s events on the timer (delivered live) and pushes its own', async () => {
    const remote = makeBareRepo();
    const mate = journalRepo();
    const dir = journalRepo();
    ok(dir, ['start', '--goal', 'mine']);
    const s = await serve(dir, ['--sync', remote, '--every', '1s']);
    try {
      const stream = sse(s);
      await stream.opened;
      ok(mate, ['start', '--goal', 'the teammate’s session']);
      ok(mate, ['sync', remote]);
      await stream.until((evs) => evs.some((e) => e.event.type === 'session.started' && e.event.data.title === 'the teammate’s session'), 'the teammate’s session');
      // Ours reached the remote too: the teammate sees it after their own sync (the test's timeout bounds the wait).
      let titles: string[] = [];
      for (;;) {
        ok(mate, ['sync', remote]);
        titles = JSON.parse(ok(mate, ['list', '--json'])).map((x: { title: string }) => x.title);
        if (titles.includes('mine')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(titles).toContain('mine');
      const repos = (await request(s, 'GET', '/api/repos')).json.repos;
      expect(repos[0].sync.error).toBeUndefined();
      expect(repos[0].sync.lastOk).toBeTruthy();
      stream.close();
    } finally {
      await s.stop();
    }
  });

  it('shows a failing remote on the page and keeps serving', async () => {
    const dir = journalRepo();
    ok(dir, ['start', '--goal', 'still served']);
    const missing = path.join(tempDir(), 'no-such-remote');
    const s = await serve(dir, ['--sync', missing, '--every', '1s']);
    try {
      // The test's timeout bounds the wait: the first sync round fails within a second or so of start.
      let page = '';
      for (;;) {
        page = (await request(s, 'GET', '/')).text;
        if (page.includes('failed')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(page).toMatch(/role="alert">Sync of [^<]+ failed/);
      expect(page).toContain('still served');
      expect((await request(s, 'POST', '/api/log', { body: { progress: 'works anyway' } })).status).toBe(201);
      expect(s.child.exitCode).toBeNull();
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });
});

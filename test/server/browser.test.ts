/**
 * The web view in a real browser: Debian's chromium, headless, driven by
 * playwright-core through its executable path, against `logbook serve` as a
 * child process. The screenshots it saves in docs/ are the README's images.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ok } from '../helpers/cli.js';
import { git, tempDir } from '../helpers/repo.js';
import { serve, type Served } from '../helpers/serve.js';
import { Journal } from '../../src/journal.js';

const CHROMIUM = process.env.LOGBOOK_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const DOCS = path.join(ROOT, 'docs');

if (!existsSync(CHROMIUM)) console.warn(`browser tests skipped: no chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run does)`);

/** A journal that looks like a day of work: three sessions, an item migrated through them, decisions, blockers, tools, a compaction, a subagent. */
async function story(dir: string): Promise<{ parser: string; docsId: string; ci: string }> {
  const start = (args: string[]) => JSON.parse(ok(dir, ['start', ...args, '--json'])).id as string;
  const first = start(['--goal', 'Sketch the expression grammar', '--name', 'grammar', '--task', '42']);
  ok(dir, ['log', '--session', first, '--done', 'List the operators', '--next', 'Write the parser']);
  ok(dir, ['link', 'kb:node:precedence', '--session', first, '--action', 'created', '--note', 'precedence table']);
  ok(dir, ['pause', '--session', first, '--note', 'handing over']);
  const parser = start(['--goal', 'Build the expression parser', '--name', 'parser']);
  ok(dir, ['migrate', first, parser]);
  ok(dir, ['log', '--session', parser, '--progress', 'Tokenizer for numbers and operators', '--step', 'tokenizer']);
  ok(dir, ['log', '--session', parser, '--decision', 'Use a Pratt parser', '--rationale', 'operator precedence stays one table instead of one function per level', '--option', 'Pratt parser', '--option', 'Recursive descent', '--option', 'Parser generator']);
  ok(dir, ['log', '--session', parser, '--done', 'Tokenizer for numbers and operators', '--step', 'tokenizer']);
  ok(dir, ['log', '--session', parser, '--discovery', 'Unary minus binds tighter than ^ in the old grammar', '--evidence', 'test/fixtures/old-grammar.txt line 31']);
  ok(dir, ['log', '--session', parser, '--blocker', 'CI runner has no Node 20', '--blocker', 'Spec for ternary is missing']);
  ok(dir, ['log', '--session', parser, '--resolve', '1', '--note', 'pinned the runner image']);
  ok(dir, ['log', '--session', parser, '--progress', 'Binding powers for infix operators', '--step', 'infix', '--next', 'Error recovery', '--next', 'Benchmarks']);
  const journal = Journal.open({ cwd: dir, env: { GIT_CONFIG_NOSYSTEM: '1' }, agent: { agent: 'claude-code' } });
  const tools = ['Read', 'Edit', 'Bash', 'Read', 'Grep', 'Edit', 'Bash', 'Read', 'Edit', 'Bash', 'Bash', 'Read'];
  await journal.append(tools.map((tool, i) => ({ type: 'tool.used' as const, session: parser, data: { tool, success: i !== 6, durationMs: 40 + i * 35 } })));
  await journal.append([
    { type: 'session.compacted', session: parser, data: { trigger: 'auto', summary: 'tokenizer done, infix in progress' } },
    { type: 'agent.started', session: parser, data: { agentId: 'a1', agentType: 'test-writer', parentSession: parser } },
    { type: 'agent.finished', session: parser, data: { agentId: 'a1', agentType: 'test-writer', parentSession: parser, result: '14 tests for precedence', costUsd: 0.12 } },
    { type: 'commit.linked', session: parser, data: { commit: git(dir, 'rev-parse', 'HEAD').trim(), subject: 'Pratt parser for infix operators', files: ['src/parser.ts'] } },
  ]);
  ok(dir, ['link', 'file:src/parser.ts', '--session', parser, '--action', 'updated']);
  const docsId = start(['--goal', 'Document the grammar for users', '--name', 'docs']);
  ok(dir, ['log', '--session', docsId, '--progress', 'Outline of the grammar page']);
  const ci = start(['--goal', 'Fix flaky CI', '--name', 'flaky-ci']);
  ok(dir, ['close', '--session', ci, '--complete', '--summary', 'retry on EBUSY']);
  return { parser, docsId, ci };
}

describe.skipIf(!existsSync(CHROMIUM))('web view in headless chromium', () => {
  let dir: string;
  let s: Served;
  let ids: Awaited<ReturnType<typeof story>>;
  let context: BrowserContext;
  let page: Page;
  let profile: string;

  beforeAll(async () => {
    // A project with a readable name: it shows on the pages (and in the README's screenshots).
    dir = path.join(tempDir(), 'calculator');
    mkdirSync(dir);
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'config', 'user.name', 'Ada Lovelace');
    git(dir, 'config', 'user.email', 'ada@example.com');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'initial');
    ok(dir, ['init']);
    ids = await story(dir);
    s = await serve(dir);
    profile = mkdtempSync(path.join(os.tmpdir(), 'logbook-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await s?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('opens with the printed URL, drops the token from the address bar, and shows the CLI-started sessions', async () => {
    await page.goto(s.openUrl);
    expect(new URL(page.url()).searchParams.get('token')).toBeNull();
    const card = page.locator('article.card', { hasText: 'Build the expression parser' });
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.locator('.blockers').innerText()).toContain('#2 Spec for ternary is missing');
    expect(await card.innerText()).toContain('Binding powers for infix operators');
    expect(await page.locator('header, nav, main, footer').count()).toBeGreaterThanOrEqual(4);
    expect(await page.getByLabel('Search events').count()).toBe(1);
    await page.screenshot({ path: path.join(DOCS, 'serve-dashboard.png') });
  });

  it('shows a new event on the open page without a reload', async () => {
    await page.goto(`${s.url}/`);
    await page.waitForSelector('body[data-stream="ready"]');
    expect(await page.locator('#live').innerText()).toBe('live');
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    ok(dir, ['log', '--session', ids.docsId, '--progress', 'Examples for every operator']);
    await page.waitForFunction(() => document.querySelector('main')?.textContent?.includes('Examples for every operator'), undefined, { timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  });

  it('the session page draws the timeline and shows each decision with its rationale and options', async () => {
    await page.goto(`${s.url}/sessions/${ids.parser}`);
    const decision = page.locator('ol.decisions > li', { hasText: 'Use a Pratt parser' });
    expect(await decision.locator('.why').innerText()).toContain('operator precedence stays one table');
    expect(await decision.locator('ul.options li').allInnerTexts()).toEqual(['Pratt parser', 'Recursive descent', 'Parser generator']);
    expect(await page.locator('.evidence').innerText()).toContain('old-grammar.txt line 31');
    const marks = await page.locator('figure.timeline svg a.ev').count();
    const listed = await page.locator('ol.events > li').count();
    expect(marks).toBe(listed);
    expect(await page.locator('figure.timeline svg a.ev[data-type="tool.used"]').count()).toBe(12);
    expect(await page.locator('figure.timeline svg line.compaction').count()).toBe(1);
    expect(await page.locator('#agents-h + table').innerText()).toContain('test-writer');
    await page.screenshot({ path: path.join(DOCS, 'serve-session.png') });
    await page.locator('#dec-h').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: path.join(DOCS, 'serve-session-decisions.png') });
  });

  it('the item page draws the chain across sessions', async () => {
    await page.goto(`${s.url}/items/${encodeURIComponent('task:42')}`);
    const nodes = page.locator('figure.chain svg g.node');
    expect(await nodes.count()).toBe(2);
    expect(await nodes.first().innerHTML()).toContain('origin');
    expect(await page.locator('figure.chain svg line.edge').count()).toBe(1);
    expect(await page.locator('figure.chain desc').textContent()).toContain('passed through 2 sessions');
    await page.screenshot({ path: path.join(DOCS, 'serve-item.png') });
  });

  it('stats has its charts, agenda its lists, and the search box answers', async () => {
    await page.goto(`${s.url}/stats`);
    expect(await page.locator('figure.chart svg').count()).toBe(4);
    expect(await page.locator('.tiles').innerText()).toContain('Completion rate');
    await page.screenshot({ path: path.join(DOCS, 'serve-stats.png'), fullPage: true });
    await page.goto(`${s.url}/agenda`);
    expect(await page.locator('main').innerText()).toContain('kb:node:precedence');
    await page.getByLabel('Search events').fill('Pratt');
    await page.getByLabel('Search events').press('Enter');
    await page.waitForURL(/\/search\?q=Pratt/);
    // The decision is found, its match marked, and it links to the event on its session page.
    const hit = page.locator('ol.events li').filter({ hasText: 'decision' }).first();
    expect(await hit.locator('mark').first().innerText()).toBe('Pratt');
    await hit.locator('a').click();
    await page.waitForURL(/\/sessions\/.+#e-/);
    expect(await page.locator('h1').innerText()).toContain('Build the expression parser');
    await page.goto(`${s.url}/search?q=Pratt`);
    await page.screenshot({ path: path.join(DOCS, 'serve-search.png'), fullPage: true });
  });

  it('works without JavaScript, and has a dark mode', async () => {
    // A persistent context has no browser() to open another context in: a browser of its own, with scripts off.
    const bare = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    try {
      const noJs = await (await bare.newContext({ javaScriptEnabled: false })).newPage();
      await noJs.goto(s.openUrl);
      expect(await noJs.locator('main').innerText()).toContain('Build the expression parser');
      // The page's script did not run (it marks the body once its stream is open), and the page does not claim to be live.
      expect(await noJs.locator('body[data-stream]').count()).toBe(0);
      expect(await noJs.locator('#live').innerText()).toBe('');
      await noJs.goto(`${s.url}/sessions/${ids.parser}`);
      expect(await noJs.locator('figure.timeline svg a.ev').count()).toBeGreaterThan(20);
      await noJs.goto(`${s.url}/search?q=Pratt`);
      expect(await noJs.locator('ol.events mark').first().innerText()).toBe('Pratt');
    } finally {
      await bare.close();
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${s.url}/sessions/${ids.parser}`);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(13, 17, 23)');
    await page.screenshot({ path: path.join(DOCS, 'serve-session-dark.png') });
    // Every lane's marks stand out from the dark background (a mark with no fill of its own is black).
    const fills = await page.locator('figure.timeline svg a.ev > :not(title)').evaluateAll((els) => [...new Set(els.map((e) => getComputedStyle(e).fill))]);
    expect(fills).not.toContain('rgb(0, 0, 0)');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('fits a phone’s width: long titles, unbroken words and the tables never widen the page', async () => {
    const long = `Investigate ${'why the sweeper deadlocks '.repeat(8)}`;
    const word = `https://ci.example.com/${'a1b2c3d4'.repeat(20)}`;
    const id = JSON.parse(ok(dir, ['start', '--goal', long, '--name', 'long-texts', '--json'])).id;
    ok(dir, ['log', '--session', id, '--discovery', word, '--evidence', word, '--blocker', word]);
    // A card's title is kept to three lines (the TL;DR and the session page have it whole).
    await page.goto(`${s.url}/`);
    const title = page.locator('article.card h3 a', { hasText: 'Investigate why the sweeper' });
    const { height, line } = await title.evaluate((a) => ({ height: a.getBoundingClientRect().height, line: parseFloat(getComputedStyle(a).lineHeight) }));
    expect(height).toBeLessThanOrEqual(3 * line + 1);
    ok(dir, ['close', '--session', id, '--complete', '--summary', word]);
    await page.setViewportSize({ width: 390, height: 800 });
    try {
      for (const at of ['/', `/sessions/${id}`, '/stats', '/agenda', `/search?q=sweeper`, `/items/${encodeURIComponent('task:42')}`]) {
        await page.goto(`${s.url}${at}`);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), at).toBeLessThanOrEqual(0);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});

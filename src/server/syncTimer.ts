/**
 * `--sync REMOTE --every D`: fetch and push each repository's journal on a
 * timer with src/sync.ts. One sync at a time (a slow remote never piles up
 * runs); a failure is kept for the pages to show and never stops the server.
 */
import { sync } from '../sync.js';
import type { Repo } from './feed.js';

export interface SyncStatus {
  remote: string;
  everyMs: number;
  running: boolean;
  lastAt?: string;
  lastOk?: string;
  /** The last failure, until a sync succeeds again. */
  error?: string;
  fetched: number;
  pushed: number;
}

export class SyncTimer {
  readonly status: Record<string, SyncStatus> = {};
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly repos: Repo[],
    private readonly remote: string,
    private readonly everyMs: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly now: () => Date = () => new Date(),
  ) {
    for (const r of repos) this.status[r.name] = { remote, everyMs, running: false, fetched: 0, pushed: 0 };
  }

  start(): void {
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.everyMs);
    this.timer.unref();
  }

  /** One round over every repository, unless one is still running. */
  runOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      for (const repo of this.repos) {
        const st = this.status[repo.name]!;
        st.running = true;
        try {
          const r = await sync({ journal: repo.journal, remote: this.remote, cwd: repo.dir, env: this.env, interactive: false, progress: false });
          st.fetched += r.fetched.reduce((n, c) => n + (c.events ?? 0), 0);
          st.pushed += r.pushed.reduce((n, c) => n + (c.events ?? 0), 0);
          st.lastOk = this.now().toISOString();
          delete st.error;
          await repo.refresh();
        } catch (e) {
          st.error = (e as Error)?.message ?? String(e);
        } finally {
          st.running = false;
          st.lastAt = this.now().toISOString();
        }
      }
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}

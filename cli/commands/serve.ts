import { Command, InvalidArgumentError } from 'commander';
import { parseDuration } from '../../src/config.js';
import { LogbookError } from '../../src/errors.js';
import type { Io } from '../io.js';
import { collect } from '../io.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535 (0: any free port)');
  return n;
}

function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms < 1000) throw new InvalidArgumentError('expected a duration of at least 1s, such as 60s, 5m or 1h');
  return ms;
}

/** dist/serve.cjs is a bundle of its own with its own copy of LogbookError: re-raise its errors as this bundle's, so cli/main.ts reports them as such. */
async function adoptErrors<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string; hint?: string; data?: Record<string, unknown> };
    if (err?.name === 'LogbookError' && typeof err.code === 'string' && !(e instanceof LogbookError)) {
      throw new LogbookError(err.code as ConstructorParameters<typeof LogbookError>[0], err.message ?? '', { ...(err.hint ? { hint: err.hint } : {}), ...(err.data ? { data: err.data } : {}), cause: e });
    }
    throw e;
  }
}

export function serveCommand(io: Io): Command {
  return new Command('serve')
    .description('serve the HTTP API and live web view of one or more repositories; prints the URL with its access token first')
    .option('--port <N>', 'port to listen on (0: any free port)', port, 4983)
    .option('--host <H>', 'address to bind (default 127.0.0.1; anything else exposes the journal to the network)', '127.0.0.1')
    .option('--repo <DIR>', 'a repository to serve (repeatable; default: the current one)', collect, [])
    .option('--read-only', 'refuse every write (403)')
    .option('--sync <REMOTE>', 'fetch and push the journal with this remote on a timer')
    .option('--every <D>', 'how often --sync runs', duration, 60_000)
    .action(async (opts: { port: number; host: string; repo: string[]; readOnly?: boolean; sync?: string; every: number }) => {
      if (opts.every !== 60_000 && !opts.sync) throw new LogbookError('INVALID_INPUT', '--every belongs to --sync', { hint: 'logbook serve --sync origin --every 60s' });
      // Loaded on demand (dist/serve.cjs), so the server costs the other commands nothing at start-up.
      const { startServer } = await import('../../src/server/index.js');
      const { VERSION } = await import('../main.js');
      const token = io.env.LOGBOOK_SERVE_TOKEN?.trim() || undefined;
      // The safety-net tip check behind the ref watchers (ms; 0 turns it off, to see the watchers alone at work).
      const tipCheck = io.env.LOGBOOK_SERVE_TIP_CHECK_MS === undefined ? undefined : Number(io.env.LOGBOOK_SERVE_TIP_CHECK_MS);
      const server = await adoptErrors(startServer({
        repos: opts.repo,
        cwd: io.cwd,
        env: io.env,
        host: opts.host,
        port: opts.port,
        ...(token ? { token } : {}),
        ...(tipCheck !== undefined && Number.isFinite(tipCheck) ? { tipCheckMs: tipCheck } : {}),
        readOnly: Boolean(opts.readOnly),
        ...(opts.sync ? { sync: { remote: opts.sync, everyMs: opts.every } } : {}),
        version: VERSION,
        onError: (e) => io.stderr(`logbook serve: ${(e as Error)?.message ?? String(e)}\n`),
      }));
      // Listening for the signals before the URL is out: whoever reads it may stop the server at once.
      const stopped = new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      io.stdout(`${server.openUrl}\n`);
      io.stderr(`Serving ${server.repos.map((r) => `${r.name} (${r.dir})`).join(', ')}${opts.readOnly ? ', read-only' : ''}${opts.sync ? `, syncing with ${opts.sync} every ${Math.round(opts.every / 1000)}s` : ''}. Ctrl-C stops.\n`);
      await stopped;
      await server.close();
    });
}

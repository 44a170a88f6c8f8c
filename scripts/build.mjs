// Bundles the CLI into one file (dist/logbook.cjs): one file to read and
// compile is the biggest single start-up saving for a process that hooks run
// on every tool call.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { existsSync, readdirSync, rmSync } from 'node:fs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// node:child_process (with net, stream, dgram: ~5-12 ms) is required at the top of the modules that may run
// git, though most processes never do. Every bundle gets it through this stand-in, which requires it on
// first call. A name it does not list fails the build (esbuild: no matching export), so none is missed;
// dependencies get the module itself.
const LAZY_CHILD_PROCESS = ['execFile', 'execFileSync', 'spawn', 'spawnSync'];
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    // Our own modules, and commander (which requires it at its top for executable subcommands, and calls only
    // childProcess.spawn); any other dependency's require('child_process') gets the real module (it may use any name).
    const real = (importer) => importer.includes('node_modules') && !importer.includes(path.join('node_modules', 'commander', 'lib', 'command.js'));
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (args.namespace === 'lazy-child-process' || real(args.importer) ? { path: 'node:child_process', external: true } : { path: 'child_process', namespace: 'lazy-child-process' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: `let m;\nconst load = () => (m ??= require('node:child_process'));\n${LAZY_CHILD_PROCESS.map((n) => `export function ${n}(...args) { return load().${n}(...args); }`).join('\n')}\n`,
      loader: 'js',
    }));
  },
};
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
};
// V8 code caches of an older bundle would be rejected anyway; remove them so they do not pile up.
const dist = path.join(root, 'dist');
if (existsSync(dist)) for (const name of readdirSync(dist)) if (name.endsWith('.v8cache')) rmSync(path.join(dist, name));
// The MCP server (the SDK and classic zod, ~600 KB) is its own bundle, loaded only by `logbook mcp`,
// so the other commands do not read and compile it on every start.
const mcpApart = {
  name: 'mcp-apart',
  setup(b) {
    b.onResolve({ filter: /integrations\/mcp\.js$/ }, (args) => (args.importer.endsWith(path.join('cli', 'commands', 'mcp.ts')) ? { path: './mcp.cjs', external: true } : undefined));
    // `logbook serve` (node:http, classic zod, the HTML renderers) likewise: dist/serve.cjs.
    b.onResolve({ filter: /server\/index\.js$/ }, (args) => (args.importer.endsWith(path.join('cli', 'commands', 'serve.ts')) ? { path: './serve.cjs', external: true } : undefined));
  },
};
// `logbook log` (the command agents and people run most) and `logbook hook` (every agent hook but
// PostToolUse) get bundles of their own: the same cli/bin.ts and cli/main.ts, with a command list holding
// only that command's module (cli/commands/log.ts's logCommand, hook.ts's hookCommand), so a process reads
// and compiles that command and what it uses, not every command. bin/logbook.cjs picks them.
const only = (name, exported) => ({
  name: `only-${name}`,
  setup(b) {
    b.onResolve({ filter: /commands\/index\.js$/ }, (args) => (args.importer.endsWith(path.join('cli', 'main.ts')) ? { path: name, namespace: 'only-command' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'only-command' }, () => ({
      contents: `export const commands = [[[${JSON.stringify(name)}], async () => (await import(${JSON.stringify(path.join(root, 'cli', 'commands', `${name}.ts`))})).${exported}]];`,
      loader: 'ts',
      resolveDir: path.join(root, 'cli', 'commands'),
    }));
  },
});
// dist/sync.cjs runs a sync only where git is installed (cli/syncBin.ts hands every other case to the
// full CLI), so the built-in HTTP transport and isomorphic-git stay out of it.
const gitOnly = {
  name: 'git-only',
  setup(b) {
    b.onResolve({ filter: /store\/httpTransport\.js$/ }, (args) => (args.importer.endsWith(path.join('src', 'sync.ts')) ? { path: 'httpTransport', namespace: 'git-only' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'git-only' }, () => ({
      contents: "export class HttpTransport { constructor() { throw new Error('dist/sync.cjs syncs through git only; the built-in HTTP transport is in dist/logbook.cjs'); } }",
      loader: 'js',
    }));
  },
};
await Promise.all([
  build({ ...common, entryPoints: [path.join(root, 'cli/bin.ts')], outfile: path.join(root, 'dist/log.cjs'), plugins: [lazyChildProcess, only('log', 'logCommand')], supported: { 'dynamic-import': false } }),
  build({ ...common, entryPoints: [path.join(root, 'cli/bin.ts')], outfile: path.join(root, 'dist/agent-hook.cjs'), plugins: [lazyChildProcess, only('hook', 'hookCommand')], supported: { 'dynamic-import': false } }),
  // `logbook search`: a process whose own work is a few milliseconds, so its start-up is most of its cost.
  build({ ...common, entryPoints: [path.join(root, 'cli/bin.ts')], outfile: path.join(root, 'dist/search.cjs'), plugins: [lazyChildProcess, only('search', 'searchCommand')], supported: { 'dynamic-import': false } }),
  build({ ...common, entryPoints: [path.join(root, 'cli/bin.ts')], outfile: path.join(root, 'dist/logbook.cjs'), plugins: [lazyChildProcess, mcpApart], supported: { 'dynamic-import': false } }),
  build({ ...common, entryPoints: [path.join(root, 'src/integrations/mcp.ts')], plugins: [lazyChildProcess], outfile: path.join(root, 'dist/mcp.cjs') }),
  build({ ...common, entryPoints: [path.join(root, 'src/server/index.ts')], plugins: [lazyChildProcess], outfile: path.join(root, 'dist/serve.cjs') }),
  // The library, for embedding and for the benchmark's in-process measurements.
  build({ ...common, entryPoints: [path.join(root, 'src/index.ts')], plugins: [lazyChildProcess], outfile: path.join(root, 'dist/index.cjs') }),
  // `logbook hook PostToolUse` runs after every tool call of an agent: a bundle of a few KB (bin/logbook.cjs picks it).
  build({ ...common, entryPoints: [path.join(root, 'cli/hookBin.ts')], plugins: [lazyChildProcess], outfile: path.join(root, 'dist/hook.cjs') }),
  // A plain `logbook sync` with git: two git processes and a report, without the CLI bundle (bin/logbook.cjs picks it).
  build({ ...common, entryPoints: [path.join(root, 'cli/syncBin.ts')], outfile: path.join(root, 'dist/sync.cjs'), plugins: [lazyChildProcess, gitOnly], supported: { 'dynamic-import': false } }),
  // The git post-commit / post-rewrite hooks: the same kind of small bundle, run by the user's every commit.
  build({ ...common, entryPoints: [path.join(root, 'cli/gitHookBin.ts')], plugins: [lazyChildProcess], outfile: path.join(root, 'dist/githook.cjs') }),
]);

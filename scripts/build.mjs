// Bundles the CLI into one file (dist/logbook.cjs): one file to read and
// compile is the biggest single start-up saving for a process that hooks run
// on every tool call.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { existsSync, readdirSync, rmSync } from 'node:fs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
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
  build({ ...common, entryPoints: [path.join(root, 'cli/bin.ts')], outfile: path.join(root, 'dist/logbook.cjs'), plugins: [mcpApart], supported: { 'dynamic-import': false } }),
  build({ ...common, entryPoints: [path.join(root, 'src/integrations/mcp.ts')], outfile: path.join(root, 'dist/mcp.cjs') }),
  build({ ...common, entryPoints: [path.join(root, 'src/server/index.ts')], outfile: path.join(root, 'dist/serve.cjs') }),
  // The library, for embedding and for the benchmark's in-process measurements.
  build({ ...common, entryPoints: [path.join(root, 'src/index.ts')], outfile: path.join(root, 'dist/index.cjs') }),
  // `logbook hook PostToolUse` runs after every tool call of an agent: a bundle of a few KB (bin/logbook.cjs picks it).
  build({ ...common, entryPoints: [path.join(root, 'cli/hookBin.ts')], outfile: path.join(root, 'dist/hook.cjs') }),
  // A plain `logbook sync` with git: two git processes and a report, without the CLI bundle (bin/logbook.cjs picks it).
  build({ ...common, entryPoints: [path.join(root, 'cli/syncBin.ts')], outfile: path.join(root, 'dist/sync.cjs'), plugins: [gitOnly], supported: { 'dynamic-import': false } }),
  // The git post-commit / post-rewrite hooks: the same kind of small bundle, run by the user's every commit.
  build({ ...common, entryPoints: [path.join(root, 'cli/gitHookBin.ts')], outfile: path.join(root, 'dist/githook.cjs') }),
]);

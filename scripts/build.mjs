// Bundles the CLI into one file (dist/logbook.cjs): one file to read and
// compile is the biggest single start-up saving for a process that hooks run
// on every tool call.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

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
await Promise.all([
  build({ ...common, entryPoints: [path.join(root, 'cli/bin.ts')], outfile: path.join(root, 'dist/logbook.cjs') }),
  // The library, for embedding and for the benchmark's in-process measurements.
  build({ ...common, entryPoints: [path.join(root, 'src/index.ts')], outfile: path.join(root, 'dist/index.cjs') }),
]);

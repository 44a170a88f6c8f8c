import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // fast-check for every property test: interrupted runs fail, failures print a replayable seed.
    setupFiles: ['test/helpers/fastcheck.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

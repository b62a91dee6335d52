import { defineConfig } from 'vitest/config';

// The event-loop latency tests, one file at a time with nothing else running (see vitest.config.ts).
export default defineConfig({
  test: {
    include: ['tests/**/*.timing.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});

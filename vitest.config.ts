import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Tests that hold /api/health to 100 ms run alone afterwards (vitest.timing.config.ts): beside other
    // test files on two cores they would measure the other files, not the server.
    exclude: ['tests/**/*.timing.test.ts', '**/node_modules/**'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});

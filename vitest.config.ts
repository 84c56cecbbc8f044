import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // probes PostgreSQL and Redis once; database suites skip (with one line saying so) when they are absent outside CI
    globalSetup: ['tests/setup/services.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

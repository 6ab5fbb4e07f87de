import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'common/**/*.test.ts', 'test/**/*.test.ts', 'npd-sim/**/*.test.ts', 'web/src/**/*.test.ts', 'web/src/**/*.test.tsx'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: each file has its own database; more workers only contend for the CPU.
    maxWorkers: 2,
  },
});

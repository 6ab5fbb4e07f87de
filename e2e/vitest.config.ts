import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    // Real server, real browser, a 15-second idle lock and a TOTP step to wait for: minutes, not seconds.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    maxWorkers: 1,
    expect: { poll: { timeout: 10_000, interval: 100 } },
  },
});

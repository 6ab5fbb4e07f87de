import { defineConfig } from 'vitest/config';

/** Several server processes on one PostgreSQL (issue 12): `npm run test:cluster`, in .ci/run's PostgreSQL step. */
export default defineConfig({
  test: {
    include: ['cluster/**/*.cluster.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end suites start child processes and a loopback Discord server.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

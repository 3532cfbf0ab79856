import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end suites start child processes and a loopback Discord server; on a busy machine (2 shared
    // cores) a test that runs the CLI three times can take half a minute.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from "vitest/config";

/**
 * Browser tests (`npm run test:e2e`): Playwright (playwright-core) driving Debian's chromium.
 * One fork, one file at a time: each file starts its own portal and browser, and the CI
 * machine has two cores.
 */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
  },
});

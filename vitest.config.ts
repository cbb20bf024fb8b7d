import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Starts a throw-away PostgreSQL for the PostgreSQL tests unless PAPERBOT_TEST_DATABASE_URL names one.
    globalSetup: ["test/helpers/postgresSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

import { defineConfig } from "vitest/config";

// Unit and integration tests of the harness itself. The contract suites in `suites/` have their own
// configuration and run through `msq-harness test`.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup/fast-check-seed.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

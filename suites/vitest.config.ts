import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Configuration of the contract suites. `msq-harness test` runs them through vitest's Node API and
 * provides the target; run directly (`npx vitest run -c suites/vitest.config.ts`), the global setup
 * resolves the target from the environment and starts the embedded mock when none is set.
 */
export default defineConfig({
  test: {
    name: "contract",
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["suites/**/*.contract.ts"],
    globalSetup: ["suites/setup/global-setup.ts"],
    // Suites are independent of each other and so are most tests; the few ordered flows use
    // describe.sequential.
    sequence: { concurrent: true },
    maxConcurrency: 16,
    // Files in one worker share the harness, so the spec's validators compile once per worker.
    isolate: false,
    pool: "threads",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Vitest } from "vitest/node";
import { ConfigError } from "../../src/config/config-error.ts";
import { REPOSITORY_ROOT } from "./suite-paths.ts";

/**
 * Raises a ConfigError, after closing `vitest`, when no suite file matches `filters`. Call it
 * before `vitest.start()`: vitest runs the reporters even when no file matches, which would
 * replace the reports of the last run with an empty one.
 */
export async function requireMatchingSuites(vitest: Vitest, filters: readonly string[]): Promise<void> {
  const files = await vitest.globTestSpecifications([...filters]);
  if (files.length > 0) return;
  await vitest.close();
  throw new ConfigError(
    `No suite file matches ${filters.map((filter) => JSON.stringify(filter)).join(", ")}. Give words from the ` +
      `names of the files in suites/ (${suiteNames().join(", ")}), or no filter to run them all.`,
  );
}

/** Names of the suite files, without `.contract.ts`. */
function suiteNames(): string[] {
  return readdirSync(join(REPOSITORY_ROOT, "suites"))
    .filter((name) => name.endsWith(".contract.ts"))
    .map((name) => name.slice(0, -".contract.ts".length))
    .sort();
}

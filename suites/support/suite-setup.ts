import { afterAll } from "vitest";
import { useHarnesses, type Harness } from "./harness.ts";
import { ResourceTracker } from "./resource-tracker.ts";
import { SUITE_AREAS } from "./suite-areas.ts";

/** A target's harness with the tracker of the resources one suite file creates on it. */
export interface SuiteTarget {
  readonly label: string;
  readonly harness: Harness;
  readonly tracker: ResourceTracker;
}

/**
 * Returns, for each target that a suite covering `areas` and `kinds` runs against, the harness and a
 * resource tracker whose leftovers are deleted after the file's tests, whether they passed or
 * not. Deletes that fail are printed and stay in the run's ledger.
 */
export function setupSuite(areas: readonly string[], kinds: readonly string[] = []): SuiteTarget[] {
  const unknown = areas.filter((area) => !SUITE_AREAS.has(area));
  if (unknown.length > 0)
    throw new Error(`setupSuite: add ${unknown.join(", ")} to SUITE_AREAS in suites/support/suite-areas.ts.`);
  return useHarnesses(areas, kinds).map((harness) => {
    const tracker = new ResourceTracker(harness);
    afterAll(async () => {
      const failed = await tracker.cleanup();
      if (failed.length > 0 && !harness.faulty) {
        process.stderr.write(`Teardown could not delete ${failed.length} resources: ${failed.join("; ")}\n`);
      }
    });
    return { label: harness.label, harness, tracker };
  });
}

import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { liveTarget, mockTarget } from "../../src/contract/contract-target.ts";
import { resolveConfig } from "../../src/config/resolve-config.ts";
import { loadSpec } from "../../src/spec/load-spec.ts";
import { readOpenEntries } from "../support/resource-ledger.ts";
import { SEEDED_LEGACY_KEYS } from "../../src/mock/seeded-accounts.ts";
import { startMock } from "../../src/mock/server.ts";
import { SUITE_MOCK_TIMING } from "../runner/suite-mock-timing.ts";

/**
 * Provides `msqTargets` and `msqSpec` when the suites run without `msq-harness test`: resolves the settings from
 * the environment (and MSQ_CONFIG) and starts the embedded mock unless MSQ_BASE_URL is set.
 * Does nothing when the CLI already provided a target.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (project.getProvidedContext().msqTargets !== undefined) return undefined;
  const config = resolveConfig();
  const spec = await loadSpec(config.specPath);
  project.provide("msqSpec", { specPath: spec.specPath, document: spec.document });
  mkdirSync(config.reportDir, { recursive: true });
  const ledgerPath = join(config.reportDir, `.ledger-${config.runPrefix}.jsonl`);
  // Teardown in each suite file deletes what it created; a ledger with open entries stays for `cleanup`.
  const removeEmptyLedger = (): void => {
    if (readOpenEntries(ledgerPath).length === 0) rmSync(ledgerPath, { force: true });
  };
  if (config.target !== undefined) {
    const target = liveTarget(config, ledgerPath);
    project.provide("msqTargets", [
      { label: "contract", faultArea: undefined, faultKind: undefined, target },
    ]);
    return async () => removeEmptyLedger();
  }
  const mock = await startMock({ faults: config.mockFaults, timing: SUITE_MOCK_TIMING });
  const target = mockTarget(
    config,
    { origin: mock.origin, accounts: mock.accounts, legacyKeys: SEEDED_LEGACY_KEYS },
    ledgerPath,
  );
  project.provide("msqTargets", [{ label: "contract", faultArea: undefined, faultKind: undefined, target }]);
  return async () => {
    await mock.close();
    // The mock keeps nothing after the run, so its ledger is of no use to `cleanup`.
    rmSync(ledgerPath, { force: true });
  };
}

import { availableParallelism } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createVitest } from "vitest/node";
import { ConfigError } from "../../src/config/config-error.ts";
import type { HarnessConfig } from "../../src/config/resolve-config.ts";
import { ContractReporter } from "../../src/contract/contract-reporter.ts";
import type { CheckRecord } from "../../src/contract/contract-record.ts";
import { mockTarget, type NamedTarget } from "../../src/contract/contract-target.ts";
import {
  judgeFault,
  renderMutationTable,
  type FaultSummary,
  type FaultVerdict,
} from "../../src/contract/mutation-verdict.ts";
import type { Logger } from "../../src/log/logger.ts";
import { createFaultRegistry } from "../../src/mock/deployment.ts";
import { SEEDED_LEGACY_KEYS } from "../../src/mock/seeded-accounts.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { loadSpec } from "../../src/spec/load-spec.ts";
import { SUITE_AREAS } from "../support/suite-areas.ts";
import { requireMatchingSuites } from "./suite-filter.ts";
import { SUITES_CONFIG } from "./suite-paths.ts";
import { SUITE_MOCK_TIMING } from "./suite-mock-timing.ts";

/** Label of the target that runs against a mock without faults. */
const BASELINE = "baseline";

export interface MutationOptions {
  readonly filters: readonly string[];
  readonly logger: Logger;
  /** Worker threads vitest runs at once; the CPU count, at most 4, by default. */
  readonly workers?: number | undefined;
  readonly write?: (text: string) => void;
}

export interface MutationResult {
  readonly exitCode: 0 | 1;
  readonly verdicts: readonly FaultVerdict[];
  readonly baselineFailures: number;
  readonly wallTimeMs: number;
}

/**
 * Runs the suites once per fault of the mock's fault registry, plus once against a mock without
 * faults, and checks that each fault is caught by a failing check of the fault's kind while the
 * baseline has no failure. All runs share one vitest run, in which each fault gets its own mock,
 * provided as one more target. Each suite file runs against the baseline and the faults of the
 * API areas it covers. A fault of an area that no suite covers runs with every suite.
 */
export async function runMutationCheck(
  config: HarnessConfig,
  options: MutationOptions,
): Promise<MutationResult> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  if (config.target !== undefined) {
    throw new ConfigError(
      "The mutation check runs against embedded mocks with faults, but a target is set (option --target, " +
        "environment variable MSQ_BASE_URL). Drop the target to run --mutation.",
    );
  }
  const started = performance.now();
  const registry = createFaultRegistry();
  // Raises a ConfigError on an unknown name, which would otherwise leave no fault to run.
  registry.activate(config.mockFaults, "--mock-fault (env MSQ_MOCK_FAULTS)");
  const faults: FaultSummary[] = registry
    .list()
    .filter((fault) => config.mockFaults.length === 0 || config.mockFaults.includes(fault.name))
    .map((fault) => ({
      name: fault.name,
      area: fault.area,
      kind: fault.kind,
      rule: fault.rule,
      ...(fault.operations === undefined ? {} : { operations: fault.operations }),
    }));

  const mocks = new Map<string, RunningMock>();
  try {
    const names = [BASELINE, ...faults.map((fault) => fault.name)];
    const running = await Promise.all(
      names.map((name) =>
        startMock({
          faults: name === BASELINE ? [] : [name],
          logger: options.logger,
          timing: SUITE_MOCK_TIMING,
        }),
      ),
    );
    names.forEach((name, index) => mocks.set(name, running[index] as RunningMock));
    const targets: NamedTarget[] = names.map((name) => {
      const mock = mocks.get(name) as RunningMock;
      const fault = faults.find((candidate) => candidate.name === name);
      const target = mockTarget(
        { ...config, mockFaults: fault === undefined ? [] : [name] },
        { origin: mock.origin, accounts: mock.accounts, legacyKeys: SEEDED_LEGACY_KEYS },
        undefined,
      );
      const faultArea = fault === undefined || !SUITE_AREAS.has(fault.area) ? undefined : fault.area;
      return { label: name, faultArea, faultKind: fault?.kind, target };
    });
    const spec = await loadSpec(config.specPath);

    let recordsByRun: ReadonlyMap<string, readonly CheckRecord[]> = new Map();
    let failedTestsByRun: ReadonlyMap<string, number> = new Map();
    const workers = options.workers ?? Math.max(1, Math.min(4, availableParallelism()));
    const vitest = await createVitest(
      "test",
      {
        config: SUITES_CONFIG,
        watch: false,
        maxWorkers: workers,
        provide: { msqTargets: targets, msqSpec: { specPath: spec.specPath, document: spec.document } },
        reporters: [
          new ContractReporter({
            reportDir: undefined,
            specPath: config.specPath,
            target: { kind: "mock", url: "embedded mock" },
            runPrefix: config.runPrefix,
            readOnly: config.readOnly,
            mockFaults: [],
            onRecords: (records, failedTests) => {
              recordsByRun = records;
              failedTestsByRun = failedTests;
            },
          }),
        ],
      },
      {},
      { stdout: process.stdout, stderr: process.stderr },
    );
    await requireMatchingSuites(vitest, options.filters);
    await vitest.start([...options.filters]);
    const unhandled = vitest.state.getUnhandledErrors().length;
    await vitest.close();

    const verdicts = faults.map((fault) => judgeFault(fault, recordsByRun.get(fault.name) ?? []));
    const baselineFailures = Math.max(
      failedTestsByRun.get(BASELINE) ?? 0,
      (recordsByRun.get(BASELINE) ?? []).filter((record) => record.outcome === "fail").length,
    );
    const wallTimeMs = performance.now() - started;
    write(`\n${renderMutationTable(verdicts)}\n`);
    write(
      `Baseline (no faults): ${baselineFailures === 0 ? "no failures" : `${baselineFailures} failures`}. ` +
        `Wall time: ${(wallTimeMs / 1000).toFixed(1)} s with ${workers} workers for ${names.length} suite runs.\n`,
    );
    mkdirSync(config.reportDir, { recursive: true });
    writeFileSync(
      join(config.reportDir, "mutation.json"),
      `${JSON.stringify({ generatedAt: new Date().toISOString(), wallTimeMs: Math.round(wallTimeMs), workers, baselineFailures, verdicts }, null, 2)}\n`,
    );
    const survived = verdicts.some((verdict) => !verdict.caught);
    return {
      exitCode: survived || baselineFailures > 0 || unhandled > 0 ? 1 : 0,
      verdicts,
      baselineFailures,
      wallTimeMs,
    };
  } finally {
    await Promise.all([...mocks.values()].map((mock) => mock.close()));
  }
}

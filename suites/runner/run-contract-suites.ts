import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Vitest } from "vitest/node";
import { ConfigError } from "../../src/config/config-error.ts";
import type { HarnessConfig } from "../../src/config/resolve-config.ts";
import { ContractReporter } from "../../src/contract/contract-reporter.ts";
import { checkLiveTarget } from "./live-preflight.ts";
import { liveTarget, mockTarget, type ContractTarget } from "../../src/contract/contract-target.ts";
import type { Logger } from "../../src/log/logger.ts";
import { redactText } from "../../src/log/redact.ts";
import { SEEDED_LEGACY_KEYS } from "../../src/mock/seeded-accounts.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { loadSpec } from "../../src/spec/load-spec.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { replayLedger } from "./replay-ledger.ts";
import { createSuiteVitest } from "./start-suites.ts";
import { requireMatchingSuites } from "./suite-filter.ts";
import { SUITES_CONFIG } from "./suite-paths.ts";
import { SUITE_MOCK_TIMING } from "./suite-mock-timing.ts";

/** Label of the single target of a contract run, the top-level describe of every test. */
export const CONTRACT_LABEL = "contract";

export interface SuiteRunOptions {
  /** vitest file filters: only suite files whose path contains one of them run. */
  readonly filters: readonly string[];
  readonly logger: Logger;
  /** Writer of progress and summaries; process.stdout by default. */
  readonly write?: (text: string) => void;
}

/** Outcome of one run of the suites. */
/** Exit code of a run stopped by SIGINT or SIGTERM, after its cleanup: 128 + 2, as shells report SIGINT. */
export const EXIT_INTERRUPTED = 130;

export interface SuiteRunResult {
  readonly exitCode: 0 | 1 | typeof EXIT_INTERRUPTED;
  readonly failedTests: number;
  readonly interrupted: boolean;
  readonly wallTimeMs: number;
}

/**
 * Runs the contract suites once against the configured target, or against an embedded mock
 * started for the run, and writes junit.xml, contract.json and contract.md into the report
 * directory. Resources left by interrupted or failed teardowns are deleted from the run's ledger.
 */
export async function runContractSuites(
  config: HarnessConfig,
  options: SuiteRunOptions,
): Promise<SuiteRunResult> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const started = performance.now();
  // Everything that can fail on bad settings runs before the mock starts, because an open mock
  // would keep the process alive after the error.
  const spec = await loadSpec(config.specPath);
  createReportDir(config.reportDir);
  const ledgerPath = join(config.reportDir, `.ledger-${config.runPrefix}.jsonl`);

  let mock: RunningMock | undefined;
  let target: ContractTarget;
  if (config.target === undefined) {
    mock = await startMock({
      faults: config.mockFaults,
      faultSource: "--mock-fault (env MSQ_MOCK_FAULTS)",
      logger: options.logger,
      timing: SUITE_MOCK_TIMING,
    });
    target = mockTarget(
      config,
      { origin: mock.origin, accounts: mock.accounts, legacyKeys: SEEDED_LEGACY_KEYS },
      ledgerPath,
    );
  } else {
    target = liveTarget(config, ledgerPath);
    await checkLiveTarget(target);
  }
  options.logger.info(
    { target: redactText(target.root), kind: target.kind, runPrefix: target.runPrefix },
    "contract run started",
  );
  if (target.kind === "live") {
    // Printed before any resource exists, so that a run killed without teardown can still be cleaned.
    write(
      `Run prefix ${target.runPrefix}: every resource this run creates is named with it, and ` +
        `\`msq-harness cleanup --prefix ${target.runPrefix}\` removes what a killed run leaves.\n`,
    );
  }

  let interrupted = false;
  let vitest: Vitest | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) {
      // A second signal quits at once. The reports of this run are not written, and what the run
      // created stays, so the message names the command that removes it.
      const leftover =
        target.kind === "live"
          ? ` Resources of this run may remain; run \`msq-harness cleanup --prefix ${target.runPrefix}\` to remove them.`
          : "";
      write(`\n${signal} again: quitting without cleanup or reports.${leftover}\n`);
      process.exit(EXIT_INTERRUPTED);
    }
    interrupted = true;
    write(
      `\n${signal}: stopping the suites and deleting the resources this run created ` +
        "(send it again to quit at once)...\n",
    );
    void vitest?.cancelCurrentRun("keyboard-input");
  };

  try {
    vitest = await createSuiteVitest(
      {
        config: SUITES_CONFIG,
        watch: false,
        provide: {
          msqTargets: [{ label: CONTRACT_LABEL, faultArea: undefined, faultKind: undefined, target }],
          msqSpec: { specPath: spec.specPath, document: spec.document },
        },
        reporters: [
          "default",
          [
            "junit",
            { outputFile: join(config.reportDir, "junit.xml"), suiteName: "msq-harness contract suites" },
          ],
          new ContractReporter({
            reportDir: config.reportDir,
            specPath: config.specPath,
            target: { kind: target.kind, url: target.kind === "mock" ? "embedded mock" : target.root },
            runPrefix: config.runPrefix,
            readOnly: config.readOnly,
            mockFaults: config.mockFaults,
            onReportsWritten: (paths) =>
              write(`Reports: ${paths.json}, ${paths.markdown}, ${join(config.reportDir, "junit.xml")}\n`),
          }),
        ],
      },
      onSignal,
    );
    await requireMatchingSuites(vitest, options.filters);
    // The reports of an earlier run are removed now, so that a run that ends without writing its own (a
    // second Ctrl-C, a kill) does not leave them looking like this run's.
    for (const name of ["contract.json", "contract.md", "junit.xml"]) {
      rmSync(join(config.reportDir, name), { force: true });
    }
    await vitest.start([...options.filters]);
    const failedTests = vitest.state.getCountOfFailedTests();
    const errors = vitest.state.getUnhandledErrors().length;
    await vitest.close();

    const validators = new ValidatorRegistry(spec);
    const left = await replayLedger(ledgerPath, target, validators);
    // The mock keeps nothing after the run, so its ledger is of no use to `cleanup`.
    if (left.length === 0 || target.kind === "mock") rmSync(ledgerPath, { force: true });
    if (left.length > 0) {
      write(
        `${left.length} resources could not be deleted (${left.map((entry) => `${entry.kind} ${entry.resourceId}`).join(", ")}). ` +
          `Run \`msq-harness cleanup --prefix ${config.runPrefix}\` to remove them.\n`,
      );
    }
    let exitCode: SuiteRunResult["exitCode"] = failedTests > 0 || errors > 0 ? 1 : 0;
    if (interrupted) exitCode = EXIT_INTERRUPTED;
    return { exitCode, failedTests, interrupted, wallTimeMs: performance.now() - started };
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await mock?.close();
  }
}

/** Creates the report directory, or raises a ConfigError that names --report-dir. */
function createReportDir(directory: string): void {
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      `Cannot create the report directory ${JSON.stringify(directory)} (${reason}). Give a writable directory ` +
        'with option --report-dir, environment variable MSQ_REPORT_DIR or config file key "reportDir".',
    );
  }
}

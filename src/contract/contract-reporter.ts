import type { Reporter, TestModule, TestRunEndReason } from "vitest/node";
import { loadSpec } from "../spec/load-spec.ts";
import { listOperations } from "../spec/operations.ts";
import type { CheckRecord } from "./contract-record.ts";
import {
  writeContractReports,
  type ContractReport,
  type ContractVerdict,
  type FailedTest,
} from "./contract-report.ts";
import { summarizeRecords } from "./contract-summary.ts";

export interface ContractReporterOptions {
  /** Directory for contract.json and contract.md; undefined writes no files (the mutation check). */
  readonly reportDir: string | undefined;
  readonly specPath: string;
  readonly target: ContractReport["target"];
  readonly runPrefix: string;
  readonly readOnly: boolean;
  readonly mockFaults: readonly string[];
  /** Receives the records of each target label (see NamedTarget) when the run ends. */
  readonly onRecords?: (
    recordsByRun: ReadonlyMap<string, readonly CheckRecord[]>,
    failedTestsByRun: ReadonlyMap<string, number>,
  ) => void;
  /** Receives the paths of the written reports. */
  readonly onReportsWritten?: (paths: { json: string; markdown: string }) => void;
}

/**
 * A vitest reporter that reads the check records each contract test stores in its task meta
 * (`meta.contract.records`) and writes contract.json and contract.md when the run ends.
 */
export class ContractReporter implements Reporter {
  private readonly started = performance.now();

  constructor(private readonly options: ContractReporterOptions) {}

  async onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<unknown>,
    reason: TestRunEndReason,
  ): Promise<void> {
    const byRun = new Map<string, CheckRecord[]>();
    const failedByRun = new Map<string, number>();
    const tests = { passed: 0, failed: 0, skipped: 0 };
    const failedWithoutCheck: FailedTest[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        // The top-level describe of every contract test is its target's label.
        const run = test.fullName.split(" > ")[0] ?? "";
        const records = test.meta().contract?.records ?? [];
        if (result.state === "passed") tests.passed += 1;
        else if (result.state === "failed") {
          tests.failed += 1;
          failedByRun.set(run, (failedByRun.get(run) ?? 0) + 1);
          if (!records.some((record) => record.outcome === "fail")) {
            failedWithoutCheck.push({
              name: `${module.relativeModuleId} > ${test.fullName}`,
              error: firstLine(result.errors[0]?.message ?? "no error message"),
            });
          }
        } else tests.skipped += 1;
        for (const record of records) {
          const recordsOfRun = byRun.get(record.run) ?? [];
          recordsOfRun.push(record);
          byRun.set(record.run, recordsOfRun);
        }
      }
    }
    this.options.onRecords?.(byRun, failedByRun);
    if (this.options.reportDir === undefined) return;

    const spec = await loadSpec(this.options.specPath);
    const operations = listOperations(spec.document).map(({ operationId, method, path }) => ({
      operationId,
      method,
      path,
    }));
    const summary = summarizeRecords([...byRun.values()].flat(), operations);
    let verdict: ContractVerdict = "passed";
    if (summary.totals.fail > 0 || tests.failed > 0 || unhandledErrors.length > 0) verdict = "failed";
    if (reason === "interrupted") verdict = "interrupted";
    const report: ContractReport = {
      verdict,
      generatedAt: new Date().toISOString(),
      target: this.options.target,
      runPrefix: this.options.runPrefix,
      readOnly: this.options.readOnly,
      mockFaults: this.options.mockFaults,
      durationMs: Math.round(performance.now() - this.started),
      tests,
      failedWithoutCheck,
      summary,
    };
    const paths = writeContractReports(this.options.reportDir, report);
    this.options.onReportsWritten?.(paths);
  }
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? "";
}

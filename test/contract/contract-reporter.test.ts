import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { TestModule, TestRunEndReason } from "vitest/node";
import type { CheckRecord } from "../../src/contract/contract-record.ts";
import type { ContractReport } from "../../src/contract/contract-report.ts";
import { ContractReporter } from "../../src/contract/contract-reporter.ts";

const FAILING_RECORD: CheckRecord = {
  run: "contract",
  operationId: "listModels",
  method: "GET",
  path: "/v1/models",
  check: "status-code-conformance",
  family: "status-code",
  outcome: "fail",
  inferred: false,
  failures: [],
};

interface FakeTest {
  readonly name: string;
  readonly state: "passed" | "failed" | "skipped";
  readonly error?: string;
  readonly records?: readonly CheckRecord[];
}

/** Builds a stand-in for vitest's TestModule with only what ContractReporter reads. */
function moduleOf(tests: readonly FakeTest[]): TestModule {
  const cases = tests.map((test) => ({
    fullName: `contract > models > ${test.name}`,
    result: () => ({
      state: test.state,
      errors: test.error === undefined ? [] : [{ message: `${test.error}\nsecond line` }],
    }),
    meta: () => ({ contract: { records: test.records ?? [] } }),
  }));
  return {
    relativeModuleId: "suites/models.contract.ts",
    children: { allTests: () => cases[Symbol.iterator]() },
  } as unknown as TestModule;
}

async function reportOf(
  tests: readonly FakeTest[],
  reason: TestRunEndReason,
  unhandledErrors: readonly unknown[] = [],
): Promise<ContractReport> {
  const reportDir = mkdtempSync(join(tmpdir(), "msqh-reporter-"));
  const reporter = new ContractReporter({
    reportDir,
    specPath: "spec/openapi.yaml",
    target: { kind: "mock", url: "embedded mock" },
    runPrefix: "msqh-reporter-test",
    readOnly: false,
    mockFaults: [],
  });
  await reporter.onTestRunEnd([moduleOf(tests)], unhandledErrors, reason);
  return JSON.parse(readFileSync(join(reportDir, "contract.json"), "utf8")) as ContractReport;
}

describe("ContractReporter", () => {
  test.each([
    ["every test passed", [{ name: "a", state: "passed" }], "passed", [], "passed"],
    ["a check failed", [{ name: "a", state: "failed", records: [FAILING_RECORD] }], "failed", [], "failed"],
    [
      "a test failed outside checks",
      [{ name: "a", state: "failed", error: "timed out" }],
      "failed",
      [],
      "failed",
    ],
    ["an unhandled error", [{ name: "a", state: "passed" }], "failed", [{ message: "boom" }], "failed"],
    ["the run was interrupted", [{ name: "a", state: "skipped" }], "interrupted", [], "interrupted"],
  ] as const)("verdict when %s", async (_case, tests, reason, errors, verdict) => {
    expect((await reportOf(tests, reason, errors)).verdict).toBe(verdict);
  });

  test("lists a test that failed without a check", async () => {
    const report = await reportOf(
      [{ name: "lists", state: "failed", error: "Test timed out in 60000ms." }],
      "failed",
    );
    expect(report.failedWithoutCheck).toEqual([
      { name: "suites/models.contract.ts > contract > models > lists", error: "Test timed out in 60000ms." },
    ]);
  });

  test("leaves out a test whose check failed", async () => {
    const report = await reportOf(
      [{ name: "lists", state: "failed", error: "ContractViolation", records: [FAILING_RECORD] }],
      "failed",
    );
    expect(report.failedWithoutCheck).toEqual([]);
  });
});

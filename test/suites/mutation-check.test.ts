import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { createFaultRegistry } from "../../src/mock/deployment.ts";
import { runCli } from "./run-cli.ts";

interface MutationReport {
  readonly baselineFailures: number;
  readonly wallTimeMs: number;
  readonly verdicts: readonly {
    readonly fault: { readonly name: string };
    readonly caught: boolean;
    readonly caughtBy: readonly unknown[];
  }[];
}

describe("msq-harness test --mutation", () => {
  test("catches every registered fault", { timeout: 600_000 }, async () => {
    const reportDir = mkdtempSync(join(tmpdir(), "msqh-mutation-"));
    const result = await runCli(["test", "--mutation", "--report-dir", reportDir], {}, 580_000);
    const report = JSON.parse(readFileSync(join(reportDir, "mutation.json"), "utf8")) as MutationReport;
    const survivors = report.verdicts
      .filter((verdict) => !verdict.caught)
      .map((verdict) => verdict.fault.name);
    expect(survivors).toEqual([]);
    expect(report.baselineFailures).toBe(0);
    expect(report.verdicts.map((verdict) => verdict.fault.name).sort()).toEqual(
      createFaultRegistry()
        .list()
        .map((fault) => fault.name)
        .sort(),
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Kill rate: (\d+)\/\1 faults caught \(100\.0%\)\./);
  });
});

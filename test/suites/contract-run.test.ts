import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { startMock } from "../../src/mock/server.ts";
import { runCli } from "./run-cli.ts";

describe("msq-harness test", () => {
  test("passes against the embedded mock", { timeout: 240_000 }, async () => {
    const reportDir = mkdtempSync(join(tmpdir(), "msqh-run-"));
    const result = await runCli(["test", "--report-dir", reportDir]);
    expect(result.exitCode, result.stdout.slice(-3000)).toBe(0);
    for (const name of ["junit.xml", "contract.json", "contract.md"])
      expect(existsSync(join(reportDir, name)), name).toBe(true);
    const report = JSON.parse(readFileSync(join(reportDir, "contract.json"), "utf8")) as {
      summary: { totals: { fail: number; pass: number }; operations: number; operationsCovered: number };
      tests: { failed: number };
    };
    expect(report.summary.totals.fail).toBe(0);
    expect(report.tests.failed).toBe(0);
    expect(report.summary.operationsCovered).toBe(report.summary.operations);
    expect(readFileSync(join(reportDir, "junit.xml"), "utf8")).toContain("<testsuites");
  });

  test("fails a broken target with an actionable message", { timeout: 240_000 }, async () => {
    const reportDir = mkdtempSync(join(tmpdir(), "msqh-broken-"));
    const result = await runCli([
      "test",
      "auth",
      "--mock-fault",
      "auth-missing-key-accepted",
      "--report-dir",
      reportDir,
    ]);
    expect(result.exitCode).toBe(1);
    const output = result.stdout + result.stderr;
    expect(output).toContain(
      "[auth-missing-key-rejected] listModels GET /v1/models: Request without an API key was accepted",
    );
    expect(output).toContain("the spec documents 401 for every protected operation");
    expect(output).toContain("reproduce: curl -sS -X GET");
    const markdown = readFileSync(join(reportDir, "contract.md"), "utf8");
    expect(markdown.split("\n")[0]).toBe("## Contract report: failed");
  });

  test("a wrong key exits 2", { timeout: 60_000 }, async () => {
    const mock = await startMock();
    try {
      const result = await runCli(
        ["test", "models", "--target", mock.baseUrl],
        { MSQ_API_KEY: "msq-wrong-key-000000000000" },
        30_000,
      );
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain("returned 401 to GET /v1/models with the key in MSQ_API_KEY");
      expect(result.stderr).not.toContain("msq-wrong-key-000000000000");
    } finally {
      await mock.close();
    }
  });

  test("an unreachable target exits 2", { timeout: 60_000 }, async () => {
    // Port 9 (discard) on loopback has no listener here, so the connection is refused.
    const result = await runCli(
      ["test", "models", "--target", "http://127.0.0.1:9/v1"],
      { MSQ_API_KEY: "msq-unused-key-000000000000" },
      30_000,
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("The target http://127.0.0.1:9 failed to respond to GET /v1/models");
  });

  test("exits 2 on a configuration error", { timeout: 60_000 }, async () => {
    const result = await runCli(["test", "--timeout-ms", "soon"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Invalid requestTimeoutMs from option --timeout-ms: received "soon".');
  });

  test("exits 2 on an unknown mock fault", { timeout: 60_000 }, async () => {
    const result = await runCli(["test", "--mock-fault", "no-such-fault"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--mock-fault (env MSQ_MOCK_FAULTS): unknown fault "no-such-fault"');
  });

  test("unmatched filter keeps the last reports", { timeout: 60_000 }, async () => {
    const reportDir = mkdtempSync(join(tmpdir(), "msqh-nomatch-"));
    writeFileSync(join(reportDir, "contract.md"), "## Contract report: failed\n");
    const result = await runCli(["test", "no-such-suite", "--report-dir", reportDir]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('No suite file matches "no-such-suite".');
    expect(readFileSync(join(reportDir, "contract.md"), "utf8")).toBe("## Contract report: failed\n");
    expect(existsSync(join(reportDir, "contract.json"))).toBe(false);
  });

  test("exits 2 on a missing spec", { timeout: 60_000 }, async () => {
    const result = await runCli(["test", "models", "--spec", "no-such-spec.yaml"], {}, 30_000);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("OpenAPI document not found:");
  });

  test("exits 2 when the report dir is a file", { timeout: 60_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), "msqh-file-")), "reports");
    writeFileSync(file, "");
    const result = await runCli(["test", "models", "--report-dir", file], {}, 30_000);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`Cannot create the report directory ${JSON.stringify(file)}`);
  });
});

describe("msq-harness test --mutation", () => {
  test("workers without --mutation exit 2", { timeout: 60_000 }, async () => {
    const result = await runCli(["test", "models", "--mutation-workers", "2"], {}, 30_000);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--mutation-workers sets the worker threads of the mutation check");
  });

  test("filtered mutation needs named faults", { timeout: 60_000 }, async () => {
    const result = await runCli(["test", "--mutation", "models"], {}, 30_000);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--mutation with the filters models would check every mock fault");
  });

  test("exits 2 on an unknown fault", { timeout: 60_000 }, async () => {
    const result = await runCli(["test", "--mutation", "--mock-fault", "no-such-fault"], {}, 30_000);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--mock-fault (env MSQ_MOCK_FAULTS): unknown fault "no-such-fault"');
  });

  test("exits 2 on an unmatched filter", { timeout: 60_000 }, async () => {
    const reportDir = mkdtempSync(join(tmpdir(), "msqh-mutation-nomatch-"));
    const result = await runCli(
      [
        "test",
        "--mutation",
        "no-such-suite",
        "--mock-fault",
        "models-owned-by-number",
        "--report-dir",
        reportDir,
      ],
      {},
      30_000,
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('No suite file matches "no-such-suite".');
    expect(existsSync(join(reportDir, "mutation.json"))).toBe(false);
  });
});

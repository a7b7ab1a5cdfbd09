import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { CheckRecord } from "../../src/contract/contract-record.ts";
import { renderContractMarkdown } from "../../src/contract/contract-markdown.ts";
import { writeContractReports, type ContractReport } from "../../src/contract/contract-report.ts";
import { summarizeRecords } from "../../src/contract/contract-summary.ts";
import { registerSecret } from "../../src/log/redact.ts";

const OPERATIONS = [
  { operationId: "listModels", method: "GET", path: "/v1/models" },
  { operationId: "createEmbeddings", method: "POST", path: "/v1/embeddings" },
  { operationId: "listFiles", method: "GET", path: "/v1/files" },
];

function record(overrides: Partial<CheckRecord>): CheckRecord {
  return {
    run: "contract",
    operationId: "listModels",
    method: "GET",
    path: "/v1/models",
    check: "status-code-conformance",
    family: "status-code",
    outcome: "pass",
    inferred: false,
    failures: [],
    ...overrides,
  };
}

const FAILURE = {
  operationId: "listModels",
  method: "GET",
  path: "/v1/models",
  check: "response-schema-conformance",
  title: "Response body misses object",
  message: "Received a body without object; the spec documents object: list. Add it.",
  received: "{}",
  documented: '{"required":["object"]}',
  inferred: true,
  curl: `curl -sS -X GET 'http://127.0.0.1:4010/v1/models' -H "x-api-key: $MSQ_API_KEY"`,
  exchange: "GET /v1/models -> 200",
};

describe("summarizeRecords", () => {
  const summary = summarizeRecords(
    [
      record({}),
      record({}),
      record({
        check: "response-schema-conformance",
        family: "body-schema",
        outcome: "fail",
        failures: [FAILURE],
      }),
      record({
        check: "response-schema-conformance",
        family: "body-schema",
        outcome: "pass",
        inferred: true,
      }),
      record({
        operationId: "createEmbeddings",
        method: "POST",
        path: "/v1/embeddings",
        check: "embedding-dimensions",
        family: "body-schema",
        outcome: "skip",
        reason: "no embedding model named for the target",
      }),
    ],
    OPERATIONS,
  );

  test("one entry per operation and check", () => {
    expect(summary.entries.map((entry) => `${entry.operationId} ${entry.check}`)).toEqual([
      "createEmbeddings embedding-dimensions",
      "listModels response-schema-conformance",
      "listModels status-code-conformance",
    ]);
  });

  test("a failure outweighs passes", () => {
    const entry = summary.entries.find((item) => item.check === "response-schema-conformance");
    expect(entry?.outcome).toBe("fail");
    expect(entry?.counts).toEqual({ pass: 1, fail: 1, skip: 0 });
    expect(entry?.basis).toBe("inferred");
  });

  test("a documented failure is documented", () => {
    const [entry] = summarizeRecords(
      [
        record({ check: "response-schema-conformance", family: "body-schema", inferred: true }),
        record({
          check: "response-schema-conformance",
          family: "body-schema",
          outcome: "fail",
          inferred: true,
          failures: [{ ...FAILURE, inferred: false }],
        }),
      ],
      OPERATIONS,
    ).entries;
    expect(entry?.outcome).toBe("fail");
    expect(entry?.basis).toBe("documented");
  });

  test("skip keeps its reason", () => {
    const entry = summary.entries.find((item) => item.operationId === "createEmbeddings");
    expect(entry?.outcome).toBe("skip");
    expect(entry?.skipReasons).toEqual(["no embedding model named for the target"]);
  });

  test("coverage counts checked operations", () => {
    expect(summary.operations).toBe(3);
    expect(summary.operationsCovered).toBe(1);
    expect(summary.byFamily["body-schema"]).toEqual({ operationsChecked: 1, pass: 0, fail: 1, skip: 1 });
    expect(summary.uncovered.map((operation) => operation.operationId)).toEqual([
      "createEmbeddings",
      "listFiles",
    ]);
  });
});

describe("writeContractReports", () => {
  const secret = "msq-report-canary-0000000000000042";
  registerSecret(secret);
  const summary = summarizeRecords(
    [
      record({
        check: "response-schema-conformance",
        family: "body-schema",
        outcome: "fail",
        failures: [{ ...FAILURE, message: `saw ${secret} in the body` }],
      }),
    ],
    OPERATIONS,
  );
  const report: ContractReport = {
    verdict: "failed",
    generatedAt: "2026-12-04T00:00:00.000Z",
    target: { kind: "live", url: "https://api.example.com" },
    runPrefix: "msqh-test",
    readOnly: false,
    mockFaults: [],
    durationMs: 1200,
    tests: { passed: 0, failed: 1, skipped: 0 },
    failedWithoutCheck: [],
    summary,
  };
  const directory = mkdtempSync(join(tmpdir(), "msqh-report-"));
  const paths = writeContractReports(directory, report);
  const json = readFileSync(paths.json, "utf8");
  const markdown = readFileSync(paths.markdown, "utf8");

  test("registered secrets are redacted", () => {
    expect(json).not.toContain(secret);
    expect(markdown).not.toContain(secret);
  });

  test("curl keeps the key variable", () => {
    expect(json).toContain('-H \\"x-api-key: $MSQ_API_KEY\\"');
    expect(markdown).toContain(`-H "x-api-key: $MSQ_API_KEY"`);
  });

  test("markdown names the verdict and the failure", () => {
    expect(markdown.split("\n")[0]).toBe("## Contract report: failed");
    expect(markdown).toContain(
      '| `listModels` GET /v1/models | response-schema-conformance | {} | {"required":["object"]} | inferred |',
    );
  });

  test("table cells escape pipes", () => {
    const piped = summarizeRecords(
      [
        record({
          outcome: "fail",
          failures: [{ ...FAILURE, check: "status-code-conformance", received: "a|b" }],
        }),
      ],
      OPERATIONS,
    );
    const text = readFileSync(
      writeContractReports(mkdtempSync(join(tmpdir(), "msqh-report-")), { ...report, summary: piped })
        .markdown,
      "utf8",
    );
    expect(text).toContain("a\\|b");
  });
});

describe("renderContractMarkdown", () => {
  const passing = summarizeRecords([record({})], OPERATIONS);
  const base: ContractReport = {
    verdict: "passed",
    generatedAt: "2026-12-04T00:00:00.000Z",
    target: { kind: "mock", url: "embedded mock" },
    runPrefix: "msqh-test",
    readOnly: false,
    mockFaults: [],
    durationMs: 1200,
    tests: { passed: 1, failed: 0, skipped: 0 },
    failedWithoutCheck: [],
    summary: passing,
  };

  test.each([["passed"], ["failed"], ["interrupted"]] as const)("heading names verdict %s", (verdict) => {
    expect(renderContractMarkdown({ ...base, verdict }).split("\n")[0]).toBe(
      `## Contract report: ${verdict}`,
    );
  });

  test("lists tests that failed without a check", () => {
    const markdown = renderContractMarkdown({
      ...base,
      verdict: "failed",
      tests: { passed: 0, failed: 1, skipped: 0 },
      failedWithoutCheck: [
        {
          name: "suites/models.contract.ts > contract > models > lists",
          error: "Test timed out in 60000ms.",
        },
      ],
    });
    expect(markdown).toContain("### Failed tests without a check failure");
    expect(markdown).toContain(
      "| suites/models.contract.ts > contract > models > lists | Test timed out in 60000ms. |",
    );
  });

  test("omits the failed-test section when there is none", () => {
    expect(renderContractMarkdown(base)).not.toContain("### Failed tests without a check failure");
  });
});

import { describe, expect, test } from "vitest";
import type { CheckRecord } from "../../src/contract/contract-record.ts";
import { judgeFault, renderMutationTable, type FaultSummary } from "../../src/contract/mutation-verdict.ts";

function failing(check: string, family: CheckRecord["family"], operationId: string): CheckRecord {
  return {
    run: "f",
    operationId,
    method: "GET",
    path: "/",
    check,
    family,
    outcome: "fail",
    inferred: false,
    failures: [],
  };
}

const FAULT: FaultSummary = {
  name: "chat-stream-id-changes",
  area: "chat",
  kind: "sse-order",
  rule: "Same id.",
  operations: ["createChatCompletion"],
};

describe("judgeFault", () => {
  test("caught by a check of its kind on its operation", () => {
    const verdict = judgeFault(FAULT, [
      failing("chat-stream-stable-identity", "sse-order", "createChatCompletion"),
    ]);
    expect(verdict.caught).toBe(true);
    expect(verdict.caughtBy).toEqual([{ check: "chat-stream-stable-identity", operations: 1 }]);
  });

  test("a failure of another kind does not count", () => {
    const verdict = judgeFault(FAULT, [
      failing("response-schema-conformance", "body-schema", "createChatCompletion"),
    ]);
    expect(verdict.caught).toBe(false);
    expect(verdict.otherFailures).toEqual([
      "response-schema-conformance (body-schema) on createChatCompletion",
    ]);
  });

  test("a failure on another operation does not count", () => {
    expect(judgeFault(FAULT, [failing("sse-first-event", "sse-order", "streamWorkflowRun")]).caught).toBe(
      false,
    );
  });

  test("passing records do not count", () => {
    const pass = {
      ...failing("chat-stream-stable-identity", "sse-order", "createChatCompletion"),
      outcome: "pass" as const,
    };
    expect(judgeFault(FAULT, [pass]).caught).toBe(false);
  });
});

describe("renderMutationTable", () => {
  test("lists faults and the kill rate", () => {
    const text = renderMutationTable([
      judgeFault(FAULT, [failing("chat-stream-stable-identity", "sse-order", "createChatCompletion")]),
      judgeFault({ ...FAULT, name: "other-fault" }, []),
    ]);
    expect(text.split("\n")).toEqual([
      "Fault                   Kind       Caught by",
      "chat-stream-id-changes  sse-order  chat-stream-stable-identity (1 op)",
      "other-fault             sse-order  SURVIVED",
      "",
      "Kill rate: 1/2 faults caught (50.0%).",
    ]);
  });
});

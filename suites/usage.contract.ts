import { describe, test } from "vitest";
import { arrayField, field, stringsOf } from "./support/body-fields.ts";
import { createTestModel, createTestProvider, jsonBody } from "./support/fixtures.ts";
import { covers, requireResource, requireSecondAccount, requireWrites } from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { verify } from "./support/verify.ts";

const USAGE_OPERATIONS = [
  "listUsageRecords",
  "getUsageSummary",
  "listUsageByModel",
  "getUsageTimeseries",
  "getUsageBilling",
] as const;
const MESSAGES = [{ role: "user", content: "Count this call." }];

/** Returns the interval query parameter that the timeseries route requires. */
function intervalFor(operationId: string): { interval?: string } {
  return operationId === "getUsageTimeseries" ? { interval: "day" } : {};
}

/** Returns the call count of a usage summary body. */
function callCount(body: unknown): number {
  const count = field(field(body, "data"), "callCount");
  return typeof count === "number" ? count : Number.NaN;
}

for (const { harness, tracker } of setupSuite(["usage", "chat", "common"])) {
  describe(harness.label, () => {
    describe("usage", () => {
      test.for(USAGE_OPERATIONS)("%s over the last day", async (operationId, context) => {
        const call = await harness.primary.call(operationId, {
          query: { last: "24h", ...intervalFor(operationId) },
        });
        verify(context, harness, call);
      });

      test.for(USAGE_OPERATIONS)("%s over an ISO range", async (operationId, context) => {
        const end = new Date();
        const start = new Date(end.getTime() - 3_600_000);
        const call = await harness.primary.call(operationId, {
          query: { start: start.toISOString(), end: end.toISOString(), ...intervalFor(operationId) },
        });
        verify(context, harness, call);
      });

      test.for(["hour", "day", "month"] as const)("timeseries by %s", async (interval, context) => {
        const call = await harness.primary.call("getUsageTimeseries", { query: { last: "7d", interval } });
        verify(context, harness, call);
      });

      test("raw records filtered and paged", async (context) => {
        const call = await harness.primary.call("listUsageRecords", {
          query: { last: "7d", tools: false, limit: 5, offset: 0 },
        });
        verify(context, harness, call);
      });
    });

    describe("usage errors", () => {
      test.for(USAGE_OPERATIONS)("%s rejects an end before the start", async (operationId, context) => {
        const now = Date.now();
        const call = await harness.primary.call(operationId, {
          query: { start: String(now), end: String(now - 60_000), ...intervalFor(operationId) },
        });
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [400],
          reason: "end is earlier than start",
        });
      });

      test.for(USAGE_OPERATIONS)("%s rejects a query without a range", async (operationId, context) => {
        const call = await harness.primary.call(operationId);
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [400],
          reason: "neither start and end nor last is given",
        });
      });

      test("timeseries rejects an unknown interval", async (context) => {
        const call = await harness.primary.call("getUsageTimeseries", {
          query: { last: "24h", interval: "week" },
        });
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [400],
          reason: "interval is not hour, day or month",
        });
      });
    });

    describe.sequential("usage consistency", () => {
      test("summary grows by the calls made", async (context) => {
        const checks = [covers("getUsageSummary", "consistency-usage-growth")];
        const model = requireResource(context, harness, "chatModel", checks);
        const query = { last: "1h", modelName: model };
        const before = await harness.primary.call("getUsageSummary", { query });
        verify(context, harness, before);
        const startCount = callCount(jsonBody(before));
        for (let index = 0; index < 2; index += 1) {
          const chat = await harness.primary.call("createChatCompletion", {
            json: { model, messages: MESSAGES, max_tokens: 4 },
          });
          verify(context, harness, chat);
        }
        const after = await harness.primary.call("getUsageSummary", { query });
        verify(context, harness, after, {
          kind: "consistency",
          rule: "usage-growth",
          documented: "a callCount that grows by at least the 2 chat calls made in between",
          mismatches: (body) =>
            callCount(body) >= startCount + 2
              ? []
              : [`callCount ${callCount(body)} after 2 calls, up from ${startCount}`],
        });
      });
    });

    describe.sequential("usage namespacing", () => {
      test("second account does not see the first account's calls", async (context) => {
        const checks = [covers("listUsageRecords", "namespacing-foreign-list-excluded")];
        requireWrites(context, harness, checks);
        const other = requireSecondAccount(context, harness, checks);
        const provider = await createTestProvider(context, harness, tracker, harness.primary);
        const model = await createTestModel(context, harness, tracker, harness.primary, provider);
        const chat = await harness.primary.call("createChatCompletion", {
          json: { model, messages: MESSAGES, max_tokens: 4 },
        });
        verify(context, harness, chat);
        const usageModels = (body: unknown): string[] => stringsOf(arrayField(body, "data"), "modelName");
        const own = await harness.primary.call("listUsageRecords", {
          query: { last: "1h", modelName: model },
        });
        verify(context, harness, own, {
          kind: "lifecycle",
          step: "list",
          resource: "usage record",
          id: model,
          expected: "present",
          listedIds: usageModels,
        });
        const foreign = await other.call("listUsageRecords", { query: { last: "1h", modelName: model } });
        verify(context, harness, foreign, {
          kind: "foreign-access",
          action: "list",
          resource: "usage record",
          id: model,
          listedIds: usageModels,
        });
        const summary = await other.call("getUsageSummary", { query: { last: "1h", modelName: model } });
        verify(context, harness, summary, {
          kind: "foreign-access",
          action: "list",
          resource: "usage record",
          id: model,
          listedIds: (body) => (callCount(body) > 0 ? [model] : []),
        });
      });
    });
  });
}

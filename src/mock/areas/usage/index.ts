import type { MockArea, OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { InvalidRequestError } from "../../request-fields.ts";
import { usageRows, type LLMUsageMetric } from "../../usage-recording.ts";
import {
  summarize,
  totalsByBucket,
  totalsByModel,
  totalsByModelAndBucket,
  type BucketSize,
} from "./usage-aggregates.ts";
import { USAGE_FAULTS } from "./usage-faults.ts";
import { parseUsageQuery, selectRows } from "./usage-query.ts";

/**
 * Bounds of `limit` on the raw rows.
 * NOTE: the reference pages give the default and the maximum but not what happens above it. The
 * mock caps larger values at the maximum and rejects values below 1.
 */
const RAW_LIMIT = { default: 100, maximum: 1000 } as const;

const INTERVALS: ReadonlySet<string> = new Set(["hour", "day", "month"]);
const BILLING_GROUPS: ReadonlySet<string> = new Set(["model", "model:day", "model:month"]);

/** Selects the caller's recorded calls (chat, embeddings, workflows and the rest) that the query names. */
function selectedRows(context: OperationContext): LLMUsageMetric[] {
  const query = parseUsageQuery(context.request.query, context.request.receivedAtEpochMs, {
    acceptEmptyRange: context.faults.has(USAGE_FAULTS.emptyRangeAccepted),
  });
  const accounts = context.faults.has(USAGE_FAULTS.acrossAccounts)
    ? context.store.accounts()
    : [context.account];
  return accounts.flatMap((account) => selectRows(usageRows(context.store, account), query));
}

function listUsageRecords(context: OperationContext): MockResponse {
  const rows = selectedRows(context);
  const limit = Math.min(RAW_LIMIT.maximum, integerQuery(context, "limit", 1) ?? RAW_LIMIT.default);
  const offset = integerQuery(context, "offset", 0) ?? 0;
  // Newest first; rows recorded in the same millisecond keep their recording order reversed.
  const page = rows
    .reverse()
    .sort((a, b) => b.startTime - a.startTime)
    .slice(offset, offset + limit);
  return jsonResponse(200, { success: true, data: page });
}

function getUsageSummary(context: OperationContext): MockResponse {
  return jsonResponse(200, { success: true, data: summarize(selectedRows(context)) });
}

function listUsageByModel(context: OperationContext): MockResponse {
  return jsonResponse(200, { success: true, data: totalsByModel(selectedRows(context)) });
}

function getUsageTimeseries(context: OperationContext): MockResponse {
  const interval = context.request.query.get("interval") ?? "";
  if (!INTERVALS.has(interval)) {
    throw new InvalidRequestError(
      `interval must be one of hour|day|month, received ${JSON.stringify(interval.slice(0, 40))}.`,
      "interval",
    );
  }
  return jsonResponse(200, {
    success: true,
    data: totalsByBucket(selectedRows(context), interval as BucketSize),
  });
}

function getUsageBilling(context: OperationContext): MockResponse {
  const groupBy = context.request.query.get("groupBy") ?? "model";
  if (!BILLING_GROUPS.has(groupBy)) {
    throw new InvalidRequestError(
      `groupBy must be one of model|model:day|model:month, received ${JSON.stringify(groupBy.slice(0, 40))}.`,
      "groupBy",
    );
  }
  const rows = selectedRows(context);
  if (groupBy === "model") {
    const data = totalsByModel(rows).map(({ modelName, inputTokens, outputTokens, callCount }) => ({
      modelName,
      inputTokens,
      outputTokens,
      callCount,
    }));
    return jsonResponse(200, { success: true, data });
  }
  const size: BucketSize = groupBy === "model:day" ? "day" : "month";
  const data = totalsByModelAndBucket(rows, size).map(
    ({ modelName, bucketStartMs, inputTokens, outputTokens, callCount }) => ({
      modelName,
      bucketStartMs,
      inputTokens,
      outputTokens,
      callCount,
    }),
  );
  return jsonResponse(200, { success: true, data });
}

/** Reads an integer query parameter of at least `minimum`; absent means undefined. */
function integerQuery(context: OperationContext, name: string, minimum: number): number | undefined {
  const text = context.request.query.get(name);
  if (text === null || text === "") return undefined;
  if (!/^-?\d+$/.test(text) || Number(text) < minimum) {
    throw new InvalidRequestError(
      `${name} must be an integer >= ${minimum}, received ${JSON.stringify(text.slice(0, 40))}.`,
      name,
    );
  }
  return Number(text);
}

/** Read-only aggregates of the LLM calls each account made through the mock. */
export const usageArea: MockArea = {
  name: "usage",
  operations: [
    { operationId: "listUsageRecords", method: "GET", path: "/v1/core/usage/raw", handle: listUsageRecords },
    {
      operationId: "getUsageSummary",
      method: "GET",
      path: "/v1/core/usage/summary",
      handle: getUsageSummary,
    },
    {
      operationId: "listUsageByModel",
      method: "GET",
      path: "/v1/core/usage/models",
      handle: listUsageByModel,
    },
    {
      operationId: "getUsageTimeseries",
      method: "GET",
      path: "/v1/core/usage/timeseries",
      handle: getUsageTimeseries,
    },
    {
      operationId: "getUsageBilling",
      method: "GET",
      path: "/v1/core/usage/billing",
      handle: getUsageBilling,
    },
  ],
  faults: Object.values(USAGE_FAULTS),
};

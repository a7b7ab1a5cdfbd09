import type { FaultDefinition } from "../../fault-registry.ts";
import { jsonResponse } from "../../mock-response.ts";

/** Bodies of the usage routes for an account without calls, by operation id. */
const EMPTY_BODIES: Readonly<Record<string, unknown>> = {
  listUsageRecords: { success: true, data: [] },
  getUsageSummary: {
    success: true,
    data: {
      inputTokens: 0,
      outputTokens: 0,
      callCount: 0,
      errorCount: 0,
      durationMsTotal: 0,
      durationMsAvg: 0,
    },
  },
  listUsageByModel: { success: true, data: [] },
  getUsageTimeseries: { success: true, data: [] },
  getUsageBilling: { success: true, data: [] },
};

export const USAGE_OPERATIONS = Object.keys(EMPTY_BODIES);

export const USAGE_FAULTS = {
  acrossAccounts: {
    name: "usage-across-accounts",
    area: "usage",
    kind: "namespacing",
    rule: "Usage routes count only the calls of the caller's account.",
  },
  emptyRangeAccepted: {
    name: "usage-end-before-start-accepted",
    area: "usage",
    kind: "status-code",
    rule: "A usage query whose end is not later than its start gets 400.",
  },
  servedWithoutKey: {
    name: "usage-served-without-key",
    area: "usage",
    kind: "auth",
    rule: "A usage request without a valid API key gets 401.",
    operations: USAGE_OPERATIONS,
    transformResponse: (response, context) =>
      response.status === 401 ? jsonResponse(200, EMPTY_BODIES[context.operation.operationId]) : response,
  },
  averageMissing: {
    name: "usage-summary-average-missing",
    area: "usage",
    kind: "body-schema",
    rule: "The usage summary carries durationMsAvg.",
    operations: ["getUsageSummary"],
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status !== 200) return response;
      const body = response.body as { data: Record<string, unknown> };
      const { durationMsAvg: _average, ...data } = body.data;
      return { ...response, body: { ...body, data } };
    },
  },
} satisfies Record<string, FaultDefinition>;

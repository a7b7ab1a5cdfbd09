import { bodyExcerpt, isSuccess, receivedStatus, type ContractCheck } from "../contract-check.ts";
import { failureOf } from "../../validation/contract-failure.ts";

/** A documented error case returns its documented status. */
export const documentedErrorStatus: ContractCheck = {
  id: "documented-error-status",
  family: "status-code",
  description: "Each documented error case (400, 404, 409, ...) returns its documented status.",
  appliesTo: (_operation, _exchange, context) => context.intent.kind === "expected-status",
  run(operation, exchange, context) {
    if (context.intent.kind !== "expected-status") return [];
    const { statuses, reason } = context.intent;
    const status = exchange.response?.status;
    if (status !== undefined && statuses.includes(status)) return [];
    const documented = statuses.join(" or ");
    return [
      failureOf(operation, "documented-error-status", {
        title: `Expected ${documented} when ${reason}`,
        message:
          `When ${reason}, received ${receivedStatus(exchange)} with ${bodyExcerpt(exchange, 160)}; ` +
          `the spec documents ${documented}. Return the documented status for this case.`,
        received: receivedStatus(exchange),
        documented,
      }),
    ];
  },
};

/** A well-formed call to a working deployment succeeds. */
export const successStatus: ContractCheck = {
  id: "success-status",
  family: "status-code",
  description: "A valid request that the target can serve gets a 2xx status.",
  appliesTo: (_operation, _exchange, context) => context.intent.kind === "success",
  run(operation, exchange) {
    if (isSuccess(exchange)) return [];
    return [
      failureOf(operation, "success-status", {
        title: "Valid request failed",
        message:
          `A valid request received ${receivedStatus(exchange)} with ${bodyExcerpt(exchange, 200)}; ` +
          "the spec documents a 2xx status. Read the error body and check the request against the spec.",
        received: receivedStatus(exchange),
        documented: "2xx",
      }),
    ];
  },
};

import { responseJson, type Exchange } from "../../http/exchange.ts";
import type { ContractFailure } from "../../validation/contract-failure.ts";
import { formatValue } from "../../validation/format-value.ts";
import type { OperationInfo } from "../../validation/validator-registry.ts";
import { bodyExcerpt, isSuccess, receivedStatus, type ContractCheck } from "../contract-check.ts";
import { failureOf } from "../../validation/contract-failure.ts";
import type { LifecycleIntent } from "../exchange-intent.ts";

type Step = LifecycleIntent["step"];

function lifecycleCheck(
  id: string,
  step: Step,
  description: string,
  run: (operation: OperationInfo, exchange: Exchange, intent: LifecycleIntent) => ContractFailure[],
): ContractCheck {
  return {
    id,
    family: "lifecycle",
    description,
    appliesTo: (_operation, _exchange, context) =>
      context.intent.kind === "lifecycle" && context.intent.step === step,
    run: (operation, exchange, context) =>
      context.intent.kind === "lifecycle" ? run(operation, exchange, context.intent) : [],
  };
}

function bodyOf(exchange: Exchange): unknown {
  const parsed = responseJson(exchange);
  return parsed.ok ? parsed.value : undefined;
}

function fail(
  operation: OperationInfo,
  id: string,
  title: string,
  received: string,
  documented: string,
  advice: string,
): ContractFailure[] {
  return [
    failureOf(operation, id, {
      title,
      message: `${received}; the spec documents ${documented}. ${advice}`,
      received,
      documented,
    }),
  ];
}

/** True for a 200 body `{ success: false, ... }`, which some deletes send when nothing was deleted. */
function reportsNoSuccess(exchange: Exchange): boolean {
  const body = bodyOf(exchange);
  return body !== null && typeof body === "object" && (body as Record<string, unknown>)["success"] === false;
}

export const lifecycleCreateSucceeds = lifecycleCheck(
  "lifecycle-create-succeeds",
  "create",
  "Creating a resource with a valid body succeeds.",
  (operation, exchange, intent) =>
    isSuccess(exchange) && !reportsNoSuccess(exchange)
      ? []
      : fail(
          operation,
          "lifecycle-create-succeeds",
          `Creating a ${intent.resource} failed`,
          `Creating a ${intent.resource} received ${receivedStatus(exchange)} with ${bodyExcerpt(exchange, 160)}`,
          "a 2xx status for a valid create request",
          "Check the request body against the spec and the deployment's logs.",
        ),
);

export const lifecycleReadAfterCreate = lifecycleCheck(
  "lifecycle-read-after-create",
  "read",
  "A created resource can be read back under its id.",
  (operation, exchange, intent) => {
    if (intent.step !== "read") return [];
    if (isSuccess(exchange) && intent.idIn(bodyOf(exchange)).includes(intent.id)) return [];
    return fail(
      operation,
      "lifecycle-read-after-create",
      `Created ${intent.resource} cannot be read`,
      `Reading ${intent.resource} ${intent.id} after creating it received ${receivedStatus(exchange)} with ` +
        bodyExcerpt(exchange, 160),
      "200 with the resource",
      "Store the resource before answering the create request.",
    );
  },
);

export const lifecycleListedAfterCreate = lifecycleCheck(
  "lifecycle-listed-after-create",
  "list",
  "A created resource appears in its list, and a deleted one no longer does.",
  (operation, exchange, intent) => {
    if (intent.step !== "list") return [];
    if (!isSuccess(exchange)) {
      return fail(
        operation,
        "lifecycle-listed-after-create",
        `Listing ${intent.resource}s failed`,
        `Listing ${intent.resource}s received ${receivedStatus(exchange)}`,
        "200 with the list",
        "Check the deployment's logs.",
      );
    }
    const listed = intent.listedIds(bodyOf(exchange)).includes(intent.id);
    if (listed === (intent.expected === "present")) return [];
    return intent.expected === "present"
      ? fail(
          operation,
          "lifecycle-listed-after-create",
          `Created ${intent.resource} missing from the list`,
          `The list does not contain ${intent.resource} ${intent.id}, created before it was requested`,
          "every resource of the account in its list",
          "List the resources from the same store the create request writes to.",
        )
      : fail(
          operation,
          "lifecycle-listed-after-create",
          `Deleted ${intent.resource} still listed`,
          `The list still contains ${intent.resource} ${intent.id} after it was deleted`,
          "that deleted resources leave the list",
          "Remove the resource from the list when it is deleted.",
        );
  },
);

export const lifecycleUpdateSucceeds = lifecycleCheck(
  "lifecycle-update-succeeds",
  "update",
  "Updating a resource with a valid body succeeds.",
  (operation, exchange, intent) =>
    isSuccess(exchange) && !reportsNoSuccess(exchange)
      ? []
      : fail(
          operation,
          "lifecycle-update-succeeds",
          `Updating a ${intent.resource} failed`,
          `Updating ${intent.resource} received ${receivedStatus(exchange)} with ${bodyExcerpt(exchange, 160)}`,
          "a 2xx status for a valid update",
          "Check the request body against the spec.",
        ),
);

export const lifecycleUpdateApplied = lifecycleCheck(
  "lifecycle-update-applied",
  "read-after-update",
  "A read after an update shows the updated values.",
  (operation, exchange, intent) => {
    if (intent.step !== "read-after-update") return [];
    const problems = isSuccess(exchange)
      ? intent.unapplied(bodyOf(exchange))
      : [`read received ${receivedStatus(exchange)}`];
    if (problems.length === 0) return [];
    return fail(
      operation,
      "lifecycle-update-applied",
      `Update of ${intent.resource} not applied`,
      `Reading ${intent.resource} ${intent.id} after the update shows ${problems.join("; ")}`,
      "the updated values on the next read",
      "Persist the update before answering it.",
    );
  },
);

export const lifecycleDeleteSucceeds = lifecycleCheck(
  "lifecycle-delete-succeeds",
  "delete",
  "Deleting an existing resource succeeds.",
  (operation, exchange, intent) =>
    isSuccess(exchange) && !reportsNoSuccess(exchange)
      ? []
      : fail(
          operation,
          "lifecycle-delete-succeeds",
          `Deleting a ${intent.resource} failed`,
          `Deleting ${intent.resource} ${intent.id} received ${receivedStatus(exchange)} with ${bodyExcerpt(exchange, 160)}`,
          "a 2xx status that reports the deletion",
          "Check the deployment's logs.",
        ),
);

export const lifecycleGoneAfterDelete = lifecycleCheck(
  "lifecycle-gone-after-delete",
  "read-after-delete",
  "Reading a deleted resource gets 404.",
  (operation, exchange, intent) =>
    exchange.response?.status === 404
      ? []
      : fail(
          operation,
          "lifecycle-gone-after-delete",
          `Deleted ${intent.resource} still readable`,
          `Reading ${intent.resource} ${intent.id} after deleting it received ${receivedStatus(exchange)}`,
          "404 for a deleted resource",
          "Remove the resource from the store when it is deleted.",
        ),
);

export const lifecycleRunFinishes = lifecycleCheck(
  "lifecycle-run-finishes",
  "run-finished",
  "A started run reaches the expected terminal status (completed, or cancelled after a cancel).",
  (operation, exchange, intent) => {
    if (intent.step !== "run-finished") return [];
    const status = isSuccess(exchange) ? intent.statusOf(bodyOf(exchange)) : undefined;
    if (status !== undefined && intent.expectedStatuses.includes(status)) return [];
    return fail(
      operation,
      "lifecycle-run-finishes",
      `${intent.resource} did not reach ${intent.expectedStatuses.join(" or ")}`,
      `${intent.resource} ${intent.id} has status ${formatValue(status)} (${receivedStatus(exchange)})`,
      `the status ${intent.expectedStatuses.join(" or ")}`,
      "Check that the run advances and that cancel requests stop it.",
    );
  },
);

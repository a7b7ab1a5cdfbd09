import { responseJson, type Exchange } from "../../http/exchange.ts";
import type { ContractFailure } from "../../validation/contract-failure.ts";
import type { OperationInfo } from "../../validation/validator-registry.ts";
import { bodyExcerpt, isSuccess, receivedStatus, type ContractCheck } from "../contract-check.ts";
import { failureOf } from "../../validation/contract-failure.ts";
import type { CheckFamily } from "../check-family.ts";
import type { ForeignAccessIntent, ShareAccessIntent } from "../exchange-intent.ts";

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

/** True for a client error other than 401: the caller was identified and refused. */
function isRefused(exchange: Exchange): boolean {
  const status = exchange.response?.status;
  return status !== undefined && status >= 400 && status < 500 && status !== 401;
}

function reportsNoSuccess(exchange: Exchange): boolean {
  const parsed = responseJson(exchange);
  return (
    parsed.ok &&
    parsed.value !== null &&
    typeof parsed.value === "object" &&
    (parsed.value as Record<string, unknown>)["success"] === false
  );
}

function foreignCheck(
  id: string,
  action: ForeignAccessIntent["action"],
  description: string,
  run: (operation: OperationInfo, exchange: Exchange, intent: ForeignAccessIntent) => ContractFailure[],
): ContractCheck {
  return {
    id,
    family: "namespacing",
    description,
    appliesTo: (_operation, _exchange, context) =>
      context.intent.kind === "foreign-access" && context.intent.action === action,
    run: (operation, exchange, context) =>
      context.intent.kind === "foreign-access" ? run(operation, exchange, context.intent) : [],
  };
}

function refusal(
  id: string,
  action: "read" | "change" | "use",
  verb: string,
  description: string,
): ContractCheck {
  return foreignCheck(id, action, description, (operation, exchange, intent) =>
    isRefused(exchange)
      ? []
      : fail(
          operation,
          id,
          `Second account could ${verb} the first account's ${intent.resource}`,
          `The second account tried to ${verb} ${intent.resource} ${intent.id} of the first account and received ` +
            `${receivedStatus(exchange)} with ${bodyExcerpt(exchange, 160)}`,
          "that resources are visible only to their own account (404 for others)",
          "Resolve the resource in the caller's namespace only.",
        ),
  );
}

export const namespacingForeignReadRejected = refusal(
  "namespacing-foreign-read-rejected",
  "read",
  "read",
  "A second account cannot read what the first created.",
);

export const namespacingForeignChangeRejected = refusal(
  "namespacing-foreign-change-rejected",
  "change",
  "change",
  "A second account cannot change what the first created.",
);

export const namespacingForeignUseRejected = refusal(
  "namespacing-foreign-use-rejected",
  "use",
  "use",
  "A second account cannot use the first account's models or agents in chat, embeddings, workflows or vector stores.",
);

export const namespacingForeignDeleteRejected = foreignCheck(
  "namespacing-foreign-delete-rejected",
  "delete",
  "A second account cannot delete what the first created.",
  (operation, exchange, intent) =>
    isRefused(exchange) || (isSuccess(exchange) && reportsNoSuccess(exchange))
      ? []
      : fail(
          operation,
          "namespacing-foreign-delete-rejected",
          `Second account could delete the first account's ${intent.resource}`,
          `The second account tried to delete ${intent.resource} ${intent.id} of the first account and received ` +
            `${receivedStatus(exchange)} with ${bodyExcerpt(exchange, 160)}`,
          "that resources can be deleted only by their own account",
          "Resolve the resource in the caller's namespace only.",
        ),
);

export const namespacingForeignDeleteKept = foreignCheck(
  "namespacing-foreign-delete-kept",
  "owner-read-after-foreign-delete",
  "After a second account's delete attempt, the owner still has the resource.",
  (operation, exchange, intent) =>
    isSuccess(exchange)
      ? []
      : fail(
          operation,
          "namespacing-foreign-delete-kept",
          `Another account's delete removed the ${intent.resource}`,
          `After the second account's delete attempt, the owner reading ${intent.resource} ${intent.id} received ` +
            receivedStatus(exchange),
          "that only the owner can delete a resource",
          "Resolve deletes in the caller's namespace only.",
        ),
);

export const namespacingForeignListExcluded = foreignCheck(
  "namespacing-foreign-list-excluded",
  "list",
  "A second account's list does not contain what the first created.",
  (operation, exchange, intent) => {
    const parsed = responseJson(exchange);
    const ids = parsed.ok && intent.listedIds !== undefined ? intent.listedIds(parsed.value) : [];
    if (!ids.includes(intent.id)) return [];
    return fail(
      operation,
      "namespacing-foreign-list-excluded",
      `Second account's list shows the first account's ${intent.resource}`,
      `The second account's list contains ${intent.resource} ${intent.id} of the first account`,
      "lists of the caller's own resources only",
      "Filter lists by the caller's account.",
    );
  },
);

function shareCheck(
  id: string,
  who: ShareAccessIntent["who"],
  family: CheckFamily,
  description: string,
): ContractCheck {
  return {
    id,
    family,
    description,
    appliesTo: (_operation, _exchange, context) =>
      context.intent.kind === "share-access" && context.intent.who === who,
    run(operation, exchange, context) {
      if (context.intent.kind !== "share-access") return [];
      const intent = context.intent;
      if (who === "recipient") {
        if (isSuccess(exchange)) return [];
        return fail(
          operation,
          id,
          `Share recipient cannot reach the ${intent.resource}`,
          `The recipient of ${intent.resource} ${intent.id} received ${receivedStatus(exchange)}`,
          "access for the named recipient of a share",
          "Grant access to the accounts named in the share.",
        );
      }
      if (isRefused(exchange)) return [];
      return fail(
        operation,
        id,
        who === "revoked-recipient"
          ? `Revoked recipient still reaches the ${intent.resource}`
          : `Account outside the share reaches the ${intent.resource}`,
        `${who === "revoked-recipient" ? "After the share was revoked, the former recipient" : "An account that is not a recipient"} ` +
          `received ${receivedStatus(exchange)} for ${intent.resource} ${intent.id}`,
        "access for the owner and the current recipients only",
        "Check the share list on every request.",
      );
    },
  };
}

export const namespacingShareGrantsRecipient = shareCheck(
  "namespacing-share-grants-recipient",
  "recipient",
  "namespacing",
  "Sharing grants access to the named recipient.",
);
export const namespacingShareExcludesOthers = shareCheck(
  "namespacing-share-excludes-others",
  "non-recipient",
  "namespacing",
  "Sharing grants access to no account but the named recipient.",
);
/** Revocation withdraws an authorization, so this check belongs to the auth family. */
export const authRevokedShareRejected = shareCheck(
  "auth-revoked-share-rejected",
  "revoked-recipient",
  "auth",
  "Revoking a share removes the recipient's access.",
);

/** A list keyed per account contains each key once. */
export const namespacingListKeysUnique: ContractCheck = {
  id: "namespacing-list-keys-unique",
  family: "namespacing",
  description:
    "A list keyed per account contains each key once, because a repeated key means other accounts' entries leaked in.",
  appliesTo: (_operation, _exchange, context) => context.intent.kind === "namespace-keys",
  run(operation, exchange, context) {
    if (context.intent.kind !== "namespace-keys") return [];
    const parsed = responseJson(exchange);
    const keys = parsed.ok ? context.intent.keysOf(parsed.value) : [];
    const repeated = [...new Set(keys.filter((key, index) => keys.indexOf(key) !== index))];
    if (repeated.length === 0) return [];
    return fail(
      operation,
      "namespacing-list-keys-unique",
      `${context.intent.resource} list repeats keys of one namespace`,
      `The list holds ${repeated.slice(0, 5).join(", ")} more than once, so it mixes several accounts' ${context.intent.resource}s`,
      "one entry per key in the caller's own namespace",
      "Filter lists by the caller's account.",
    );
  },
};

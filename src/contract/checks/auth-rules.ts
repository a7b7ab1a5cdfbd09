import { bodyExcerpt, receivedStatus, type ContractCheck } from "../contract-check.ts";
import { failureOf } from "../../validation/contract-failure.ts";
import { responseText } from "../../http/exchange.ts";
import type { AuthProbe } from "../exchange-intent.ts";

const PROBE_WORDING: Readonly<Record<AuthProbe, string>> = {
  "missing-key": "without an API key",
  "unknown-key": "with an unknown API key",
  "malformed-key": "with a malformed API key",
  "bearer-without-msq-prefix": "with Authorization: Bearer and a key that does not start with msq-",
  "x-api-key": "with a valid key in x-api-key",
  "bearer-msq-key": "with a valid msq- key in Authorization: Bearer",
  "public-without-key": "without an API key to a public operation",
};

function rejectionCheck(id: string, probe: AuthProbe, description: string): ContractCheck {
  return {
    id,
    family: "auth",
    description,
    appliesTo: (_operation, _exchange, context) =>
      context.intent.kind === "auth-probe" && context.intent.probe === probe,
    run(operation, exchange) {
      if (exchange.response?.status === 401) return [];
      const accepted = exchange.response !== undefined && exchange.response.status < 400;
      return [
        failureOf(operation, id, {
          title: accepted
            ? `Request ${PROBE_WORDING[probe]} was accepted`
            : `Request ${PROBE_WORDING[probe]} not answered 401`,
          message:
            `A request ${PROBE_WORDING[probe]} received ${receivedStatus(exchange)}` +
            `${accepted ? ` and ${bodyExcerpt(exchange, 120)}` : ""}; the spec documents 401 for ` +
            "every protected operation. Authenticate the request before running the operation.",
          received: receivedStatus(exchange),
          documented: "401",
        }),
      ];
    },
  };
}

function acceptanceCheck(id: string, probe: AuthProbe, description: string): ContractCheck {
  return {
    id,
    family: "auth",
    description,
    appliesTo: (_operation, _exchange, context) =>
      context.intent.kind === "auth-probe" && context.intent.probe === probe,
    run(operation, exchange) {
      const status = exchange.response?.status;
      // 403 alone can mean "authenticated, but not allowed here"; only AUTH_REQUIRED marks a rejected key.
      const keyRejected =
        status === 401 || (status === 403 && responseText(exchange).includes("AUTH_REQUIRED"));
      if (status !== undefined && !keyRejected) return [];
      return [
        failureOf(operation, id, {
          title: `Valid key rejected (${probe})`,
          message:
            `A request ${PROBE_WORDING[probe]} received ${receivedStatus(exchange)}; the spec documents that ` +
            "x-api-key and Authorization: Bearer msq-... both authenticate. Accept the key in both headers.",
          received: receivedStatus(exchange),
          documented: "any status but 401 (and 403 AUTH_REQUIRED)",
        }),
      ];
    },
  };
}

export const authMissingKeyRejected = rejectionCheck(
  "auth-missing-key-rejected",
  "missing-key",
  "A request without an API key gets 401.",
);
export const authUnknownKeyRejected = rejectionCheck(
  "auth-unknown-key-rejected",
  "unknown-key",
  "A request with a well-formed key that belongs to no account gets 401.",
);
export const authMalformedKeyRejected = rejectionCheck(
  "auth-malformed-key-rejected",
  "malformed-key",
  "A request with a malformed key gets 401.",
);
export const authBearerWithoutPrefixRejected = rejectionCheck(
  "auth-bearer-without-msq-prefix-rejected",
  "bearer-without-msq-prefix",
  "Authorization: Bearer with a key that does not start with msq- gets 401.",
);
export const authXApiKeyAccepted = acceptanceCheck(
  "auth-x-api-key-accepted",
  "x-api-key",
  "A valid key in x-api-key authenticates the request.",
);
export const authBearerMsqKeyAccepted = acceptanceCheck(
  "auth-bearer-msq-key-accepted",
  "bearer-msq-key",
  "A valid msq- key in Authorization: Bearer authenticates the request.",
);

/** Operations documented with `security: []` respond without any credential. */
export const authPublicOperationOpen: ContractCheck = {
  id: "auth-public-operation-open",
  family: "auth",
  description: "An operation documented as public (security: []) responds to a request without credentials.",
  appliesTo: (_operation, _exchange, context) =>
    context.intent.kind === "auth-probe" && context.intent.probe === "public-without-key",
  run(operation, exchange) {
    const status = exchange.response?.status;
    if (status !== undefined && status !== 401 && status !== 403) return [];
    return [
      failureOf(operation, "auth-public-operation-open", {
        title: "Public operation demands credentials",
        message:
          `A request ${PROBE_WORDING["public-without-key"]} received ${receivedStatus(exchange)}; the spec documents ` +
          "the operation as public (security: []). Serve it without an API key.",
        received: receivedStatus(exchange),
        documented: "no credentials needed",
      }),
    ];
  },
};

/** A request with a credential the operation must refuse (a wrong secret, signature or state, another owner). */
export const authInvalidCredentialRejected: ContractCheck = {
  id: "auth-invalid-credential-rejected",
  family: "auth",
  description:
    "Requests with a wrong secret, signature or OAuth state, or for another owner's resources, are rejected.",
  appliesTo: (_operation, _exchange, context) => context.intent.kind === "auth-rejection",
  run(operation, exchange, context) {
    if (context.intent.kind !== "auth-rejection") return [];
    const { statuses, reason } = context.intent;
    const status = exchange.response?.status;
    if (status !== undefined && statuses.includes(status)) return [];
    const documented = statuses.join(" or ");
    return [
      failureOf(operation, "auth-invalid-credential-rejected", {
        title: `Not refused when ${reason}`,
        message:
          `When ${reason}, received ${receivedStatus(exchange)} with ${bodyExcerpt(exchange, 120)}; the spec ` +
          `documents ${documented}. Check the credential before doing any work.`,
        received: receivedStatus(exchange),
        documented,
      }),
    ];
  },
};

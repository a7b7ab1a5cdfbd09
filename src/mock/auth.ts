import { errorResponse } from "./error-bodies.ts";
import type { ActiveFaults, FaultDefinition } from "./fault-registry.ts";
import type { JsonResponse } from "./mock-response.ts";
import type { Account, MockStore } from "./store.ts";

/** Faults that break the authentication rules. */
export const AUTH_FAULTS = {
  bearerWithoutPrefix: {
    name: "auth-bearer-without-msq-prefix-accepted",
    area: "auth",
    kind: "auth",
    rule: "Authorization: Bearer is accepted only for keys that start with msq-; other keys get 401.",
  },
  missingKeyAccepted: {
    name: "auth-missing-key-accepted",
    area: "auth",
    kind: "auth",
    rule: "A request without an API key gets 401 on every protected route.",
  },
  unauthorizedAs403: {
    name: "auth-unauthorized-answered-403",
    area: "auth",
    kind: "status-code",
    rule: "A missing, unknown or malformed API key gets status 401.",
  },
  unauthorizedBodyWithoutSuccess: {
    name: "auth-unauthorized-body-without-success",
    area: "auth",
    kind: "body-schema",
    rule: "The 401 body is the MissionSquad error shape with success: false and a message.",
  },
} satisfies Record<string, FaultDefinition>;

/** The outcome of checking a request's credentials. */
export type AuthenticationResult =
  { readonly account: Account } | { readonly account?: undefined; readonly reason: string };

const BEARER_PREFIX = /^bearer\s+/i;

/**
 * Finds the account of a request from `x-api-key`, or else from `Authorization: Bearer <key>` for
 * keys that start with `msq-`. The reason of a failure never contains the key.
 */
export function authenticate(
  headers: Readonly<Record<string, string>>,
  store: MockStore,
  faults: ActiveFaults,
): AuthenticationResult {
  const headerKey = headers["x-api-key"];
  if (headerKey !== undefined && headerKey !== "") {
    const account = store.findAccountByKey(headerKey.trim());
    return account === undefined ? { reason: "The x-api-key header holds an unknown API key." } : { account };
  }

  const authorization = headers["authorization"];
  if (authorization === undefined || authorization === "") {
    if (faults.has(AUTH_FAULTS.missingKeyAccepted)) {
      const first = store.accounts()[0];
      if (first !== undefined) return { account: first };
    }
    return {
      reason: "The request has no API key. Send it in x-api-key, or as Authorization: Bearer msq-...",
    };
  }
  if (!BEARER_PREFIX.test(authorization)) {
    return {
      reason:
        "The Authorization header is not a Bearer token. Send Authorization: Bearer msq-... or x-api-key.",
    };
  }
  const token = authorization.replace(BEARER_PREFIX, "").trim();
  if (!token.startsWith("msq-") && !faults.has(AUTH_FAULTS.bearerWithoutPrefix)) {
    return {
      reason:
        "Authorization: Bearer accepts only API keys that start with msq-. Send other keys in x-api-key.",
    };
  }
  const account = store.findAccountByKey(token);
  return account === undefined ? { reason: "The Bearer token is an unknown API key." } : { account };
}

/** The 401 response for a failed authentication, in the MissionSquad error shape. */
export function unauthorizedResponse(reason: string, faults: ActiveFaults): JsonResponse {
  const status = faults.has(AUTH_FAULTS.unauthorizedAs403) ? 403 : 401;
  if (faults.has(AUTH_FAULTS.unauthorizedBodyWithoutSuccess)) {
    return { kind: "json", status, body: { code: "AUTH_REQUIRED", message: reason } };
  }
  return errorResponse("msq", status, reason, { code: "AUTH_REQUIRED" });
}

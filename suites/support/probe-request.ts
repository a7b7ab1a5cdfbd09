import type { OperationInfo } from "../../src/validation/validator-registry.ts";
import type { CallOptions } from "./account-client.ts";

/** Path parameter value of probe requests; no resource has this id, so probes touch nothing. */
export const PROBE_ID = "msqh-probe-missing";

/**
 * Builds the smallest request an operation takes: every path parameter set to a missing id and an
 * empty body of the documented kind. A conforming deployment changes nothing for it: it responds
 * 401 without a valid key, and 400 or 404 with one.
 */
export function probeRequest(operation: OperationInfo): CallOptions {
  const params: Record<string, string> = {};
  for (const match of operation.path.matchAll(/\{([^}/]+)\}/g)) params[match[1] as string] = PROBE_ID;
  const content =
    (operation.operation.requestBody as { content?: Record<string, unknown> } | undefined)?.content ?? {};
  const types = Object.keys(content);
  if (types.includes("application/json")) return { params, json: {} };
  if (types.includes("multipart/form-data")) return { params, multipart: [] };
  return { params };
}

/** True for operations that only read: GET, HEAD and OPTIONS. */
export function isReadOnlyMethod(method: string): boolean {
  return ["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase());
}

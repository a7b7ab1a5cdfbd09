import { AUTH_FAULTS } from "./auth.ts";
import type { FaultDefinition } from "./fault-registry.ts";

/** Faults that break rules shared by every area. */
export const COMMON_FAULTS = {
  notFoundAs500: {
    name: "not-found-answered-500",
    area: "common",
    kind: "status-code",
    rule: "A resource that does not exist in the caller's account gets 404.",
    transformResponse: (response) => (response.status === 404 ? { ...response, status: 500 } : response),
  },
  errorAsHtml: {
    name: "error-body-served-as-html",
    area: "common",
    kind: "header",
    rule: "Error bodies are JSON and carry Content-Type: application/json.",
    transformResponse: (response) =>
      response.kind === "json" && response.status >= 400
        ? { ...response, contentType: "text/html; charset=utf-8" }
        : response,
  },
} satisfies Record<string, FaultDefinition>;

/** The framework's faults: authentication and the rules shared by every area. */
export const FRAMEWORK_FAULTS: readonly FaultDefinition[] = [
  ...Object.values(AUTH_FAULTS),
  ...Object.values(COMMON_FAULTS),
];

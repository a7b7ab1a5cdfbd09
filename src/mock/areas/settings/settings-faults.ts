import type { FaultDefinition } from "../../fault-registry.ts";

/** Faults that break the documented rules of the settings and config agent routes. */
export const SETTINGS_FAULTS = {
  emptyStringAccepted: {
    name: "settings-empty-string-accepted",
    area: "settings",
    kind: "status-code",
    rule: "PUT /v1/core/user/settings returns 400 Invalid payload for an empty-string agent name.",
  },
  readAcrossAccounts: {
    name: "settings-read-across-accounts",
    area: "settings",
    kind: "namespacing",
    rule: "GET /v1/core/user/settings returns the caller's own settings.",
  },
  duplicateProvisionAccepted: {
    name: "config-agent-duplicate-provision-accepted",
    area: "settings",
    kind: "status-code",
    rule: "Provisioning a config agent when the account already has one returns 409.",
  },
  readyWithoutProvision: {
    name: "config-agent-ready-without-provision",
    area: "settings",
    kind: "body-schema",
    rule: "The config agent status reports ready only when the config agent is provisioned.",
    operations: ["getConfigAgentStatus"],
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status !== 200) return response;
      return { ...response, body: { ...(response.body as Record<string, unknown>), ready: true } };
    },
  },
} satisfies Record<string, FaultDefinition>;

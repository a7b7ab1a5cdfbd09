import type { FaultDefinition } from "../../fault-registry.ts";

export const WEBHOOK_FAULTS = {
  secretInRead: {
    name: "webhook-secret-returned-in-read",
    area: "webhooks",
    kind: "masking",
    rule: "Webhook reads never contain the secret or its digest; the raw secret appears only in the 201 of the creation.",
  },
  createdAnswered200: {
    name: "webhook-created-answered-200",
    area: "webhooks",
    kind: "status-code",
    rule: "Creating a webhook returns 201.",
    operations: ["createWebhook"],
    transformResponse: (response) => (response.status === 201 ? { ...response, status: 200 } : response),
  },
  createSecretMissing: {
    name: "webhook-create-secret-missing",
    area: "webhooks",
    kind: "body-schema",
    rule: "The 201 body of a generic_trigger webhook carries the raw secret and a secretNotice.",
    operations: ["createWebhook"],
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status !== 201) return response;
      const { secret: _secret, secretNotice: _notice, ...body } = response.body as Record<string, unknown>;
      return { ...response, body };
    },
  },
  executionsAcrossAccounts: {
    name: "webhook-executions-across-accounts",
    area: "webhooks",
    kind: "namespacing",
    rule: "An account reads the executions of its own webhooks only; another account's webhook gets 404.",
  },
  wrongSecretAccepted: {
    name: "webhook-trigger-wrong-secret-accepted",
    area: "webhooks",
    kind: "auth",
    rule: "A header_secret trigger without the right X-Webhook-Secret gets 401.",
  },
  signatureNotChecked: {
    name: "webhook-trigger-signature-not-checked",
    area: "webhooks",
    kind: "auth",
    rule: "An hmac_sha256 trigger whose X-Hub-Signature-256 is missing or does not match the raw body gets 401.",
  },
  disabledTriggered: {
    name: "webhook-disabled-trigger-accepted",
    area: "webhooks",
    kind: "status-code",
    rule: "Triggering a disabled webhook gets 403 and runs nothing.",
  },
  nonJsonAccepted: {
    name: "webhook-trigger-non-json-accepted",
    area: "webhooks",
    kind: "status-code",
    rule: "A trigger whose Content-Type is not application/json gets 415.",
  },
  asyncAnswered200: {
    name: "webhook-async-trigger-answered-200",
    area: "webhooks",
    kind: "status-code",
    rule: "An async trigger returns 202 once the call is accepted.",
    operations: ["triggerWebhook"],
    transformResponse: (response) => (response.status === 202 ? { ...response, status: 200 } : response),
  },
  oauthStateNotChecked: {
    name: "webhook-oauth-state-not-checked",
    area: "webhooks",
    kind: "auth",
    rule: "An OAuth callback for a webhook whose stored state differs from the callback's state gets 400.",
  },
  tokenInMetadata: {
    name: "webhook-token-returned-in-metadata",
    area: "webhooks",
    kind: "masking",
    rule: "The token route returns OAuth token metadata only, never the access token.",
  },
} satisfies Record<string, FaultDefinition>;

import type { MockArea } from "../../area.ts";
import { handleOAuthCallback } from "./oauth-callback.ts";
import { WEBHOOK_FAULTS } from "./webhook-faults.ts";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  getWebhookToken,
  listWebhookExecutions,
  listWebhooks,
  updateWebhook,
} from "./webhook-management.ts";
import { triggerWebhook } from "./webhook-trigger.ts";

/**
 * Webhooks: management with the raw secret shown once, the public trigger (header secret or
 * HMAC-SHA256 signature, duplicate deliveries, conditions, transforms, sync and async actions run
 * against the mock's own store) with its execution history, and the public OAuth callbacks.
 */
export const webhooksArea: MockArea = {
  name: "webhooks",
  operations: [
    { operationId: "listWebhooks", method: "GET", path: "/v1/webhooks", handle: listWebhooks },
    { operationId: "createWebhook", method: "POST", path: "/v1/webhooks", handle: createWebhook },
    { operationId: "getWebhook", method: "GET", path: "/v1/webhooks/{webhookId}", handle: getWebhook },
    { operationId: "updateWebhook", method: "PUT", path: "/v1/webhooks/{webhookId}", handle: updateWebhook },
    {
      operationId: "deleteWebhook",
      method: "DELETE",
      path: "/v1/webhooks/{webhookId}",
      handle: deleteWebhook,
    },
    {
      operationId: "listWebhookExecutions",
      method: "GET",
      path: "/v1/webhooks/{webhookId}/executions",
      handle: listWebhookExecutions,
    },
    {
      operationId: "getWebhookToken",
      method: "GET",
      path: "/v1/webhooks/{webhookId}/token",
      handle: getWebhookToken,
    },
    {
      operationId: "triggerWebhook",
      method: "POST",
      path: "/webhooks/trigger/{webhookId}",
      authentication: "none",
      // Raw bytes, because the HMAC covers the exact body. The handler checks the media type itself.
      requestBody: "raw",
      handle: triggerWebhook,
    },
    {
      operationId: "getWebhookOAuthCallback",
      method: "GET",
      path: "/webhooks/oauth/callback",
      authentication: "none",
      handle: handleOAuthCallback,
    },
    {
      operationId: "postWebhookOAuthCallback",
      method: "POST",
      path: "/webhooks/oauth/callback",
      authentication: "none",
      // The handler parses both form and JSON bodies.
      requestBody: "raw",
      handle: handleOAuthCallback,
    },
    {
      operationId: "getWebhookOAuthCallbackById",
      method: "GET",
      path: "/webhooks/oauth/callback/{webhookId}",
      authentication: "none",
      handle: handleOAuthCallback,
    },
    {
      operationId: "postWebhookOAuthCallbackById",
      method: "POST",
      path: "/webhooks/oauth/callback/{webhookId}",
      authentication: "none",
      requestBody: "raw",
      handle: handleOAuthCallback,
    },
  ],
  faults: Object.values(WEBHOOK_FAULTS),
};

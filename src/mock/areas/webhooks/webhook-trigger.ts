import type { PublicOperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { mediaType } from "../../request-body.ts";
import { isJsonObject, typeName, type JsonObject } from "../../request-fields.ts";
import { runAction } from "./webhook-actions.ts";
import { conditionsMet } from "./webhook-conditions.ts";
import type { TriggerConfig } from "./webhook-config.ts";
import { appendExecution, type ExecutionOutcome, type ExecutionRecord } from "./webhook-executions.ts";
import { WEBHOOK_FAULTS } from "./webhook-faults.ts";
import { findWebhookAnywhere, rememberDelivery, type WebhookRecord } from "./webhook-records.ts";
import { headerSecretMatches, signatureMatches } from "./webhook-secrets.ts";
import { applyPayloadTransform } from "./payload-transform.ts";

/** Headers that conditions and transforms never see, because they carry credentials. */
const HIDDEN_HEADERS = new Set([
  "x-webhook-secret",
  "x-hub-signature-256",
  "x-hub-signature",
  "authorization",
  "cookie",
  "x-api-key",
]);

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Handles `POST /webhooks/trigger/{webhookId}`. The checks run in this order: 404 for an unknown
 * webhook, 415 for a body that is not JSON, 400 for a webhook that is no generic trigger, 401 for
 * a wrong secret or signature, 403 for a disabled webhook, 400 for a payload that is no object.
 * Then a repeated delivery, a GitHub ping and unmet conditions return 200 without running the
 * action. Otherwise the action runs, in `sync` mode before the response and in `async` mode
 * behind a 202.
 */
export function triggerWebhook(context: PublicOperationContext): MockResponse {
  const { request, faults } = context;
  const webhookId = request.params["webhookId"] ?? "";
  const webhook = findWebhookAnywhere(context.store, webhookId);
  if (webhook === undefined)
    return context.error(404, `No webhook with id ${webhookId} exists. Check the trigger URL.`);

  const contentType = mediaType(request.headers["content-type"]);
  if (contentType !== "application/json" && !faults.has(WEBHOOK_FAULTS.nonJsonAccepted)) {
    return context.error(
      415,
      `The Content-Type is ${contentType ?? "missing"}; send the payload as application/json.`,
    );
  }
  if (webhook.type !== "generic_trigger" || webhook.triggerConfig === undefined) {
    return context.error(
      400,
      `Webhook ${webhookId} is an ${webhook.type} webhook; only generic_trigger webhooks can be triggered.`,
    );
  }
  const rawBody = request.rawBody ?? new Uint8Array();
  const authFailure = checkCredentials(context, webhook, rawBody);
  if (authFailure !== undefined) return context.error(401, authFailure);
  if (!webhook.enabled && !faults.has(WEBHOOK_FAULTS.disabledTriggered)) {
    return context.error(
      403,
      `Webhook ${webhookId} is disabled; enable it with PUT /v1/webhooks/${webhookId}.`,
    );
  }
  const body = parsePayload(rawBody);
  if (typeof body === "string") return context.error(400, body);
  return dispatch(context, webhook, webhook.triggerConfig, body);
}

/** Returns why the call's credentials fail, or undefined when they pass. The reason never repeats them. */
function checkCredentials(
  context: PublicOperationContext,
  webhook: WebhookRecord,
  rawBody: Uint8Array,
): string | undefined {
  const { headers } = context.request;
  if (webhook.verificationMode === "hmac_sha256") {
    if (context.faults.has(WEBHOOK_FAULTS.signatureNotChecked)) return undefined;
    const signature = headers["x-hub-signature-256"];
    if (signature === undefined || signature === "") {
      return "X-Hub-Signature-256 is missing; send sha256=<hex HMAC-SHA256 of the raw body keyed with the webhook secret>.";
    }
    return signatureMatches(webhook.secret, signature, rawBody)
      ? undefined
      : "X-Hub-Signature-256 does not match the HMAC-SHA256 of the request body; sign the exact bytes sent with the webhook secret.";
  }
  if (context.faults.has(WEBHOOK_FAULTS.wrongSecretAccepted)) return undefined;
  const secret = headers["x-webhook-secret"];
  if (secret === undefined || secret === "") {
    return "X-Webhook-Secret is missing; send the secret returned when the webhook was created.";
  }
  return headerSecretMatches(webhook.secret, secret)
    ? undefined
    : "X-Webhook-Secret does not match this webhook's secret.";
}

/** Parses the raw body as a JSON object, or returns the error message when it is not one. */
function parsePayload(rawBody: Uint8Array): JsonObject | string {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(rawBody));
  } catch {
    return rawBody.length === 0
      ? "The request body is empty; send the payload as a JSON object."
      : "The request body is not valid JSON; send the payload as a JSON object.";
  }
  return isJsonObject(value) ? value : `The payload must be a JSON object, received ${typeName(value)}.`;
}

function dispatch(
  context: PublicOperationContext,
  webhook: WebhookRecord,
  config: TriggerConfig,
  body: JsonObject,
): MockResponse {
  const { request } = context;
  const deliveryId = request.headers["x-github-delivery"];
  if (deliveryId !== undefined && webhook.deliveryIds.has(deliveryId)) {
    return jsonResponse(200, { success: true, skipped: true, reason: "duplicate_delivery" });
  }
  if (deliveryId !== undefined) rememberDelivery(webhook, deliveryId);

  const hmacMode = webhook.verificationMode === "hmac_sha256";
  if (hmacMode && request.headers["x-github-event"] === "ping") {
    appendExecution(webhook.executions, executionRecord(context, webhook, body, { skippedReason: "ping" }));
    return jsonResponse(200, { success: true, message: "pong" });
  }
  const root = { body, headers: visibleHeaders(request.headers) };
  if (config.conditions !== undefined && !conditionsMet(config.conditions, root)) {
    appendExecution(
      webhook.executions,
      executionRecord(context, webhook, body, { skippedReason: "conditions_not_met" }),
    );
    return jsonResponse(200, { success: true, skipped: true, reason: "conditions_not_met" });
  }

  const transformed =
    config.payloadTransform === undefined ? undefined : applyPayloadTransform(config.payloadTransform, root);
  const run = runAction(context, config, { owner: webhook.owner, body, transformed });
  webhook.triggerCount += 1;
  webhook.lastTriggeredAt = new Date(request.receivedAtEpochMs).toISOString();

  const { outcome } = run;
  // A run directory may report any status, but the trigger documents only 429 (factory limit) and 500.
  const failureStatus = !outcome.ok && outcome.status === 429 ? 429 : 500;
  const executionOutcome: ExecutionOutcome = outcome.ok
    ? { success: true, statusCode: 200, response: outcome.result }
    : { success: false, statusCode: failureStatus, error: outcome.message };
  const execution = executionRecord(context, webhook, body, {
    completesAt: run.completesAt,
    outcome: executionOutcome,
  });
  appendExecution(webhook.executions, execution);

  if (hmacMode || config.executionMode === "async") {
    const runId = outcome.ok ? outcome.runId : undefined;
    return jsonResponse(202, {
      success: true,
      accepted: true,
      executionId: execution.executionId,
      ...(runId === undefined ? {} : { runId }),
    });
  }
  if (!outcome.ok) {
    const failure = context.error(
      failureStatus,
      outcome.message,
      outcome.errorCode === undefined ? {} : { errorCode: outcome.errorCode },
    );
    return { ...failure, at: run.completesAt };
  }
  const answer = config.sendResultInResponse
    ? { ...outcome.result, success: true, ...(outcome.runId === undefined ? {} : { runId: outcome.runId }) }
    : { success: true, message: "Webhook triggered successfully" };
  return { ...jsonResponse(200, answer), at: run.completesAt };
}

/** Request headers as conditions and transforms see them: lowercase names, credentials removed. */
function visibleHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HIDDEN_HEADERS.has(name.toLowerCase())),
  );
}

interface ExecutionResult {
  readonly skippedReason?: "conditions_not_met" | "ping";
  readonly completesAt?: number;
  readonly outcome?: ExecutionOutcome;
}

function executionRecord(
  context: PublicOperationContext,
  webhook: WebhookRecord,
  payload: JsonObject,
  result: ExecutionResult,
): ExecutionRecord {
  const { request } = context;
  const completesAt = result.completesAt ?? request.receivedAt;
  const deliveryId = request.headers["x-github-delivery"];
  const sourceIp = request.headers["x-forwarded-for"]?.split(",")[0]?.trim();
  const userAgent = request.headers["user-agent"];
  return {
    executionId: context.store.nextId("exec"),
    webhookId: webhook.webhookId,
    username: webhook.owner.username,
    triggeredAt: new Date(request.receivedAtEpochMs).toISOString(),
    payload,
    ...(deliveryId === undefined ? {} : { deliveryId }),
    ...(sourceIp === undefined || sourceIp === "" ? {} : { sourceIp }),
    ...(userAgent === undefined ? {} : { userAgent }),
    ...(result.skippedReason === undefined ? {} : { skippedReason: result.skippedReason }),
    completesAt,
    durationMs: Math.round(completesAt - request.receivedAt),
    outcome: result.outcome ?? { success: true, statusCode: 200 },
  };
}

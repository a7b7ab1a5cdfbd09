import type { OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { requestOrigin } from "../../request-origin.ts";
import {
  InvalidRequestError,
  optionalBoolean,
  optionalOneOf,
  optionalString,
  optionalStringList,
  requireBodyObject,
  requiredString,
  typeName,
  type JsonObject,
} from "../../request-fields.ts";
import {
  VERIFICATION_MODES,
  WEBHOOK_TYPES,
  parseOAuthConfig,
  parseOutboundConfig,
  parseTriggerConfig,
  type VerificationMode,
  type WebhookType,
} from "./webhook-config.ts";
import { executionView } from "./webhook-executions.ts";
import { WEBHOOK_FAULTS } from "./webhook-faults.ts";
import {
  WEBHOOKS,
  findOwnWebhook,
  findWebhookAnywhere,
  webhookView,
  type WebhookRecord,
} from "./webhook-records.ts";
import { SECRET_PATTERN, generateSecret, revealSecret, storeSecret } from "./webhook-secrets.ts";

/** Page size of the list routes when the query sets no valid `limit`. */
const DEFAULT_LIMIT = 50;
const SECRET_NOTICE = "Store this secret now. It cannot be retrieved again.";
/** Fields fixed at creation. An update that sends one is rejected. */
const FIXED_FIELDS = ["type", "oauthConfig", "secret", "verificationMode", "webhookId"];

function notFound(context: OperationContext, webhookId: string): MockResponse {
  return context.error(
    404,
    `No webhook with id ${webhookId} exists in this account. List them with GET /v1/webhooks.`,
  );
}

/** Builds the webhook as reads return it. The masking fault adds what must never be read. */
function readView(context: OperationContext, webhook: WebhookRecord): Record<string, unknown> {
  const view = webhookView(webhook, requestOrigin(context.request));
  if (!context.faults.has(WEBHOOK_FAULTS.secretInRead)) return view;
  const secret = revealSecret(webhook.secret);
  return {
    ...view,
    secretSha256: webhook.secret.sha256.toString("hex"),
    ...(secret === undefined ? {} : { secret }),
  };
}

function readWebhookId(context: OperationContext, body: JsonObject): string {
  const value = body["webhookId"];
  if (value === undefined || value === null) return context.store.nextId("wh");
  if (typeof value !== "string" || !/^[^\s/]{1,128}$/.test(value)) {
    throw new InvalidRequestError(
      "webhookId must be 1 to 128 characters without whitespace or /.",
      "webhookId",
    );
  }
  if (findWebhookAnywhere(context.store, value) !== undefined) {
    throw new InvalidRequestError(
      `webhookId ${value} is already in use; choose another or omit it to get a generated id.`,
      "webhookId",
    );
  }
  return value;
}

function readSecret(body: JsonObject): string | undefined {
  const value = body["secret"];
  if (value === undefined || value === null) return undefined;
  // The message never repeats the value, because it is a credential.
  if (typeof value !== "string" || !SECRET_PATTERN.test(value)) {
    throw new InvalidRequestError(
      "secret must be 16 to 128 printable ASCII characters without whitespace.",
      "secret",
    );
  }
  return value;
}

function readExpiresAt(body: JsonObject): string | undefined {
  const value = optionalString(body, "expiresAt");
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new InvalidRequestError(
      `expiresAt must be a date-time such as 2026-12-31T00:00:00Z, received ${typeName(value)}.`,
      "expiresAt",
    );
  return new Date(time).toISOString();
}

/** Reads and validates the config that `type` requires. */
function readTypeConfig(
  body: JsonObject,
  type: WebhookType,
  mode: VerificationMode | undefined,
): Pick<WebhookRecord, "triggerConfig" | "oauthConfig" | "outboundConfig"> {
  const names = {
    generic_trigger: "triggerConfig",
    oauth_callback: "oauthConfig",
    outbound: "outboundConfig",
  } as const;
  const name = names[type];
  if (body[name] === undefined || body[name] === null) {
    throw new InvalidRequestError(`${name} is missing; a ${type} webhook requires it.`, name);
  }
  if (type === "generic_trigger") return { triggerConfig: parseTriggerConfig(body[name], mode) };
  if (type === "oauth_callback") return { oauthConfig: parseOAuthConfig(body[name]) };
  return { outboundConfig: parseOutboundConfig(body[name]) };
}

export function createWebhook(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const name = requiredString(body, "name");
  if (body["type"] === undefined || body["type"] === null) {
    throw new InvalidRequestError(`type is missing; send one of ${WEBHOOK_TYPES.join(", ")}.`, "type");
  }
  const type = optionalOneOf(body["type"], "type", WEBHOOK_TYPES) as WebhookType;
  const description = optionalString(body, "description");
  const verificationMode = optionalOneOf(body["verificationMode"], "verificationMode", VERIFICATION_MODES);
  if (verificationMode === "hmac_sha256" && type !== "generic_trigger") {
    throw new InvalidRequestError(
      `verificationMode hmac_sha256 applies to generic_trigger webhooks only, not ${type}.`,
      "verificationMode",
    );
  }
  const providedSecret = readSecret(body);
  const expiresAt = readExpiresAt(body);
  const tags = optionalStringList(body["tags"], "tags");
  const config = readTypeConfig(body, type, verificationMode);
  const webhookId = readWebhookId(context, body);

  // An oauth_callback webhook without its own secret may use the caller's x-api-key as the secret.
  const apiKey = context.request.headers["x-api-key"];
  const secret =
    providedSecret ?? (type === "oauth_callback" && apiKey !== undefined ? apiKey : generateSecret());
  const now = new Date(context.request.receivedAtEpochMs).toISOString();
  const webhook: WebhookRecord = {
    webhookId,
    owner: context.account,
    name,
    ...(description === undefined ? {} : { description }),
    type,
    enabled: true,
    ...(verificationMode === undefined ? {} : { verificationMode }),
    createdAt: now,
    updatedAt: now,
    triggerCount: 0,
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(tags === undefined ? {} : { tags }),
    ...config,
    secret: storeSecret(secret, verificationMode === "hmac_sha256"),
    executions: [],
    deliveryIds: new Set(),
  };
  context.store.slot(context.account, WEBHOOKS).set(webhookId, webhook);

  const view = webhookView(webhook, requestOrigin(context.request));
  const secretFields = type === "generic_trigger" ? { secret, secretNotice: SECRET_NOTICE } : {};
  return jsonResponse(201, { success: true, webhook: view, ...secretFields });
}

/** Reads a non-negative integer query parameter. An absent or invalid value gives `fallback`. */
function queryInteger(context: OperationContext, name: string, fallback: number): number {
  const text = context.request.query.get(name);
  if (text === null || !/^\d+$/.test(text.trim())) return fallback;
  return Number(text);
}

function page<T>(context: OperationContext, items: readonly T[]): T[] {
  const limit = queryInteger(context, "limit", DEFAULT_LIMIT);
  const skip = queryInteger(context, "skip", 0);
  return items.slice(skip, skip + (limit === 0 ? DEFAULT_LIMIT : limit));
}

/**
 * Lists the caller's webhooks, newest first. `type` keeps one type (an unknown type keeps none)
 * and `enabled` keeps enabled (`true`) or disabled (`false`) webhooks.
 * NOTE: the spec documents no 400 for this route, so invalid `enabled`, `limit` and `skip` values
 * fall back to no filter and the defaults instead of being rejected.
 */
export function listWebhooks(context: OperationContext): MockResponse {
  const type = context.request.query.get("type");
  const enabled = context.request.query.get("enabled");
  const matching = [...context.store.slot(context.account, WEBHOOKS).values()]
    .reverse()
    .filter((webhook) => type === null || webhook.type === type)
    .filter(
      (webhook) =>
        enabled === null || !["true", "false"].includes(enabled) || webhook.enabled === (enabled === "true"),
    );
  const webhooks = page(context, matching).map((webhook) => readView(context, webhook));
  return jsonResponse(200, { success: true, webhooks, count: webhooks.length });
}

function withWebhook(
  context: OperationContext,
  handle: (webhook: WebhookRecord) => MockResponse,
): MockResponse {
  const webhookId = context.request.params["webhookId"] ?? "";
  const webhook = findOwnWebhook(context.store, context.account, webhookId);
  return webhook === undefined ? notFound(context, webhookId) : handle(webhook);
}

export function getWebhook(context: OperationContext): MockResponse {
  return withWebhook(context, (webhook) =>
    jsonResponse(200, { success: true, webhook: readView(context, webhook) }),
  );
}

export function updateWebhook(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const fixed = FIXED_FIELDS.find((field) => body[field] !== undefined);
  if (fixed !== undefined) {
    throw new InvalidRequestError(
      `${fixed} cannot be changed after creation; delete the webhook and create it again.`,
      fixed,
    );
  }
  return withWebhook(context, (webhook) => {
    const name = body["name"] === undefined ? undefined : requiredString(body, "name");
    const description = optionalString(body, "description");
    const enabled = optionalBoolean(body, "enabled");
    const tags = optionalStringList(body["tags"], "tags");
    const triggerConfig = body["triggerConfig"];
    const outboundConfig = body["outboundConfig"];
    if (triggerConfig !== undefined && webhook.type !== "generic_trigger") {
      throw new InvalidRequestError(
        `triggerConfig applies to generic_trigger webhooks only; this one is ${webhook.type}.`,
        "triggerConfig",
      );
    }
    if (outboundConfig !== undefined && webhook.type !== "outbound") {
      throw new InvalidRequestError(
        `outboundConfig applies to outbound webhooks only; this one is ${webhook.type}.`,
        "outboundConfig",
      );
    }
    const parsedTrigger =
      triggerConfig === undefined ? undefined : parseTriggerConfig(triggerConfig, webhook.verificationMode);
    const parsedOutbound = outboundConfig === undefined ? undefined : parseOutboundConfig(outboundConfig);

    if (name !== undefined) webhook.name = name;
    if (description !== undefined) webhook.description = description;
    if (enabled !== undefined) webhook.enabled = enabled;
    if (tags !== undefined) webhook.tags = tags;
    if (parsedTrigger !== undefined) webhook.triggerConfig = parsedTrigger;
    if (parsedOutbound !== undefined) webhook.outboundConfig = parsedOutbound;
    webhook.updatedAt = new Date(context.request.receivedAtEpochMs).toISOString();
    return jsonResponse(200, { success: true, message: "Webhook updated successfully" });
  });
}

/** Deletes the webhook. Its executions and OAuth token are part of its record, so they go with it. */
export function deleteWebhook(context: OperationContext): MockResponse {
  return withWebhook(context, (webhook) => {
    context.store.slot(context.account, WEBHOOKS).delete(webhook.webhookId);
    return jsonResponse(200, { success: true, message: "Webhook deleted successfully" });
  });
}

export function listWebhookExecutions(context: OperationContext): MockResponse {
  const webhookId = context.request.params["webhookId"] ?? "";
  const webhook = context.faults.has(WEBHOOK_FAULTS.executionsAcrossAccounts)
    ? findWebhookAnywhere(context.store, webhookId)
    : findOwnWebhook(context.store, context.account, webhookId);
  if (webhook === undefined) return notFound(context, webhookId);
  const now = context.scheduler.now();
  const executions = page(context, [...webhook.executions].reverse()).map((execution) =>
    executionView(execution, now),
  );
  return jsonResponse(200, { success: true, executions, count: executions.length });
}

export function getWebhookToken(context: OperationContext): MockResponse {
  return withWebhook(context, (webhook) => {
    if (webhook.type !== "oauth_callback") {
      return context.error(
        400,
        `Webhook ${webhook.webhookId} is a ${webhook.type} webhook; only oauth_callback webhooks have tokens.`,
      );
    }
    if (webhook.token === undefined) {
      return context.error(
        404,
        `Webhook ${webhook.webhookId} has no stored token yet; complete the OAuth authorization first.`,
      );
    }
    const { accessToken, ...metadata } = webhook.token;
    const token = context.faults.has(WEBHOOK_FAULTS.tokenInMetadata)
      ? { ...metadata, accessToken }
      : metadata;
    return jsonResponse(200, { success: true, token });
  });
}

import type { JsonObject } from "../../request-fields.ts";
import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";
import type { OAuthConfig, TriggerConfig, VerificationMode, WebhookType } from "./webhook-config.ts";
import type { ExecutionRecord } from "./webhook-executions.ts";
import type { StoredSecret } from "./webhook-secrets.ts";

/**
 * The OAuth tokens stored for an `oauth_callback` webhook. The mock makes no token exchange: the
 * access token is derived from the callback's code. Reads return every field but the token.
 */
export interface StoredToken {
  readonly accessToken: string;
  readonly provider: string;
  readonly tokenType: string;
  readonly scopes?: readonly string[];
  readonly expiresAt: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface WebhookRecord {
  readonly webhookId: string;
  readonly owner: Account;
  name: string;
  description?: string;
  readonly type: WebhookType;
  enabled: boolean;
  /** Present when the creation request set it; `header_secret` applies otherwise. */
  readonly verificationMode?: VerificationMode;
  readonly createdAt: string;
  updatedAt: string;
  lastTriggeredAt?: string;
  triggerCount: number;
  readonly expiresAt?: string;
  tags?: string[];
  triggerConfig?: TriggerConfig;
  outboundConfig?: JsonObject;
  readonly oauthConfig?: OAuthConfig;
  readonly secret: StoredSecret;
  /** Oldest first. */
  readonly executions: ExecutionRecord[];
  /** `X-GitHub-Delivery` ids already processed, oldest first. */
  readonly deliveryIds: Set<string>;
  token?: StoredToken;
}

/** Delivery ids remembered per webhook for duplicate detection. */
export const MAX_REMEMBERED_DELIVERIES = 1000;

/** Each account's webhooks by id, in creation order. */
export const WEBHOOKS = defineAccountSlot("webhooks", () => new Map<string, WebhookRecord>());

export function findOwnWebhook(
  store: MockStore,
  account: Account,
  webhookId: string,
): WebhookRecord | undefined {
  return store.slot(account, WEBHOOKS).get(webhookId);
}

/** Finds a webhook in any account, as the public trigger and callback routes do. */
export function findWebhookAnywhere(store: MockStore, webhookId: string): WebhookRecord | undefined {
  for (const account of store.accounts()) {
    const webhook = store.slot(account, WEBHOOKS).get(webhookId);
    if (webhook !== undefined) return webhook;
  }
  return undefined;
}

/** Lists every webhook of every account, for lookups by a property other than the id. */
export function allWebhooks(store: MockStore): WebhookRecord[] {
  return store.accounts().flatMap((account) => [...store.slot(account, WEBHOOKS).values()]);
}

export function rememberDelivery(webhook: WebhookRecord, deliveryId: string): void {
  webhook.deliveryIds.add(deliveryId);
  if (webhook.deliveryIds.size > MAX_REMEMBERED_DELIVERIES) {
    const oldest = webhook.deliveryIds.values().next().value;
    if (oldest !== undefined) webhook.deliveryIds.delete(oldest);
  }
}

/** The webhook as create, get and list return it: never the secret or the type-specific configs. */
export function webhookView(webhook: WebhookRecord, origin: string): Record<string, unknown> {
  const id = encodeURIComponent(webhook.webhookId);
  return {
    webhookId: webhook.webhookId,
    name: webhook.name,
    ...(webhook.description === undefined ? {} : { description: webhook.description }),
    type: webhook.type,
    enabled: webhook.enabled,
    ...(webhook.verificationMode === undefined ? {} : { verificationMode: webhook.verificationMode }),
    ...(webhook.type === "generic_trigger" ? { triggerUrl: `${origin}/webhooks/trigger/${id}` } : {}),
    ...(webhook.type === "oauth_callback" ? { callbackUrl: `${origin}/webhooks/oauth/callback/${id}` } : {}),
    createdAt: webhook.createdAt,
    updatedAt: webhook.updatedAt,
    ...(webhook.lastTriggeredAt === undefined ? {} : { lastTriggeredAt: webhook.lastTriggeredAt }),
    triggerCount: webhook.triggerCount,
    ...(webhook.expiresAt === undefined ? {} : { expiresAt: webhook.expiresAt }),
    ...(webhook.tags === undefined ? {} : { tags: webhook.tags }),
  };
}

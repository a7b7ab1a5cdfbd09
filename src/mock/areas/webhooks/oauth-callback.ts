import { createHash, timingSafeEqual } from "node:crypto";
import type { PublicOperationContext } from "../../area.ts";
import { maskCredential } from "../../credential-masking.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { mediaType } from "../../request-body.ts";
import { isJsonObject } from "../../request-fields.ts";
import { completeAuthorization } from "../mcp-servers/index.ts";
import { appendExecution } from "./webhook-executions.ts";
import { WEBHOOK_FAULTS } from "./webhook-faults.ts";
import { allWebhooks, findWebhookAnywhere, type WebhookRecord } from "./webhook-records.ts";

/** The OAuth 2.0 authorization response parameters of a callback. */
interface CallbackParams {
  readonly code?: string;
  readonly state?: string;
  readonly error?: string;
  readonly error_description?: string;
}

const PARAM_NAMES = ["code", "state", "error", "error_description"] as const;

/** Lifetime the mock gives the access token of a completed authorization, in seconds. */
const TOKEN_LIFETIME_SECONDS = 3600;

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * The four OAuth callback routes. The webhook is found by the path's id or by `state`, and
 * `state` must match the stored one. On success the mock records the callback and stores token
 * metadata without contacting the provider, because it makes no outbound requests. The response
 * is an HTML page that notifies the opener window, or JSON with `Accept: application/json`.
 */
export function handleOAuthCallback(context: PublicOperationContext): MockResponse {
  const webhookId = context.request.params["webhookId"];
  const params = readParams(context);
  if (typeof params === "string") return callbackFailure(context, 400, params, undefined);
  const state = params.state;
  if (state === undefined || state.trim() === "") {
    return callbackFailure(
      context,
      400,
      "state is missing; the provider's redirect must carry the state of the authorization.",
      undefined,
    );
  }

  let webhook: WebhookRecord | undefined;
  if (webhookId === undefined) {
    webhook = allWebhooks(context.store).find(
      (candidate) => candidate.type === "oauth_callback" && sameText(candidate.oauthConfig?.state, state),
    );
    if (webhook === undefined) return completeMcpAuthorization(context, params, state);
  } else {
    webhook = findWebhookAnywhere(context.store, webhookId);
    if (webhook?.type !== "oauth_callback") {
      return callbackFailure(
        context,
        404,
        `No OAuth callback webhook with id ${webhookId} exists.`,
        undefined,
      );
    }
    if (
      !sameText(webhook.oauthConfig?.state, state) &&
      !context.faults.has(WEBHOOK_FAULTS.oauthStateNotChecked)
    ) {
      return recordedFailure(
        context,
        webhook,
        params,
        "The state does not match the webhook's authorization; start the authorization again.",
      );
    }
  }

  if (params.error !== undefined) {
    const description = params.error_description === undefined ? "" : `: ${params.error_description}`;
    return recordedFailure(
      context,
      webhook,
      params,
      `The provider returned the OAuth error ${params.error}${description}.`,
    );
  }
  if (params.code === undefined || params.code === "") {
    return recordedFailure(
      context,
      webhook,
      params,
      "code is missing; the provider's redirect must carry the authorization code.",
    );
  }
  storeToken(context, webhook, params.code, state);
  record(context, webhook, params, { success: true, statusCode: 200 });
  const result = {
    success: true,
    message: "Authorization complete",
    webhookId: webhook.webhookId,
    ...(webhook.oauthConfig?.mcpServerName === undefined
      ? {}
      : { mcpServerName: webhook.oauthConfig.mcpServerName }),
  };
  return wantsJson(context)
    ? jsonResponse(200, result)
    : htmlPage(200, result, webhook.oauthConfig?.frontendOrigin);
}

/**
 * Completes an authorization that the MCP server connect flow started (`oauth/start`). That flow
 * keeps its state with the MCP server rather than in a webhook, and its redirect URI is the
 * callback route without a webhook id.
 */
function completeMcpAuthorization(
  context: PublicOperationContext,
  params: CallbackParams,
  state: string,
): MockResponse {
  if (params.error !== undefined) {
    const description = params.error_description === undefined ? "" : `: ${params.error_description}`;
    return callbackFailure(
      context,
      400,
      `The provider returned the OAuth error ${params.error}${description}.`,
      undefined,
    );
  }
  if (params.code === undefined || params.code === "") {
    return callbackFailure(
      context,
      400,
      "code is missing; the provider's redirect must carry the authorization code.",
      undefined,
    );
  }
  const completed = completeAuthorization(
    context.store,
    state,
    params.code,
    context.request.receivedAtEpochMs,
  );
  if (completed === undefined) {
    return callbackFailure(
      context,
      404,
      "No OAuth callback webhook or MCP server authorization has this state. Start the authorization again.",
      undefined,
    );
  }
  const result = {
    success: true,
    message: "Authorization complete",
    webhookId: completed.authorization.webhookId,
    mcpServerName: completed.authorization.serverName,
  };
  return wantsJson(context) ? jsonResponse(200, result) : htmlPage(200, result, undefined);
}

/** Reads the parameters from the query (GET) or from a form or JSON body (POST). */
function readParams(context: PublicOperationContext): CallbackParams | string {
  const { request } = context;
  let source: Record<string, unknown>;
  if (request.method === "GET") {
    source = Object.fromEntries(request.query);
  } else {
    const bytes = request.rawBody ?? new Uint8Array();
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      return "The callback body is not valid UTF-8.";
    }
    const type = mediaType(request.headers["content-type"]);
    if (text.trim() === "") {
      source = {};
    } else if (type === "application/x-www-form-urlencoded") {
      source = Object.fromEntries(new URLSearchParams(text));
    } else if (type === "application/json") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return "The callback body is not valid JSON.";
      }
      if (!isJsonObject(parsed)) return "The callback body must be a JSON object of the OAuth parameters.";
      source = parsed;
    } else {
      return `The callback body's Content-Type is ${type ?? "missing"}; send application/x-www-form-urlencoded or application/json.`;
    }
  }
  const params: Record<string, string> = {};
  for (const name of PARAM_NAMES) {
    const value = source[name];
    if (value === undefined) continue;
    if (typeof value !== "string") return `${name} must be a string.`;
    params[name] = value;
  }
  return params;
}

/** Compares two states in constant time. An undefined stored state never matches. */
function sameText(stored: string | undefined, presented: string): boolean {
  if (stored === undefined) return false;
  const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(stored), digest(presented));
}

/** Stores the token of the authorization. The access token is derived from the code, not exchanged. */
function storeToken(
  context: PublicOperationContext,
  webhook: WebhookRecord,
  code: string,
  state: string,
): void {
  const config = webhook.oauthConfig;
  if (config === undefined) return;
  const now = context.request.receivedAtEpochMs;
  const accessToken = `mock_oauth_${createHash("sha256").update(`${code}\n${state}`).digest("hex").slice(0, 32)}`;
  webhook.token = {
    accessToken,
    provider: config.provider,
    tokenType: "Bearer",
    ...(config.scopes === undefined ? {} : { scopes: config.scopes }),
    expiresAt: new Date(now + TOKEN_LIFETIME_SECONDS * 1000).toISOString(),
    createdAt: webhook.token?.createdAt ?? new Date(now).toISOString(),
    updatedAt: new Date(now).toISOString(),
  };
}

/** Records the callback in the webhook's executions, with `code` and `state` masked. */
function record(
  context: PublicOperationContext,
  webhook: WebhookRecord,
  params: CallbackParams,
  outcome: { readonly success: boolean; readonly statusCode: number; readonly error?: string },
): void {
  const payload: Record<string, string> = {};
  for (const name of PARAM_NAMES) {
    const value = params[name];
    if (value !== undefined)
      payload[name] = name === "code" || name === "state" ? maskCredential(value) : value;
  }
  const userAgent = context.request.headers["user-agent"];
  appendExecution(webhook.executions, {
    executionId: context.store.nextId("exec"),
    webhookId: webhook.webhookId,
    username: webhook.owner.username,
    triggeredAt: new Date(context.request.receivedAtEpochMs).toISOString(),
    payload,
    ...(userAgent === undefined ? {} : { userAgent }),
    completesAt: context.request.receivedAt,
    durationMs: 0,
    outcome,
  });
}

function recordedFailure(
  context: PublicOperationContext,
  webhook: WebhookRecord,
  params: CallbackParams,
  message: string,
): MockResponse {
  record(context, webhook, params, { success: false, statusCode: 400, error: message });
  return callbackFailure(context, 400, message, webhook);
}

function callbackFailure(
  context: PublicOperationContext,
  status: number,
  message: string,
  webhook: WebhookRecord | undefined,
): MockResponse {
  if (wantsJson(context)) return context.error(status, message);
  const result = {
    success: false,
    message,
    ...(webhook === undefined ? {} : { webhookId: webhook.webhookId }),
  };
  return htmlPage(status, result, webhook?.oauthConfig?.frontendOrigin);
}

function wantsJson(context: PublicOperationContext): boolean {
  return (context.request.headers["accept"] ?? "").toLowerCase().includes("application/json");
}

/**
 * Builds the popup page. The page posts the outcome to the window that opened it, at the
 * webhook's frontend origin when one is configured, and closes itself.
 */
function htmlPage(
  status: number,
  result: Record<string, unknown>,
  frontendOrigin: string | undefined,
): MockResponse {
  const message = { type: "oauth_callback", ...result };
  const title = result["success"] === true ? "Authorization complete" : "Authorization failed";
  const body = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title></head>
<body>
<p>${escapeHtml(String(result["message"]))}</p>
<script>
if (window.opener) window.opener.postMessage(${scriptJson(message)}, ${scriptJson(frontendOrigin ?? "*")});
window.close();
</script>
</body>
</html>
`;
  return { kind: "text", status, contentType: "text/html; charset=utf-8", body };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** JSON that is safe inside a script element: no `<`, `>`, `&` or line separators in the text. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

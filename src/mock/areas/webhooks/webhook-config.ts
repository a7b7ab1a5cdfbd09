import {
  InvalidRequestError,
  isJsonObject,
  optionalOneOf,
  optionalStringRecord,
  requiredHttpUrl,
  typeName,
  type JsonObject,
} from "../../request-fields.ts";
import { parseConditions, type ConditionGroup } from "./webhook-conditions.ts";
import { parsePayloadTransform } from "./payload-transform.ts";

export const WEBHOOK_TYPES = ["oauth_callback", "generic_trigger", "outbound"] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

export const VERIFICATION_MODES = ["header_secret", "hmac_sha256"] as const;
export type VerificationMode = (typeof VERIFICATION_MODES)[number];

const ACTIONS = ["run_agent", "run_workflow", "run_factory", "call_mcp_tool", "custom"] as const;
export type WebhookAction = (typeof ACTIONS)[number];

export interface ActionParams {
  readonly agentName?: string;
  readonly promptTemplate?: string;
  readonly workflowId?: string;
  /** Static JSON text used as the workflow's data payload. */
  readonly dataPayload?: string;
  readonly factoryConfigId?: string;
  /** Static JSON text used as the factory run's initial carry payload. */
  readonly initialCarryPayload?: string;
  readonly mcpServerName?: string;
  readonly mcpToolName?: string;
  readonly mcpToolParams?: JsonObject;
  readonly customHandler?: string;
}

/** Action and execution settings of a `generic_trigger` webhook. */
export interface TriggerConfig {
  readonly action: WebhookAction;
  readonly actionParams: ActionParams;
  readonly conditions?: ConditionGroup;
  readonly payloadTransform?: JsonObject;
  readonly executionMode?: "sync" | "async";
  readonly sendResultInResponse: boolean;
  readonly resultWebhookUrl?: string;
}

/** The OAuth 2.0 flow of an `oauth_callback` webhook; `state` must match the callback's. */
export interface OAuthConfig {
  readonly provider: string;
  readonly state: string;
  readonly redirectUri: string;
  readonly scopes?: readonly string[];
  readonly mcpServerName?: string;
  readonly frontendOrigin?: string;
  /** The remaining documented fields, kept as sent. */
  readonly extra: JsonObject;
}

/** Parameters each action requires. */
const REQUIRED_PARAMS: Readonly<Record<WebhookAction, readonly (keyof ActionParams)[]>> = {
  run_agent: ["agentName"],
  run_workflow: ["workflowId"],
  run_factory: ["factoryConfigId"],
  call_mcp_tool: ["mcpServerName", "mcpToolName"],
  custom: [],
};

const STRING_PARAMS: readonly (keyof ActionParams)[] = [
  "agentName",
  "promptTemplate",
  "workflowId",
  "dataPayload",
  "factoryConfigId",
  "initialCarryPayload",
  "mcpServerName",
  "mcpToolName",
  "customHandler",
];

/**
 * Validates a `triggerConfig`. `verificationMode` is the webhook's: `hmac_sha256` forbids
 * `executionMode: sync`.
 * @throws InvalidRequestError naming the invalid field.
 */
export function parseTriggerConfig(
  value: unknown,
  verificationMode: VerificationMode | undefined,
): TriggerConfig {
  if (!isJsonObject(value)) throw invalid("triggerConfig", `must be an object, received ${typeName(value)}`);
  const action = value["action"];
  if (!ACTIONS.includes(action as WebhookAction)) {
    throw invalid(
      "triggerConfig.action",
      `must be one of ${ACTIONS.join(", ")}, received ${typeName(action)}`,
    );
  }
  const actionParams = parseActionParams(value["actionParams"], action as WebhookAction);

  const executionMode = value["executionMode"];
  if (executionMode !== undefined && executionMode !== "sync" && executionMode !== "async") {
    throw invalid(
      "triggerConfig.executionMode",
      `must be sync or async, received ${typeName(executionMode)}`,
    );
  }
  if (verificationMode === "hmac_sha256" && executionMode === "sync") {
    throw invalid(
      "triggerConfig.executionMode",
      "cannot be sync in hmac_sha256 mode, which always runs async; omit it or send async",
    );
  }
  const sendResult = value["sendResultInResponse"];
  if (sendResult !== undefined && typeof sendResult !== "boolean") {
    throw invalid(
      "triggerConfig.sendResultInResponse",
      `must be a boolean, received ${typeName(sendResult)}`,
    );
  }
  const resultWebhookUrl = value["resultWebhookUrl"];
  if (resultWebhookUrl !== undefined) requiredHttpUrl(resultWebhookUrl, "triggerConfig.resultWebhookUrl");

  return {
    action: action as WebhookAction,
    actionParams,
    ...(value["conditions"] === undefined
      ? {}
      : { conditions: parseConditions(value["conditions"], "triggerConfig.conditions") }),
    ...(value["payloadTransform"] === undefined
      ? {}
      : { payloadTransform: parsePayloadTransform(value["payloadTransform"]) }),
    ...(executionMode === undefined ? {} : { executionMode }),
    sendResultInResponse: sendResult === true,
    ...(resultWebhookUrl === undefined ? {} : { resultWebhookUrl: resultWebhookUrl as string }),
  };
}

function parseActionParams(value: unknown, action: WebhookAction): ActionParams {
  if (value !== undefined && !isJsonObject(value)) {
    throw invalid("triggerConfig.actionParams", `must be an object, received ${typeName(value)}`);
  }
  const params = value ?? {};
  for (const name of STRING_PARAMS) {
    const field = params[name];
    if (field !== undefined && typeof field !== "string") {
      throw invalid(`triggerConfig.actionParams.${name}`, `must be a string, received ${typeName(field)}`);
    }
  }
  for (const name of REQUIRED_PARAMS[action]) {
    const field = params[name];
    if (typeof field !== "string" || field.trim() === "") {
      throw invalid(`triggerConfig.actionParams.${name}`, `is missing; the ${action} action requires it`);
    }
  }
  for (const name of ["dataPayload", "initialCarryPayload"] as const) {
    const text = params[name];
    if (typeof text === "string") requireJsonText(text, `triggerConfig.actionParams.${name}`);
  }
  const toolParams = params["mcpToolParams"];
  if (toolParams !== undefined && !isJsonObject(toolParams)) {
    throw invalid(
      "triggerConfig.actionParams.mcpToolParams",
      `must be an object, received ${typeName(toolParams)}`,
    );
  }
  return params as ActionParams;
}

function requireJsonText(text: string, name: string): void {
  try {
    JSON.parse(text);
  } catch {
    throw invalid(name, "must be JSON text, and it does not parse");
  }
}

/** Validates an `oauthConfig`: `provider`, `state` and `redirectUri` are required. */
export function parseOAuthConfig(value: unknown): OAuthConfig {
  if (!isJsonObject(value)) throw invalid("oauthConfig", `must be an object, received ${typeName(value)}`);
  for (const name of ["provider", "state", "redirectUri"]) {
    const field = value[name];
    if (typeof field !== "string" || field.trim() === "")
      throw invalid(`oauthConfig.${name}`, "is missing; send a non-empty string");
  }
  for (const name of [
    "codeVerifier",
    "frontendOrigin",
    "mcpServerName",
    "authorizationServer",
    "tokenEndpoint",
    "clientId",
    "clientSecret",
    "resource",
  ]) {
    const field = value[name];
    if (field !== undefined && typeof field !== "string")
      throw invalid(`oauthConfig.${name}`, `must be a string, received ${typeName(field)}`);
  }
  const scopes = value["scopes"];
  if (
    scopes !== undefined &&
    !(Array.isArray(scopes) && scopes.every((scope) => typeof scope === "string"))
  ) {
    throw invalid("oauthConfig.scopes", "must be a list of strings");
  }
  optionalOneOf(value["tokenEndpointAuthMethod"], "oauthConfig.tokenEndpointAuthMethod", [
    "none",
    "client_secret_post",
    "client_secret_basic",
  ]);
  optionalOneOf(value["registrationMode"], "oauthConfig.registrationMode", ["cimd", "dcr", "manual"]);
  const { provider, state, redirectUri, mcpServerName, frontendOrigin, ...extra } = value;
  return {
    provider: provider as string,
    state: state as string,
    redirectUri: redirectUri as string,
    ...(scopes === undefined ? {} : { scopes: scopes as string[] }),
    ...(mcpServerName === undefined ? {} : { mcpServerName: mcpServerName as string }),
    ...(frontendOrigin === undefined ? {} : { frontendOrigin: frontendOrigin as string }),
    extra,
  };
}

/** Validates an `outboundConfig`: `targetUrl` and `eventTypes` are required. */
export function parseOutboundConfig(value: unknown): JsonObject {
  if (!isJsonObject(value)) throw invalid("outboundConfig", `must be an object, received ${typeName(value)}`);
  requiredHttpUrl(value["targetUrl"], "outboundConfig.targetUrl");
  const eventTypes = value["eventTypes"];
  if (!Array.isArray(eventTypes) || !eventTypes.every((type) => typeof type === "string")) {
    throw invalid("outboundConfig.eventTypes", "is missing; send a list of event type names");
  }
  optionalOneOf(value["method"], "outboundConfig.method", ["POST", "PUT", "PATCH"]);
  optionalStringRecord(value["headers"], "outboundConfig.headers");
  const retry = value["retry"];
  if (retry !== undefined) {
    const valid =
      isJsonObject(retry) &&
      Number.isInteger(retry["maxAttempts"]) &&
      (retry["maxAttempts"] as number) >= 1 &&
      Number.isInteger(retry["delayMs"]) &&
      (retry["delayMs"] as number) >= 0;
    if (!valid)
      throw invalid("outboundConfig.retry", "must be { maxAttempts: integer >= 1, delayMs: integer >= 0 }");
  }
  return value;
}

function invalid(name: string, problem: string): InvalidRequestError {
  return new InvalidRequestError(`${name} ${problem}.`, name);
}

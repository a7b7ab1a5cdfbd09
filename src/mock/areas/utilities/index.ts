import type { MockArea, OperationContext } from "../../area.ts";
import type { FaultDefinition } from "../../fault-registry.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import {
  InvalidRequestError,
  parseHttpUrl,
  requireBodyObject,
  requiredString,
} from "../../request-fields.ts";
import { countTokens } from "../../token-count.ts";
import { recordUsage } from "../../usage-recording.ts";
import { findModel } from "../models/model-records.ts";
import { coreConfig } from "./core-config.ts";
import { availableServers, availableTools, coreServerView } from "./core-servers.ts";
import { generatePromptText, parsePromptRequest } from "./prompt-generation.ts";
import { scrapedPageText } from "./scraped-text.ts";

export const UTILITY_FAULTS = {
  configKeyUnmasked: {
    name: "core-config-key-unmasked",
    area: "utilities",
    kind: "masking",
    rule: "Provider keys in the core config are masked.",
  },
  disabledServersListed: {
    name: "core-servers-disabled-listed",
    area: "utilities",
    kind: "body-schema",
    rule: "GET /v1/core/servers lists only enabled servers, and external servers only when installed.",
  },
  invalidUrlScraped: {
    name: "scrape-url-invalid-accepted",
    area: "utilities",
    kind: "status-code",
    rule: "POST /v1/core/scrape-url with a url that is not an http or https URL answers 400.",
  },
} satisfies Record<string, FaultDefinition>;

function generatePrompt(context: OperationContext): MockResponse {
  const request = parsePromptRequest(requireBodyObject(context.request.json));
  const model = findModel(context.store, context.account, request.model);
  if (model === undefined || model.embedding) {
    throw new InvalidRequestError(
      `${request.model} is not a chat model of this account. List the models with GET /v1/models.`,
      "model",
    );
  }
  const text = generatePromptText(request);
  recordUsage(context.store, context.account, {
    chatId: context.store.nextId("prompt"),
    modelName: request.model,
    inputTokens: request.messages.reduce((sum, message) => sum + countTokens(message.text), 0),
    outputTokens: countTokens(text),
    startTime: context.request.receivedAtEpochMs,
    endTime: context.request.receivedAtEpochMs,
    tools: false,
  });
  return jsonResponse(200, { data: text });
}

function getCoreConfig(context: OperationContext): MockResponse {
  const unmasked = context.faults.has(UTILITY_FAULTS.configKeyUnmasked);
  return jsonResponse(200, coreConfig(context.store, context.account, unmasked));
}

/** Returns text derived from the URL: the mock never fetches it, because it has no network access. */
function scrapeUrl(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const value = requiredString(body, "url");
  const url = parseHttpUrl(value.trim());
  if (url === undefined) {
    if (context.faults.has(UTILITY_FAULTS.invalidUrlScraped))
      return jsonResponse(200, { success: true, data: "" });
    throw new InvalidRequestError(
      `url must be an absolute http or https URL, received ${JSON.stringify(value.slice(0, 80))}.`,
      "url",
    );
  }
  return jsonResponse(200, { success: true, data: scrapedPageText(url) });
}

function listCoreTools(context: OperationContext): MockResponse {
  return jsonResponse(200, { success: true, tools: availableTools(context.store, context.account) });
}

function listCoreServers(context: OperationContext): MockResponse {
  const includeDisabled = context.faults.has(UTILITY_FAULTS.disabledServersListed);
  const servers = availableServers(context.store, context.account, includeDisabled).map(coreServerView);
  return jsonResponse(200, { success: true, servers });
}

/**
 * Prompt generation, the masked core config, URL scraping without network access, and the MCP
 * servers and tools available to the account's agents (from the MCP servers area's records).
 */
export const utilitiesArea: MockArea = {
  name: "utilities",
  operations: [
    {
      operationId: "generatePrompt",
      method: "POST",
      path: "/v1/core/generate/prompt",
      handle: generatePrompt,
    },
    { operationId: "getCoreConfig", method: "GET", path: "/v1/core/config", handle: getCoreConfig },
    { operationId: "scrapeUrl", method: "POST", path: "/v1/core/scrape-url", handle: scrapeUrl },
    { operationId: "listCoreTools", method: "GET", path: "/v1/core/tools", handle: listCoreTools },
    { operationId: "listCoreServers", method: "GET", path: "/v1/core/servers", handle: listCoreServers },
  ],
  faults: Object.values(UTILITY_FAULTS),
};

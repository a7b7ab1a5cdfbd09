import {
  InvalidRequestError,
  isJsonObject,
  optionalNumber,
  optionalObject,
  optionalStringList,
  typeName,
  type JsonObject,
} from "../../request-fields.ts";
import { optionalAudioFormat } from "../audio/audio-formats.ts";
import type { AgentEmbeddingOptions, AgentModelOptions, AgentVoice } from "./agent-records.ts";

/**
 * Readers for the agent config fields that the create, update and shared-config routes share.
 * Each throws `InvalidRequestError` naming the field, the value received and what is expected.
 */

/** Reads `selectedFunctions`: MCP function names keyed by MCP server name. */
export function optionalSelectedFunctions(
  value: unknown,
  name = "selectedFunctions",
): Record<string, string[]> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) {
    throw new InvalidRequestError(
      `${name} must be an object of function-name lists keyed by server, received ${typeName(value)}.`,
      name,
    );
  }
  const result: Record<string, string[]> = {};
  for (const [server, functions] of Object.entries(value)) {
    result[server] = optionalStringList(functions, `${name}.${server}`) ?? [];
  }
  return result;
}

/** Reads `modelOptions` with its documented fields `temperature` and `maxTokens`. */
export function optionalModelOptions(body: JsonObject, name = "modelOptions"): AgentModelOptions | undefined {
  const options = optionalObject(body, name);
  if (options === undefined) return undefined;
  const temperature = optionalNumber(options, "temperature");
  const maxTokens = optionalNumber(options, "maxTokens", { minimum: 1, integer: true });
  return {
    ...(temperature === undefined ? {} : { temperature }),
    ...(maxTokens === undefined ? {} : { maxTokens }),
  };
}

/** Reads `embeddingOptions`, which needs `model`, `collections` and `type` together. */
export function optionalEmbeddingOptions(
  body: JsonObject,
  name = "embeddingOptions",
): AgentEmbeddingOptions | undefined {
  const options = optionalObject(body, name);
  if (options === undefined) return undefined;
  const model = options["model"];
  const type = options["type"];
  if (typeof model !== "string" || model === "") {
    throw new InvalidRequestError(
      `${name}.model must be the name of an embedding model, received ${typeName(model)}.`,
      name,
    );
  }
  if (typeof type !== "string" || type === "") {
    throw new InvalidRequestError(
      `${name}.type must be a non-empty string such as vector_store, received ${typeName(type)}.`,
      name,
    );
  }
  const collections = optionalStringList(options["collections"], `${name}.collections`);
  if (collections === undefined) {
    throw new InvalidRequestError(`${name}.collections is missing; send the list of collection names.`, name);
  }
  return { model, collections, type };
}

/**
 * Reads the voice settings of an agent. `savedVoiceName` is required on create. The shared-config
 * route also takes null there to clear the voice, which `allowNullName` permits.
 */
export function readVoiceSettings(value: unknown, name: string, allowNullName: boolean): AgentVoice | null {
  if (!isJsonObject(value)) {
    throw new InvalidRequestError(
      `${name} must be an object with savedVoiceName, received ${typeName(value)}.`,
      name,
    );
  }
  const savedVoiceName = value["savedVoiceName"];
  if (savedVoiceName === null && allowNullName) return null;
  if (typeof savedVoiceName !== "string" || savedVoiceName === "") {
    throw new InvalidRequestError(
      `${name}.savedVoiceName must name a saved voice (GET /v1/core/voices), ` +
        `received ${typeName(savedVoiceName)}.`,
      name,
    );
  }
  const responseFormat = optionalAudioFormat(value["responseFormat"], `${name}.responseFormat`, name);
  const speed = optionalNumber(value, "speed", { minimum: 0.25, maximum: 4 });
  const ttsOptions = optionalObject(value, "ttsOptions");
  return {
    savedVoiceName,
    ...(responseFormat === undefined ? {} : { responseFormat }),
    ...(speed === undefined ? {} : { speed }),
    ...(ttsOptions === undefined ? {} : { ttsOptions }),
  };
}

/** Reads an optional string field that may also be null (`icon` on the shared-config route). */
export function optionalNullableString(body: JsonObject, name: string): string | null | undefined {
  const value = body[name];
  if (value === undefined || value === null) return value;
  if (typeof value !== "string") {
    throw new InvalidRequestError(`${name} must be a string or null, received ${typeName(value)}.`, name);
  }
  return value;
}

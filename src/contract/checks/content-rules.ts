import { responseJson } from "../../http/exchange.ts";
import type { ContractFailure } from "../../validation/contract-failure.ts";
import { formatValue } from "../../validation/format-value.ts";
import { isSuccess, type ContractCheck } from "../contract-check.ts";
import { failureOf } from "../../validation/contract-failure.ts";
import { streamView } from "../stream-view.ts";

/**
 * Vector sizes of the embedding models the API reference names (OpenAI documents 1536 for
 * text-embedding-3-small; Nomic documents 768 for nomic-embed-text-v1.5).
 */
export const KNOWN_EMBEDDING_DIMENSIONS: Readonly<Record<string, number>> = {
  "text-embedding-3-small": 1536,
  "nomic-embed-text-v1.5": 768,
};

function requestObject(body: { kind: string; value?: unknown }): Record<string, unknown> {
  return body.kind === "json" && body.value !== null && typeof body.value === "object"
    ? (body.value as Record<string, unknown>)
    : {};
}

function asksForJson(request: Record<string, unknown>): boolean {
  const format = (request["response_format"] ?? request["responseFormat"]) as
    Record<string, unknown> | undefined;
  return format?.["type"] === "json_object" || format?.["type"] === "json_schema";
}

/** Returns the reply text of each choice of a chat response: its message, or its joined stream deltas. */
function replyTexts(body: unknown, streamPayloads: readonly unknown[] | undefined): Map<number, string> {
  const texts = new Map<number, string>();
  if (streamPayloads !== undefined) {
    for (const payload of streamPayloads) {
      const choices = (payload as Record<string, unknown> | undefined)?.["choices"];
      if (!Array.isArray(choices)) continue;
      for (const choice of choices as Record<string, unknown>[]) {
        const content = (choice["delta"] as Record<string, unknown> | undefined)?.["content"];
        const index = typeof choice["index"] === "number" ? choice["index"] : 0;
        if (typeof content === "string") texts.set(index, (texts.get(index) ?? "") + content);
      }
    }
    return texts;
  }
  const choices = (body as Record<string, unknown> | undefined)?.["choices"];
  if (!Array.isArray(choices)) return texts;
  for (const choice of choices as Record<string, unknown>[]) {
    const content = (choice["message"] as Record<string, unknown> | undefined)?.["content"];
    if (typeof content === "string")
      texts.set(typeof choice["index"] === "number" ? choice["index"] : 0, content);
  }
  return texts;
}

/** A JSON-mode completion replies with JSON text. */
export const chatJsonModeContent: ContractCheck = {
  id: "chat-json-mode-content",
  family: "body-schema",
  description: "With a json_object or json_schema response_format, every reply's content parses as JSON.",
  appliesTo: (operation, exchange) =>
    operation.operationId === "createChatCompletion" &&
    isSuccess(exchange) &&
    asksForJson(requestObject(exchange.request.body)),
  run(operation, exchange, context) {
    const view = streamView(operation, exchange, context.validators);
    const parsed = responseJson(exchange);
    const texts = replyTexts(
      parsed.ok ? parsed.value : undefined,
      view?.events.map((event) => event.payload),
    );
    const failures: ContractFailure[] = [];
    for (const [index, text] of texts) {
      try {
        JSON.parse(text);
      } catch {
        failures.push(
          failureOf(operation, "chat-json-mode-content", {
            title: "JSON-mode reply is not JSON",
            message:
              `Choice ${index} of a request with a JSON response_format replied ${formatValue(text)}, which does not ` +
              "parse as JSON; the spec documents JSON content for json_object and json_schema formats. " +
              "Pass response_format to the provider, or validate the reply before returning it.",
            received: formatValue(text),
            documented: "JSON text",
          }),
        );
      }
    }
    return failures;
  },
};

/** Every vector of an embedding list has the same, expected size. */
export const embeddingDimensions: ContractCheck = {
  id: "embedding-dimensions",
  family: "body-schema",
  description: "All vectors of an embedding response have the model's size (or the requested dimensions).",
  appliesTo: (operation, exchange) => operation.operationId === "createEmbeddings" && isSuccess(exchange),
  run(operation, exchange) {
    const parsed = responseJson(exchange);
    const data = parsed.ok ? (parsed.value as Record<string, unknown> | null)?.["data"] : undefined;
    if (!Array.isArray(data)) return [];
    const request = requestObject(exchange.request.body);
    const model = typeof request["model"] === "string" ? request["model"] : "";
    const expected =
      typeof request["dimensions"] === "number" ? request["dimensions"] : KNOWN_EMBEDDING_DIMENSIONS[model];
    const sizes = data.map((item) => vectorSize((item as Record<string, unknown> | null)?.["embedding"]));
    const distinct = [...new Set(sizes.filter((size): size is number => size !== undefined))];
    let wrong: number[];
    if (expected !== undefined) wrong = distinct.filter((size) => size !== expected);
    else wrong = distinct.length > 1 ? distinct : [];
    if (wrong.length === 0) return [];
    const documented =
      expected === undefined ? "one vector size for every input" : `${expected} dimensions for ${model}`;
    return [
      failureOf(operation, "embedding-dimensions", {
        title: "Embedding vectors have the wrong size",
        message:
          `Received vectors of ${distinct.join(", ")} dimensions; the spec documents ${documented}. ` +
          "Return the model's full vectors.",
        received: distinct.join(", "),
        documented,
      }),
    ];
  },
};

function vectorSize(embedding: unknown): number | undefined {
  if (Array.isArray(embedding)) return embedding.length;
  // base64 of little-endian float32 values: 4 bytes per dimension.
  if (typeof embedding === "string") return Buffer.from(embedding, "base64").byteLength / 4;
  return undefined;
}

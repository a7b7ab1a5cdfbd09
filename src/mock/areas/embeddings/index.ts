import type { MockArea, OperationContext } from "../../area.ts";
import type { FaultDefinition } from "../../fault-registry.ts";
import type { JsonResponse, MockResponse } from "../../mock-response.ts";
import {
  InvalidRequestError,
  optionalNumber,
  optionalString,
  requireBodyObject,
  requiredString,
  typeName,
} from "../../request-fields.ts";
import { countTokens } from "../../token-count.ts";
import { recordUsage } from "../../usage-recording.ts";
import {
  DEFAULT_EMBEDDING_DIMENSIONS,
  MODELS,
  UNSUPPORTED_EMBEDDING_MODELS,
  findModel,
  type ModelRecord,
} from "../models/model-records.ts";
import { embeddingVector, type EmbeddingVector } from "./embedding-vectors.ts";

/** Vector size of text-embedding-3-large, used only when a fault lets that model through. */
const LARGE_MODEL_DIMENSIONS = 3072;

export const EMBEDDING_FAULTS = {
  unsupportedModelAccepted: {
    name: "embeddings-unsupported-model-accepted",
    area: "embeddings",
    kind: "status-code",
    rule: "Embeddings with text-embedding-3-large are rejected with 400.",
  },
  otherAccountsModels: {
    name: "embeddings-model-across-accounts",
    area: "embeddings",
    kind: "namespacing",
    rule: "Embeddings resolve model names only in the caller's account; other accounts' models get 404.",
  },
  indexAsString: {
    name: "embeddings-index-as-string",
    area: "embeddings",
    kind: "body-schema",
    rule: "Each embedding's index is an integer.",
    operations: ["createEmbeddings"],
    transformResponse: (response) =>
      mapEmbeddingItems(response, (item) => ({ ...item, index: String(item["index"]) })),
  },
  usageMissing: {
    name: "embeddings-usage-missing",
    area: "embeddings",
    kind: "body-schema",
    rule: "The embedding list carries usage with prompt_tokens and total_tokens.",
    operations: ["createEmbeddings"],
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status !== 200) return response;
      const { usage: _usage, ...rest } = response.body as Record<string, unknown>;
      return { ...response, body: rest };
    },
  },
  dimensionsWrong: {
    name: "embeddings-dimensions-wrong",
    area: "embeddings",
    kind: "body-schema",
    rule: "Every vector has the model's documented number of dimensions.",
    operations: ["createEmbeddings"],
    transformResponse: (response) =>
      mapEmbeddingItems(response, (item) =>
        Array.isArray(item["embedding"]) ? { ...item, embedding: item["embedding"].slice(0, -1) } : item,
      ),
  },
} satisfies Record<string, FaultDefinition>;

function mapEmbeddingItems(
  response: MockResponse,
  change: (item: Record<string, unknown>) => Record<string, unknown>,
): MockResponse {
  if (response.kind !== "json" || response.status !== 200) return response;
  const body = response.body as { data: Record<string, unknown>[] };
  return { ...response, body: { ...body, data: body.data.map(change) } };
}

function readInputs(value: unknown): string[] {
  if (typeof value === "string") {
    if (value === "")
      throw new InvalidRequestError("input is empty; send a non-empty string or list of strings.", "input");
    return [value];
  }
  if (Array.isArray(value)) {
    if (value.length === 0)
      throw new InvalidRequestError("input is an empty list; send at least one string.", "input");
    return value.map((item, index) => {
      if (typeof item !== "string" || item === "") {
        throw new InvalidRequestError(
          `input[${index}] must be a non-empty string, received ${typeName(item)}.`,
          "input",
        );
      }
      return item;
    });
  }
  if (value === undefined || value === null) {
    throw new InvalidRequestError("input is missing; send a string or a list of strings.", "input");
  }
  throw new InvalidRequestError(
    `input must be a string or a list of strings, received ${typeName(value)}.`,
    "input",
  );
}

function resolveModel(context: OperationContext, name: string): ModelRecord | undefined {
  const own = findModel(context.store, context.account, name);
  if (own !== undefined || !context.faults.has(EMBEDDING_FAULTS.otherAccountsModels)) return own;
  for (const account of context.store.accounts()) {
    const other = context.store.slot(account, MODELS).get(name);
    if (other !== undefined) return other;
  }
  return undefined;
}

function createEmbeddings(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const modelName = requiredString(body, "model");
  const inputs = readInputs(body["input"]);
  const encoding = optionalString(body, "encoding_format") ?? "float";
  if (encoding !== "float" && encoding !== "base64") {
    throw new InvalidRequestError(
      `encoding_format must be float or base64, received ${JSON.stringify(encoding)}.`,
      "encoding_format",
    );
  }
  const requestedDimensions = optionalNumber(body, "dimensions", { minimum: 1, integer: true });
  optionalString(body, "user");

  let fullDimensions: number;
  const unsupported = UNSUPPORTED_EMBEDDING_MODELS.get(modelName);
  if (unsupported !== undefined) {
    if (!context.faults.has(EMBEDDING_FAULTS.unsupportedModelAccepted)) {
      return context.error(
        400,
        `${modelName} is not supported because ${unsupported}. Use text-embedding-3-small or nomic-embed-text-v1.5.`,
        { param: "model", code: "unsupported_model" },
      );
    }
    fullDimensions = LARGE_MODEL_DIMENSIONS;
  } else {
    const model = resolveModel(context, modelName);
    if (model === undefined) {
      return context.error(
        404,
        `The model ${modelName} does not exist in this account. Add it with POST /v1/core/add/model.`,
        { param: "model", code: "model_not_found" },
      );
    }
    if (!model.embedding) {
      throw new InvalidRequestError(`${modelName} is a chat model, not an embedding model.`, "model");
    }
    fullDimensions = model.dimensions ?? DEFAULT_EMBEDDING_DIMENSIONS;
  }
  if (requestedDimensions !== undefined && requestedDimensions > fullDimensions) {
    throw new InvalidRequestError(
      `dimensions is ${requestedDimensions}, but ${modelName} has ${fullDimensions}; send a value from 1 to ${fullDimensions}.`,
      "dimensions",
    );
  }

  const list = embeddingList(
    modelName,
    inputs,
    encoding,
    requestedDimensions ?? fullDimensions,
    fullDimensions,
  );
  recordUsage(context.store, context.account, {
    chatId: context.store.nextId("emb"),
    modelName,
    inputTokens: list.promptTokens,
    outputTokens: null,
    startTime: context.request.receivedAtEpochMs,
    endTime: Date.now(),
    tools: false,
  });
  return list.response;
}

/** A finished embedding list and the prompt tokens it bills. */
interface EmbeddingList {
  readonly response: JsonResponse;
  readonly promptTokens: number;
}

/** Lists kept for repeated requests; only requests whose inputs are short are kept. */
const LIST_CACHE_SIZE = 256;
const MAX_CACHED_KEY_LENGTH = 2048;
const listCache = new Map<string, EmbeddingList>();

/**
 * Builds the embedding list with its body pre-serialized, because serializing a 1536-value vector
 * costs more than the rest of the request. The list is a function of the model, the inputs, the
 * encoding and the dimensions alone, so lists for short inputs are cached whole (benchmarks repeat
 * them). A cached response is shared by every request that gets it, which is safe because no one
 * mutates a response body.
 */
function embeddingList(
  model: string,
  inputs: readonly string[],
  encoding: "float" | "base64",
  dimensions: number,
  fullDimensions: number,
): EmbeddingList {
  // Each text is prefixed with its length, so no two input lists share a key.
  let key = `${encoding} ${dimensions} ${model.length}:${model}`;
  for (const text of inputs) key += `${text.length}:${text}`;
  const cached = listCache.get(key);
  if (cached !== undefined) return cached;

  const vectors = inputs.map((text) => embeddingVector(model, fullDimensions, dimensions, text));
  const promptTokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
  const usage = { prompt_tokens: promptTokens, total_tokens: promptTokens };
  const data = vectors.map((vector, index) => ({
    object: "embedding",
    index,
    embedding: encoding === "base64" ? vector.base64 : vector.values,
  }));
  const body = { object: "list", data, model, usage };
  const items = vectors.map(
    (vector, index) =>
      `{"object":"embedding","index":${index},"embedding":${encoding === "base64" ? JSON.stringify(vector.base64) : vector.json}}`,
  );
  const text = `{"object":"list","data":[${items.join(",")}],"model":${JSON.stringify(model)},"usage":${JSON.stringify(usage)}}`;
  if (key.length > MAX_CACHED_KEY_LENGTH) {
    return { response: { kind: "json", status: 200, body, serializedBody: text }, promptTokens };
  }
  const list: EmbeddingList = {
    response: { kind: "json", status: 200, body, serializedBody: Buffer.from(text) },
    promptTokens,
  };
  listCache.set(key, list);
  if (listCache.size > LIST_CACHE_SIZE) listCache.delete(listCache.keys().next().value as string);
  return list;
}

/** OpenAI-compatible embeddings with deterministic vectors. */
export const embeddingsArea: MockArea = {
  name: "embeddings",
  operations: [
    {
      operationId: "createEmbeddings",
      method: "POST",
      path: "/v1/embeddings",
      errorFamily: "openai",
      handle: createEmbeddings,
    },
  ],
  faults: Object.values(EMBEDDING_FAULTS),
};

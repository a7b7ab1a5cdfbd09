import type { MockArea, OperationContext } from "../../area.ts";
import { maskCredential } from "../../credential-masking.ts";
import type { FaultDefinition } from "../../fault-registry.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import {
  InvalidRequestError,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requireBodyObject,
  requiredString,
} from "../../request-fields.ts";
import { countTokens } from "../../token-count.ts";
import { recordUsage } from "../../usage-recording.ts";
import { UNSUPPORTED_EMBEDDING_MODELS, findModel } from "../models/model-records.ts";
import {
  COLLECTIONS,
  collectionDimensions,
  findCollection,
  seededCollections,
  vectorCount,
  type CollectionRecord,
} from "./collection-records.ts";
import { RECOVERY_STRATEGIES, recoverCollection, type RecoveryStrategy } from "./collection-recovery.ts";
import { DEFAULT_TOP_K, searchChunks } from "./collection-search.ts";

export const COLLECTION_FAULTS = {
  keyUnmasked: {
    name: "collection-key-unmasked",
    area: "collections",
    kind: "masking",
    rule: "Collection API keys are masked in every read.",
  },
  listedAcrossAccounts: {
    name: "collections-listed-across-accounts",
    area: "collections",
    kind: "namespacing",
    rule: "An account sees only its own collections.",
  },
  unsupportedModelAccepted: {
    name: "collection-search-unsupported-model-accepted",
    area: "collections",
    kind: "status-code",
    rule: "A collection search with an unsupported embedding model answers 400.",
  },
} satisfies Record<string, FaultDefinition>;

function collectionView(context: OperationContext, collection: CollectionRecord): Record<string, unknown> {
  const unmasked = context.faults.has(COLLECTION_FAULTS.keyUnmasked);
  return {
    name: collection.name,
    safeName: collection.safeName,
    embeddingModelName: collection.embeddingModelName,
    ...(collection.apiKey === undefined
      ? {}
      : { apiKey: unmasked ? collection.apiKey : maskCredential(collection.apiKey) }),
    createdAt: collection.createdAt,
  };
}

function listCollections(context: OperationContext): MockResponse {
  const accounts = context.faults.has(COLLECTION_FAULTS.listedAcrossAccounts)
    ? context.store.accounts()
    : [context.account];
  const list = accounts.flatMap((account) =>
    [...context.store.slot(account, COLLECTIONS).values()].map((collection) =>
      collectionView(context, collection),
    ),
  );
  return jsonResponse(200, list);
}

/** Finds the collection of the `collectionName` path parameter in the caller's account. */
function pathCollection(context: OperationContext): CollectionRecord | undefined {
  return findCollection(context.store, context.account, context.request.params["collectionName"] ?? "");
}

function collectionNotFound(context: OperationContext): MockResponse {
  const safeName = context.request.params["collectionName"] ?? "";
  return context.error(
    404,
    `Collection ${safeName} was not found in this account. List them with GET /v1/core/collections.`,
  );
}

function searchCollection(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const query = requiredString(body, "query");
  const modelName = requiredString(body, "embeddingModelName");
  const topK = optionalNumber(body, "topK", { minimum: 1, integer: true }) ?? DEFAULT_TOP_K;
  const collection = pathCollection(context);
  if (collection === undefined) return collectionNotFound(context);
  checkSearchModel(context, collection, modelName);

  if (collection.health === "vectors-lost") {
    return jsonResponse(200, {
      success: false,
      message: `Collection ${collection.safeName} has no vectors; recover it with strategy reembed.`,
    });
  }
  if (collection.health === "index-damaged") {
    return jsonResponse(200, {
      success: false,
      message:
        `The vector index of collection ${collection.safeName} is damaged; ` +
        "recover it with strategy repair.",
    });
  }
  // The query is embedded like a call of POST /v1/embeddings, so it counts in the usage routes.
  recordUsage(context.store, context.account, {
    chatId: context.store.nextId("emb"),
    modelName,
    inputTokens: countTokens(query),
    outputTokens: null,
    startTime: context.request.receivedAtEpochMs,
    endTime: context.request.receivedAtEpochMs,
    tools: false,
  });
  return jsonResponse(200, { success: true, results: searchChunks(collection, query, topK) });
}

/**
 * Checks that the search model can query the collection: a supported embedding model of the
 * account, the one the collection was embedded with.
 * @throws InvalidRequestError otherwise.
 */
function checkSearchModel(context: OperationContext, collection: CollectionRecord, modelName: string): void {
  const unsupported = UNSUPPORTED_EMBEDDING_MODELS.get(modelName);
  if (unsupported !== undefined) {
    if (context.faults.has(COLLECTION_FAULTS.unsupportedModelAccepted)) return;
    throw new InvalidRequestError(
      `${modelName} is not supported because ${unsupported}. ` +
        "Use text-embedding-3-small or nomic-embed-text-v1.5.",
      "embeddingModelName",
    );
  }
  const model = findModel(context.store, context.account, modelName);
  if (model === undefined || !model.embedding) {
    throw new InvalidRequestError(
      `${modelName} is not an embedding model of this account. ` +
        `Add it with POST /v1/core/add/model, or use ${collection.embeddingModelName}.`,
      "embeddingModelName",
    );
  }
  if (modelName !== collection.embeddingModelName) {
    throw new InvalidRequestError(
      `Collection ${collection.safeName} was embedded with ${collection.embeddingModelName}; ` +
        "search it with that model.",
      "embeddingModelName",
    );
  }
}

function getCollectionDiagnostics(context: OperationContext): MockResponse {
  const collection = pathCollection(context);
  if (collection === undefined) return collectionNotFound(context);
  const issues: string[] = [];
  if (collection.health === "index-damaged")
    issues.push("The vector index does not match the stored vectors.");
  if (collection.health === "vectors-lost")
    issues.push("The vector table is empty although the collection has chunks.");
  return jsonResponse(200, {
    success: true,
    diagnostics: {
      tableExists: collection.health !== "vectors-lost",
      healthy: collection.health === "healthy",
      vectorCount: vectorCount(collection),
      chunkCount: collection.chunks.length,
      dimensions: collectionDimensions(collection),
      embeddingModelName: collection.embeddingModelName,
      issues,
    },
    collectionName: collection.name,
    safeName: collection.safeName,
  });
}

function recoverCollectionRoute(context: OperationContext): MockResponse {
  const body = context.request.json === undefined ? {} : requireBodyObject(context.request.json);
  const strategy = optionalString(body, "strategy") ?? "auto";
  if (!RECOVERY_STRATEGIES.has(strategy)) {
    throw new InvalidRequestError(
      `strategy must be auto, repair or reembed, received ${JSON.stringify(strategy.slice(0, 40))}.`,
      "strategy",
    );
  }
  const force = optionalBoolean(body, "force") ?? false;
  const collection = pathCollection(context);
  if (collection === undefined) return collectionNotFound(context);
  return jsonResponse(200, recoverCollection(collection, strategy as RecoveryStrategy, force));
}

/**
 * Embedded collections managed by MissionSquad Core, addressed by `safeName`. Each seeded account
 * gets three: one healthy, one with a damaged index and one with lost vectors.
 */
export const collectionsArea: MockArea = {
  name: "collections",
  operations: [
    { operationId: "listCollections", method: "GET", path: "/v1/core/collections", handle: listCollections },
    {
      operationId: "searchCollection",
      method: "POST",
      path: "/v1/core/collections/{collectionName}/search",
      handle: searchCollection,
    },
    {
      operationId: "getCollectionDiagnostics",
      method: "GET",
      path: "/v1/core/collections/{collectionName}/diagnostics",
      handle: getCollectionDiagnostics,
    },
    {
      operationId: "recoverCollection",
      method: "POST",
      path: "/v1/core/collections/{collectionName}/recover",
      handle: recoverCollectionRoute,
    },
  ],
  faults: Object.values(COLLECTION_FAULTS),
  seed(store, account) {
    const collections = store.slot(account, COLLECTIONS);
    for (const collection of seededCollections(account)) collections.set(collection.safeName, collection);
  },
};

import type { MockArea, OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import {
  InvalidRequestError,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  requireBodyObject,
  requiredString,
} from "../../request-fields.ts";
import {
  FILES,
  decodedFilename,
  findFile,
  relativeFilePath,
  type FileRecord,
} from "../files/file-records.ts";
import { UNSUPPORTED_EMBEDDING_MODELS, findModel } from "../models/model-records.ts";
import { DEFAULT_BATCH_SIZE, queueFiles } from "./embedding-queue.ts";
import { VECTOR_STORE_FAULTS } from "./vector-store-faults.ts";
import {
  VECTOR_STORES,
  embeddingStatus,
  findVectorStore,
  findVectorStoreByName,
  type VectorStoreRecord,
} from "./vector-store-records.ts";
import { optionalNonBlank, readChunkingStrategy, readFileIds } from "./vector-store-request.ts";
import {
  listEnvelope,
  userCollection,
  vectorStoreFileObject,
  vectorStoreObject,
} from "./vector-store-views.ts";

/** Embedding model of a store created without `embeddingModelName`. Every seeded account has it. */
const DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small";

function storeNotFound(context: OperationContext, id: string): MockResponse {
  return context.error(
    404,
    `No vector store with id ${id} exists in this account. List them with GET /v1/vector_stores.`,
  );
}

function listedAccounts(context: OperationContext): OperationContext["account"][] {
  return context.faults.has(VECTOR_STORE_FAULTS.listedAcrossAccounts)
    ? context.store.accounts()
    : [context.account];
}

/** Checks that `name` is an embedding model of the account that the API supports. */
function checkEmbeddingModel(context: OperationContext, name: string): void {
  const reason = UNSUPPORTED_EMBEDDING_MODELS.get(name);
  if (reason !== undefined) {
    if (context.faults.has(VECTOR_STORE_FAULTS.unsupportedModelAccepted)) return;
    throw new InvalidRequestError(
      `embeddingModelName ${name} is not supported because ${reason}. Use text-embedding-3-small or nomic-embed-text-v1.5.`,
      "embeddingModelName",
    );
  }
  const model = findModel(context.store, context.account, name);
  if (model === undefined) {
    throw new InvalidRequestError(
      `embeddingModelName ${name} is not a model of this account; add it with POST /v1/core/add/model or use one listed by GET /v1/models.`,
      "embeddingModelName",
    );
  }
  if (!model.embedding) {
    throw new InvalidRequestError(
      `embeddingModelName ${name} is a chat model; name an embedding model.`,
      "embeddingModelName",
    );
  }
}

function createVectorStore(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const name = requiredString(body, "name");
  const fileIds = readFileIds(body);
  const chunkingStrategy = readChunkingStrategy(body, "chunking_strategy");
  const metadata = optionalObject(body, "metadata");
  const embeddingModelName = optionalNonBlank(body, "embeddingModelName");
  const enhancePDF = optionalBoolean(body, "enhancePDF");
  const sessionId = optionalNonBlank(body, "sseSessionId");
  const batchSize = optionalNumber(body, "batchSize", { minimum: 1, integer: true });
  if (embeddingModelName !== undefined) checkEmbeddingModel(context, embeddingModelName);
  const files = fileIds.map((id, index) => {
    const file = findFile(context.store, context.account, id);
    if (file === undefined) {
      throw new InvalidRequestError(
        `file_ids[${index}] is ${id}, which is not a file of this account; upload it with POST /v1/files first.`,
        "file_ids",
      );
    }
    return file;
  });

  const stores = context.store.slot(context.account, VECTOR_STORES);
  let vectorStore = findVectorStoreByName(context.store, context.account, name);
  if (vectorStore === undefined) {
    vectorStore = {
      id: context.store.nextId("vs"),
      name,
      createdAt: context.request.receivedAtEpochMs,
      metadata: metadata ?? null,
      chunkingStrategy: chunkingStrategy ?? { type: "auto" },
      embeddingModelName: embeddingModelName ?? DEFAULT_EMBEDDING_MODEL,
      enhancePDF: enhancePDF ?? false,
      batchSize: batchSize ?? DEFAULT_BATCH_SIZE,
      files: new Map(),
      queueEndsAt: context.request.receivedAt,
    };
    stores.set(vectorStore.id, vectorStore);
  }
  const target = vectorStore;
  queueFiles(
    context,
    target,
    files.filter((file) => !target.files.has(file.id)),
    {
      chunkingStrategy: chunkingStrategy ?? target.chunkingStrategy,
      enhancePDF: enhancePDF ?? target.enhancePDF,
      ...(sessionId === undefined ? {} : { sessionId }),
    },
  );
  return jsonResponse(200, vectorStoreObject(target, context.request.receivedAt));
}

function listVectorStores(context: OperationContext): MockResponse {
  const now = context.scheduler.now();
  const data = listedAccounts(context).flatMap((account) =>
    [...context.store.slot(account, VECTOR_STORES).values()].map((vectorStore) =>
      vectorStoreObject(vectorStore, now),
    ),
  );
  return jsonResponse(200, listEnvelope(data));
}

function listUserCollections(context: OperationContext): MockResponse {
  const now = context.scheduler.now();
  const data = listedAccounts(context).flatMap((account) =>
    [...context.store.slot(account, VECTOR_STORES).values()].map((vectorStore) =>
      userCollection(vectorStore, now),
    ),
  );
  return jsonResponse(200, { data });
}

function withVectorStore(
  context: OperationContext,
  handle: (vectorStore: VectorStoreRecord) => MockResponse,
): MockResponse {
  const id = context.request.params["id"] ?? "";
  const vectorStore = findVectorStore(context.store, context.account, id);
  return vectorStore === undefined ? storeNotFound(context, id) : handle(vectorStore);
}

function getVectorStore(context: OperationContext): MockResponse {
  return withVectorStore(context, (vectorStore) =>
    jsonResponse(200, vectorStoreObject(vectorStore, context.scheduler.now())),
  );
}

function deleteVectorStore(context: OperationContext): MockResponse {
  return withVectorStore(context, (vectorStore) => {
    context.store.slot(context.account, VECTOR_STORES).delete(vectorStore.id);
    return jsonResponse(200, { id: vectorStore.id, object: "vector_store.deleted", deleted: true });
  });
}

function listVectorStoreFiles(context: OperationContext): MockResponse {
  return withVectorStore(context, (vectorStore) => {
    const now = context.scheduler.now();
    const data = [...vectorStore.files.values()].map((association) =>
      vectorStoreFileObject(vectorStore, association, now),
    );
    return jsonResponse(200, listEnvelope(data));
  });
}

/** Finds the file to add: the caller's own, or any account's when the namespacing fault is active. */
function findFileToAdd(context: OperationContext, id: string): FileRecord | undefined {
  const own = findFile(context.store, context.account, id);
  if (own !== undefined || !context.faults.has(VECTOR_STORE_FAULTS.otherAccountFileAdded)) return own;
  return context.store
    .accounts()
    .map((account) => context.store.slot(account, FILES).get(id))
    .find((file) => file !== undefined);
}

function createVectorStoreFile(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const fileId = requiredString(body, "file_id");
  const chunkingStrategy = readChunkingStrategy(body, "chunking_strategy");
  const enhancePDF = optionalBoolean(body, "enhancePDF");
  return withVectorStore(context, (vectorStore) => {
    const file = findFileToAdd(context, fileId);
    if (file === undefined) {
      return context.error(
        404,
        `No file with id ${fileId} exists in this account. Upload it with POST /v1/files first.`,
      );
    }
    const existing = vectorStore.files.get(file.id);
    if (existing !== undefined) {
      if (context.faults.has(VECTOR_STORE_FAULTS.duplicateFileAnswered200)) {
        return jsonResponse(200, vectorStoreFileObject(vectorStore, existing, context.request.receivedAt));
      }
      return context.error(
        409,
        `File ${file.id} is already in vector store ${vectorStore.id}; it is embedded once per store.`,
      );
    }
    const [association] = queueFiles(context, vectorStore, [file], {
      chunkingStrategy: chunkingStrategy ?? vectorStore.chunkingStrategy,
      enhancePDF: enhancePDF ?? vectorStore.enhancePDF,
    });
    if (association === undefined) throw new Error(`Queueing file ${file.id} returned no association.`);
    return jsonResponse(200, vectorStoreFileObject(vectorStore, association, context.request.receivedAt));
  });
}

function getVectorStoreFile(context: OperationContext): MockResponse {
  return withVectorStore(context, (vectorStore) => {
    const fileId = context.request.params["fileId"] ?? "";
    const association = vectorStore.files.get(fileId);
    if (association === undefined) {
      return context.error(
        404,
        `File ${fileId} is not in vector store ${vectorStore.id}. List its files with GET /v1/vector_stores/${vectorStore.id}/files.`,
      );
    }
    return jsonResponse(200, vectorStoreFileObject(vectorStore, association, context.scheduler.now()));
  });
}

function listVectorStoreFileDetails(context: OperationContext): MockResponse {
  return withVectorStore(context, (vectorStore) => {
    const files = [...vectorStore.files.keys()]
      .map((fileId) => findFile(context.store, context.account, fileId))
      .filter((file): file is FileRecord => file !== undefined)
      .map((file) => ({
        id: file.id,
        bytes: file.content.length,
        created_at: file.createdAt,
        filename: decodedFilename(file),
        path: relativeFilePath(file),
      }));
    return jsonResponse(200, { success: true, vectorStoreId: vectorStore.id, files });
  });
}

function cancelVectorStoreEmbedding(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const sessionId = requiredString(body, "sessionId");
  const now = context.scheduler.now();
  let stopped = 0;
  for (const vectorStore of context.store.slot(context.account, VECTOR_STORES).values()) {
    for (const association of vectorStore.files.values()) {
      if (association.sessionId === sessionId && embeddingStatus(association, now) === "in_progress") {
        association.cancelledAt = now;
        stopped += 1;
      }
    }
  }
  const message =
    stopped > 0
      ? `Cancelled the embedding of ${stopped} file${stopped === 1 ? "" : "s"}.`
      : `No embedding of session ${sessionId} is in progress in this account.`;
  return jsonResponse(200, { success: true, sessionId, cancelled: stopped > 0, message });
}

/**
 * Vector stores of uploaded files: creation with queued embedding, file associations whose status
 * moves from in_progress to completed on the timing model's schedule, cancellation by session, and
 * the summarized `/v1/user-collections` list.
 */
export const vectorStoresArea: MockArea = {
  name: "vector-stores",
  operations: [
    { operationId: "listVectorStores", method: "GET", path: "/v1/vector_stores", handle: listVectorStores },
    {
      operationId: "createVectorStore",
      method: "POST",
      path: "/v1/vector_stores",
      handle: createVectorStore,
    },
    { operationId: "getVectorStore", method: "GET", path: "/v1/vector_stores/{id}", handle: getVectorStore },
    {
      operationId: "deleteVectorStore",
      method: "DELETE",
      path: "/v1/vector_stores/{id}",
      handle: deleteVectorStore,
    },
    {
      operationId: "listVectorStoreFiles",
      method: "GET",
      path: "/v1/vector_stores/{id}/files",
      handle: listVectorStoreFiles,
    },
    {
      operationId: "createVectorStoreFile",
      method: "POST",
      path: "/v1/vector_stores/{id}/files",
      handle: createVectorStoreFile,
    },
    {
      operationId: "getVectorStoreFile",
      method: "GET",
      path: "/v1/vector_stores/{id}/files/{fileId}",
      handle: getVectorStoreFile,
    },
    {
      operationId: "cancelVectorStoreEmbedding",
      method: "POST",
      path: "/v1/vector_stores/cancel",
      handle: cancelVectorStoreEmbedding,
    },
    {
      operationId: "listVectorStoreFileDetails",
      method: "GET",
      path: "/v1/vector_stores/{id}/file-details",
      handle: listVectorStoreFileDetails,
    },
    {
      operationId: "listUserCollections",
      method: "GET",
      path: "/v1/user-collections",
      handle: listUserCollections,
    },
  ],
  faults: Object.values(VECTOR_STORE_FAULTS),
};

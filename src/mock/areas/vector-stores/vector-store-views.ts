import {
  embeddingStatus,
  type EmbeddingStatus,
  type FileAssociation,
  type VectorStoreRecord,
} from "./vector-store-records.ts";

/**
 * Response bodies of the vector store routes. Each takes `now`, the scheduler time at which the
 * embedding state is read. Reads pass the current time, while create and add pass the request's
 * arrival, so their responses show the files they queued as `in_progress`.
 */

type FileCounts = Record<EmbeddingStatus | "total", number>;

export function fileCounts(vectorStore: VectorStoreRecord, now: number): FileCounts {
  const counts: FileCounts = { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 };
  for (const association of vectorStore.files.values()) {
    counts[embeddingStatus(association, now)] += 1;
    counts.total += 1;
  }
  return counts;
}

/** Total size of the store's embedded files, in bytes. */
function embeddedBytes(vectorStore: VectorStoreRecord, now: number): number {
  let bytes = 0;
  for (const association of vectorStore.files.values()) {
    if (embeddingStatus(association, now) === "completed") bytes += association.bytes;
  }
  return bytes;
}

function summaryFields(vectorStore: VectorStoreRecord, now: number): Record<string, unknown> {
  return {
    id: vectorStore.id,
    object: "vector_store",
    created_at: vectorStore.createdAt,
    name: vectorStore.name,
    bytes: embeddedBytes(vectorStore, now),
    file_counts: fileCounts(vectorStore, now),
  };
}

export function vectorStoreObject(vectorStore: VectorStoreRecord, now: number): Record<string, unknown> {
  const counts = fileCounts(vectorStore, now);
  return {
    ...summaryFields(vectorStore, now),
    status: counts.in_progress > 0 ? "in_progress" : "completed",
    metadata: vectorStore.metadata,
  };
}

/** Builds a store as `GET /v1/user-collections` lists it: the summary with an empty `files` placeholder. */
export function userCollection(vectorStore: VectorStoreRecord, now: number): Record<string, unknown> {
  return { ...summaryFields(vectorStore, now), files: [] };
}

export function vectorStoreFileObject(
  vectorStore: VectorStoreRecord,
  association: FileAssociation,
  now: number,
): Record<string, unknown> {
  const status = embeddingStatus(association, now);
  return {
    id: association.fileId,
    object: "vector_store.file",
    created_at: association.createdAt,
    vector_store_id: vectorStore.id,
    status,
    last_error: status === "failed" && association.failure !== undefined ? association.failure : null,
    chunking_strategy: association.chunkingStrategy,
    usage_bytes: status === "completed" ? association.bytes : 0,
  };
}

/** Wraps items in the OpenAI list envelope. The mock returns every item at once, so `has_more` is false. */
export function listEnvelope(data: readonly Record<string, unknown>[]): Record<string, unknown> {
  const first = data[0]?.["id"];
  const last = data.at(-1)?.["id"];
  return {
    object: "list",
    data,
    first_id: typeof first === "string" ? first : null,
    last_id: typeof last === "string" ? last : null,
    has_more: false,
  };
}

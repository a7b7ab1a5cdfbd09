import type { JsonObject } from "../../request-fields.ts";
import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";

/** Chunking strategy of files before embedding, in the request's shape. */
export type ChunkingStrategy =
  | { readonly type: "auto" }
  | {
      readonly type: "static";
      readonly static: { readonly max_chunk_size_tokens: number; readonly chunk_overlap_tokens: number };
    };

export type EmbeddingStatus = "in_progress" | "completed" | "failed" | "cancelled";

/** Reason a file's embedding failed. */
export interface EmbeddingError {
  readonly code: string;
  readonly message: string;
}

/** A file added to a vector store, with its embedding progress. */
export interface FileAssociation {
  readonly fileId: string;
  /** Unix time at which the file was added to the store, in ms. */
  readonly createdAt: number;
  /** Size of the file when it was added, in bytes. */
  readonly bytes: number;
  /** Planned end of the file's embedding on the timing scheduler's clock, in ms. */
  readonly completesAt: number;
  readonly chunkingStrategy: ChunkingStrategy;
  readonly enhancePDF: boolean;
  /** The `sseSessionId` of the request that queued the file. Cancelling that session stops the embedding. */
  readonly sessionId?: string;
  /** Set when the embedding cannot succeed. The file reads `failed` once `completesAt` has passed. */
  readonly failure?: EmbeddingError;
  /** Scheduler time at which a cancellation stopped the embedding. */
  cancelledAt?: number;
}

export interface VectorStoreRecord {
  readonly id: string;
  readonly name: string;
  /** Unix time of creation, in ms. */
  readonly createdAt: number;
  readonly metadata: JsonObject | null;
  readonly chunkingStrategy: ChunkingStrategy;
  readonly embeddingModelName: string;
  readonly enhancePDF: boolean;
  /** Files embedded together in one batch. */
  readonly batchSize: number;
  /** Associations by file id, in the order the files were added. */
  readonly files: Map<string, FileAssociation>;
  /** Scheduler time at which the last queued batch finishes. Later files queue behind it. */
  queueEndsAt: number;
}

/** Each account's vector stores by id, in creation order. */
export const VECTOR_STORES = defineAccountSlot("vector-stores", () => new Map<string, VectorStoreRecord>());

export function findVectorStore(
  store: MockStore,
  account: Account,
  id: string,
): VectorStoreRecord | undefined {
  return store.slot(account, VECTOR_STORES).get(id);
}

export function findVectorStoreByName(
  store: MockStore,
  account: Account,
  name: string,
): VectorStoreRecord | undefined {
  for (const vectorStore of store.slot(account, VECTOR_STORES).values()) {
    if (vectorStore.name === name) return vectorStore;
  }
  return undefined;
}

/**
 * Computes the embedding status of a file at scheduler time `now`. A file is `in_progress` until
 * its planned end has passed, then `completed` or `failed`. A cancellation before that end makes
 * it `cancelled`.
 */
export function embeddingStatus(association: FileAssociation, now: number): EmbeddingStatus {
  if (association.cancelledAt !== undefined) return "cancelled";
  if (now <= association.completesAt) return "in_progress";
  return association.failure === undefined ? "completed" : "failed";
}

/** Removes the file from every vector store of the account and returns how many stores contained it. */
export function removeFileFromVectorStores(store: MockStore, account: Account, fileId: string): number {
  let removed = 0;
  for (const vectorStore of store.slot(account, VECTOR_STORES).values()) {
    if (vectorStore.files.delete(fileId)) removed += 1;
  }
  return removed;
}

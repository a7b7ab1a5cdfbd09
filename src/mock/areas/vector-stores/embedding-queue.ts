import type { OperationContext } from "../../area.ts";
import type { FileRecord } from "../files/file-records.ts";
import { findModel } from "../models/model-records.ts";
import type {
  ChunkingStrategy,
  EmbeddingError,
  FileAssociation,
  VectorStoreRecord,
} from "./vector-store-records.ts";

/**
 * Files embedded together when the request sets no `batchSize`.
 * NOTE: the reference pages give no default, so 5 is an estimate that makes batching visible in tests.
 */
export const DEFAULT_BATCH_SIZE = 5;

export interface QueueOptions {
  readonly chunkingStrategy: ChunkingStrategy;
  readonly enhancePDF: boolean;
  readonly sessionId?: string;
}

/**
 * Adds `files` to the store's embedding queue. Files are embedded `batchSize` at a time. Each
 * batch takes the timing model's `embedding.batchMs` and starts when the store's previous batch
 * ends, so every file completes at a planned time on the scheduler clock. Files queued after the
 * account lost the store's embedding model are set to fail.
 */
export function queueFiles(
  context: OperationContext,
  vectorStore: VectorStoreRecord,
  files: readonly FileRecord[],
  options: QueueOptions,
): FileAssociation[] {
  const batchMs = context.timing.model.embedding?.batchMs ?? 0;
  const modelName = vectorStore.embeddingModelName;
  const failure: EmbeddingError | undefined =
    findModel(context.store, context.account, modelName) === undefined
      ? { code: "server_error", message: `Embedding model ${modelName} is unavailable` }
      : undefined;
  let batchStart = Math.max(context.request.receivedAt, vectorStore.queueEndsAt);
  const queued: FileAssociation[] = [];
  for (let first = 0; first < files.length; first += vectorStore.batchSize) {
    const batchEnd = batchStart + context.timing.jitter(batchMs);
    for (const file of files.slice(first, first + vectorStore.batchSize)) {
      const association: FileAssociation = {
        fileId: file.id,
        createdAt: context.request.receivedAtEpochMs,
        bytes: file.content.length,
        completesAt: batchEnd,
        chunkingStrategy: options.chunkingStrategy,
        enhancePDF: options.enhancePDF,
        ...(options.sessionId === undefined ? {} : { sessionId: options.sessionId }),
        ...(failure === undefined ? {} : { failure }),
      };
      vectorStore.files.set(file.id, association);
      queued.push(association);
    }
    batchStart = batchEnd;
  }
  vectorStore.queueEndsAt = batchStart;
  return queued;
}

import { embeddingVector } from "../embeddings/embedding-vectors.ts";
import { collectionDimensions, type CollectionRecord } from "./collection-records.ts";

/**
 * Results returned when the request sets no `topK`.
 * NOTE: the reference pages give no default; 5 is the value of their example.
 */
export const DEFAULT_TOP_K = 5;

/**
 * Ranks the chunks of `collection` by cosine distance between their vectors and the query's
 * vector, both from the embeddings area's deterministic vectors. A query equal to a chunk's text
 * gets that chunk first, with distance 0.
 */
export function searchChunks(
  collection: CollectionRecord,
  query: string,
  topK: number,
): Record<string, unknown>[] {
  const model = collection.embeddingModelName;
  const dimensions = collectionDimensions(collection);
  const queryVector = embeddingVector(model, dimensions, dimensions, query).values;
  return collection.chunks
    .map((chunk) => ({
      chunk,
      distance: cosineDistance(
        queryVector,
        embeddingVector(model, dimensions, dimensions, chunk.text).values,
      ),
    }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, topK)
    .map(({ chunk, distance }) => ({
      id: chunk.id,
      text: chunk.text,
      _distance: distance,
      metadata: { source: "upload" },
      fileName: chunk.fileName,
      path: chunk.path,
      lines: [...chunk.lines],
      collection: collection.safeName,
      model,
    }));
}

/** 1 minus the cosine similarity of two unit vectors, rounded to 6 decimals and never below 0. */
function cosineDistance(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  for (let index = 0; index < a.length; index += 1) dot += (a[index] as number) * (b[index] as number);
  return Math.max(0, Math.round((1 - dot) * 1e6) / 1e6);
}

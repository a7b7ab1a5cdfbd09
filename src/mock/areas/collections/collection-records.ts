import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";
import { DEFAULT_EMBEDDING_DIMENSIONS, EMBEDDING_DIMENSIONS } from "../models/model-records.ts";
import { seededProviderKey } from "../providers/provider-records.ts";

/**
 * The state of a collection's vector table. `index-damaged` keeps the vectors but needs a repair;
 * `vectors-lost` has no vectors left and needs the chunks embedded again.
 */
export type CollectionHealth = "healthy" | "index-damaged" | "vectors-lost";

/** One embedded chunk of a file in a collection. */
export interface CollectionChunk {
  readonly id: string;
  readonly text: string;
  readonly fileName: string;
  readonly path: string;
  /** First and last line of the chunk in its file. */
  readonly lines: readonly [number, number];
}

/** An embedded collection, with its provider key in clear; reads mask it. */
export interface CollectionRecord {
  readonly name: string;
  readonly safeName: string;
  readonly embeddingModelName: string;
  readonly apiKey?: string;
  readonly createdAt: number;
  health: CollectionHealth;
  readonly chunks: readonly CollectionChunk[];
}

/** Each account's collections by `safeName`. */
export const COLLECTIONS = defineAccountSlot("collections", () => new Map<string, CollectionRecord>());

/** Creation time of the seeded collections, fixed so that two deployments seed alike. */
const SEEDED_AT = Date.UTC(2026, 0, 5, 9, 0, 0);

export function findCollection(
  store: MockStore,
  account: Account,
  safeName: string,
): CollectionRecord | undefined {
  return store.slot(account, COLLECTIONS).get(safeName);
}

/** Vector size of a collection, from its embedding model. */
export function collectionDimensions(collection: CollectionRecord): number {
  return EMBEDDING_DIMENSIONS[collection.embeddingModelName] ?? DEFAULT_EMBEDDING_DIMENSIONS;
}

/** Number of vectors the collection's table contains now. */
export function vectorCount(collection: CollectionRecord): number {
  return collection.health === "vectors-lost" ? 0 : collection.chunks.length;
}

function chunks(safeName: string, fileName: string, texts: readonly string[]): CollectionChunk[] {
  return texts.map((text, index) => ({
    id: `${safeName}_chunk_${String(index + 1).padStart(4, "0")}`,
    text,
    fileName,
    path: `docs/${fileName}`,
    lines: [index * 12 + 1, index * 12 + 12],
  }));
}

/**
 * Builds the collections every seeded account starts with: a healthy one, one whose index needs a
 * repair and one whose vectors are lost, so search, diagnostics and each recovery strategy have a
 * target.
 */
export function seededCollections(account: Account): CollectionRecord[] {
  return [
    {
      name: "Product Docs",
      safeName: "product-docs",
      embeddingModelName: "text-embedding-3-small",
      apiKey: seededProviderKey(account),
      createdAt: SEEDED_AT,
      health: "healthy",
      chunks: chunks("product-docs", "product-guide.md", [
        "Agents answer chat requests with the model they are configured with.",
        "A workflow runs helper agents first and then hands their output to a main agent.",
        "Vector stores keep file embeddings so that agents can search uploaded documents.",
        "Usage reports count input and output tokens for every model call of an account.",
        "Webhooks start agents or workflows when an outside system sends an event.",
      ]),
    },
    {
      name: "Research Notes",
      safeName: "research-notes",
      embeddingModelName: "nomic-embed-text-v1.5",
      createdAt: SEEDED_AT,
      health: "index-damaged",
      chunks: chunks("research-notes", "notes.md", [
        "Shorter prompts lower the time to the first token.",
        "Batching embedding requests raises throughput on a busy provider.",
        "Streaming replies lets a client show text before the model finishes.",
      ]),
    },
    {
      name: "Archive",
      safeName: "archive",
      embeddingModelName: "nomic-embed-text-v1.5",
      createdAt: SEEDED_AT,
      health: "vectors-lost",
      chunks: chunks("archive", "archive.md", [
        "The first release supported one provider per account.",
        "Later releases added shared agents and saved voices.",
      ]),
    },
  ];
}

import type { FaultDefinition } from "../../fault-registry.ts";
import type { MockResponse } from "../../mock-response.ts";

export const VECTOR_STORE_FAULTS = {
  listedAcrossAccounts: {
    name: "vector-stores-listed-across-accounts",
    area: "vector-stores",
    kind: "namespacing",
    rule: "An account lists only its own vector stores, in /v1/vector_stores and /v1/user-collections.",
  },
  otherAccountFileAdded: {
    name: "vector-store-file-from-other-account-added",
    area: "vector-stores",
    kind: "namespacing",
    rule: "Adding another account's file to a vector store gets 404.",
  },
  duplicateFileAnswered200: {
    name: "vector-store-file-duplicate-answered-200",
    area: "vector-stores",
    kind: "status-code",
    rule: "Adding a file that is already in the vector store gets 409.",
  },
  unsupportedModelAccepted: {
    name: "vector-store-unsupported-embedding-model-accepted",
    area: "vector-stores",
    kind: "status-code",
    rule: "Creating a vector store with an unsupported embeddingModelName gets 400.",
  },
  fileCountsTotalMissing: {
    name: "vector-store-file-counts-total-missing",
    area: "vector-stores",
    kind: "body-schema",
    rule: "A vector store's file_counts carries in_progress, completed, failed, cancelled and total.",
    operations: ["createVectorStore", "getVectorStore", "listVectorStores"],
    transformResponse: dropFileCountsTotal,
  },
} satisfies Record<string, FaultDefinition>;

function withoutTotal(vectorStore: Record<string, unknown>): Record<string, unknown> {
  const { total: _total, ...counts } = vectorStore["file_counts"] as Record<string, unknown>;
  return { ...vectorStore, file_counts: counts };
}

function dropFileCountsTotal(response: MockResponse): MockResponse {
  if (response.kind !== "json" || response.status !== 200) return response;
  const body = response.body as Record<string, unknown>;
  if (Array.isArray(body["data"])) {
    return {
      ...response,
      body: { ...body, data: (body["data"] as Record<string, unknown>[]).map(withoutTotal) },
    };
  }
  return { ...response, body: withoutTotal(body) };
}

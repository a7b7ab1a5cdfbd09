import { arrayField, field } from "../support/body-fields.ts";
import type { DeleteRequest } from "../support/resource-ledger.ts";

/** A listed resource: the id its delete takes and the name that may carry a run prefix. */
export interface ListedResource {
  readonly id: string;
  readonly name: string;
}

/** Instructions for `msq-harness cleanup` to find and delete one kind of resource the suites create. */
export interface ResourceKind {
  readonly kind: string;
  /** The read-only operation that lists the account's resources of this kind. */
  readonly listOperationId: string;
  readonly listed: (body: unknown) => ListedResource[];
  readonly deleteRequest: (resource: ListedResource) => DeleteRequest;
}

/** Reads `{ idKey, nameKey }` pairs from the objects of a list. */
function pairs(items: readonly unknown[], idKey: string, nameKey: string): ListedResource[] {
  const result: ListedResource[] = [];
  for (const item of items) {
    const id = field(item, idKey);
    const name = field(item, nameKey);
    if (typeof id === "string" && typeof name === "string") result.push({ id, name });
  }
  return result;
}

/**
 * Every kind of resource the suites create, in delete order: resources that refer to others come
 * first (a webhook runs an agent, a factory runs workflows, a model uses a provider).
 */
export const RESOURCE_CATALOG: readonly ResourceKind[] = [
  {
    kind: "webhook",
    listOperationId: "listWebhooks",
    listed: (body) => pairs(arrayField(body, "webhooks"), "webhookId", "name"),
    deleteRequest: ({ id }) => ({ operationId: "deleteWebhook", params: { webhookId: id } }),
  },
  {
    kind: "factory schedule",
    listOperationId: "listFactorySchedules",
    listed: (body) => pairs(arrayField(body, "data"), "id", "label"),
    deleteRequest: ({ id }) => ({ operationId: "deleteFactorySchedule", params: { id } }),
  },
  {
    kind: "factory",
    listOperationId: "listFactories",
    listed: (body) => pairs(arrayField(body, "data"), "id", "name"),
    deleteRequest: ({ id }) => ({ operationId: "deleteFactory", params: { id } }),
  },
  {
    kind: "workflow",
    listOperationId: "listWorkflows",
    listed: (body) => pairs(arrayField(body, "data"), "id", "name"),
    deleteRequest: ({ id }) => ({ operationId: "deleteWorkflow", params: { id } }),
  },
  {
    kind: "vector store",
    listOperationId: "listVectorStores",
    listed: (body) => pairs(arrayField(body, "data"), "id", "name"),
    deleteRequest: ({ id }) => ({ operationId: "deleteVectorStore", params: { id } }),
  },
  {
    kind: "file",
    listOperationId: "listFiles",
    listed: (body) => pairs(arrayField(body, "data"), "id", "filename"),
    deleteRequest: ({ id }) => ({ operationId: "deleteFile", params: { id } }),
  },
  {
    kind: "agent",
    listOperationId: "listAgents",
    listed: (body) => {
      const data = field(body, "data");
      if (data === null || typeof data !== "object" || Array.isArray(data)) return [];
      return Object.keys(data).map((name) => ({ id: name, name }));
    },
    deleteRequest: ({ id }) => ({ operationId: "deleteAgent", json: { name: id } }),
  },
  {
    kind: "voice",
    listOperationId: "listVoices",
    listed: (body) => pairs(arrayField(body, "data"), "name", "name"),
    deleteRequest: ({ id }) => ({ operationId: "deleteVoice", json: { name: id } }),
  },
  {
    kind: "model",
    listOperationId: "listModels",
    listed: (body) =>
      pairs(
        arrayField(body, "data").filter((item) => field(item, "object") === "model"),
        "id",
        "id",
      ),
    deleteRequest: ({ id }) => ({ operationId: "deleteModel", json: { modelId: id } }),
  },
  {
    kind: "provider",
    listOperationId: "listProviders",
    listed: (body) => pairs(arrayField(body, "data"), "providerKey", "providerKey"),
    deleteRequest: ({ id }) => ({ operationId: "deleteProvider", json: { providerKey: id } }),
  },
  {
    kind: "MCP server",
    listOperationId: "listMcpServers",
    // An uninstalled external server stays listed with installed: false, and the API documents no
    // operation that removes it, so only installed servers count as left to delete.
    listed: (body) =>
      pairs(
        arrayField(body, "servers").filter((server) => field(server, "installed") !== false),
        "name",
        "name",
      ),
    deleteRequest: ({ id }) => ({ operationId: "uninstallMcpServer", params: { name: id } }),
  },
];

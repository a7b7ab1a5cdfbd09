import { listAgentsSharedWith, CHAT_AGENTS } from "../../agent-directory.ts";
import type { MockArea, OperationContext } from "../../area.ts";
import { maskCredential } from "../../credential-masking.ts";
import type { FaultDefinition } from "../../fault-registry.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import {
  booleanOrBooleanString,
  InvalidRequestError,
  optionalBoolean,
  optionalString,
  requireBodyObject,
  requiredString,
} from "../../request-fields.ts";
import type { Account } from "../../store.ts";
import { findProvider } from "../providers/provider-records.ts";
import {
  DEFAULT_EMBEDDING_DIMENSIONS,
  EMBEDDING_DIMENSIONS,
  MODELS,
  UNSUPPORTED_EMBEDDING_MODELS,
  defaultProgrammaticToolCalling,
  seededModels,
  type ModelRecord,
} from "./model-records.ts";
import { discoverProviderModels } from "./provider-catalog.ts";

export const MODEL_FAULTS = {
  listObjectMissing: {
    name: "models-list-object-missing",
    area: "models",
    kind: "body-schema",
    rule: "GET /v1/models returns the list envelope { object: list, data }.",
    operations: ["listModels"],
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status !== 200) return response;
      const { object: _object, ...rest } = response.body as Record<string, unknown>;
      return { ...response, body: rest };
    },
  },
  ownedByNumber: {
    name: "models-owned-by-number",
    area: "models",
    kind: "body-schema",
    rule: "Each model list entry has owned_by as a string.",
    operations: ["listModels"],
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status !== 200) return response;
      const body = response.body as { data: Record<string, unknown>[] };
      return { ...response, body: { ...body, data: body.data.map((entry) => ({ ...entry, owned_by: 0 })) } };
    },
  },
  otherAccountsListed: {
    name: "models-listed-across-accounts",
    area: "models",
    kind: "namespacing",
    rule: "GET /v1/models lists only the caller's models and the agents it may chat with.",
  },
  modelMapKeyUnmasked: {
    name: "modelmap-key-unmasked",
    area: "models",
    kind: "masking",
    rule: "Provider credentials in the model map are masked.",
  },
  unsupportedEmbeddingAccepted: {
    name: "add-model-unsupported-embedding-accepted",
    area: "models",
    kind: "status-code",
    rule: "Adding text-embedding-3-large is rejected with 400.",
  },
  deleteMissingAnswered200: {
    name: "delete-model-not-found-answered-200",
    area: "models",
    kind: "status-code",
    rule: "Deleting a model the account does not have returns 404.",
    operations: ["deleteModel"],
    transformResponse: (response) =>
      response.status === 404
        ? { kind: "json", status: 200, body: { status: "success", message: "Model deleted" } }
        : response,
  },
} satisfies Record<string, FaultDefinition>;

function listModels(context: OperationContext): MockResponse {
  const { store, account } = context;
  const owners = context.faults.has(MODEL_FAULTS.otherAccountsListed) ? store.accounts() : [account];
  const data: { id: string; object: "model" | "agent"; owned_by: string }[] = [];
  for (const owner of owners) {
    for (const model of store.slot(owner, MODELS).values()) {
      data.push({ id: model.name, object: "model", owned_by: owner === account ? "user" : owner.username });
    }
  }
  for (const agent of store.slot(account, CHAT_AGENTS).values()) {
    if (agent.published) data.push({ id: agent.name, object: "agent", owned_by: "user" });
  }
  for (const shared of listAgentsSharedWith(store, account)) {
    data.push({
      id: `shared/${shared.owner.username}/${shared.agent.slug}`,
      object: "agent",
      owned_by: shared.owner.username,
    });
  }
  return jsonResponse(200, { object: "list", data });
}

function getModelMap(context: OperationContext): MockResponse {
  const { store, account } = context;
  const unmasked = context.faults.has(MODEL_FAULTS.modelMapKeyUnmasked);
  const map: Record<string, Record<string, unknown>> = {};
  for (const model of store.slot(account, MODELS).values()) {
    const provider = findProvider(store, account, model.providerKey);
    const entry: Record<string, unknown> = {
      name: model.name,
      description: model.description,
      providerKey: model.providerKey,
      model: model.model,
    };
    if (provider?.url !== undefined) entry["url"] = provider.url;
    entry["apiKey"] = unmasked ? (provider?.apiKey ?? "") : maskCredential(provider?.apiKey);
    map[model.name] = entry;
  }
  for (const agent of store.slot(account, CHAT_AGENTS).values()) {
    if (map[agent.name] === undefined) map[agent.name] = { name: agent.name, model: agent.modelName };
  }
  return jsonResponse(200, map);
}

function discoverModels(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const providerKey = requiredString(body, "providerKey");
  const apiKey = optionalString(body, "apiKey");
  const url = optionalString(body, "url");
  const configured = findProvider(context.store, context.account, providerKey) !== undefined;
  if (!configured && apiKey === undefined && url === undefined) {
    throw new InvalidRequestError(
      `Provider ${providerKey} is not configured for this account. Add it with POST /v1/core/add/provider, ` +
        "or send apiKey (or url for a self-hosted provider) with this request.",
      "providerKey",
    );
  }
  return jsonResponse(200, { success: true, data: discoverProviderModels(providerKey) });
}

function addModel(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const name = requiredString(body, "name");
  const description = optionalString(body, "description");
  if (description === undefined)
    throw new InvalidRequestError("description is missing; send it as a string.", "description");
  const providerKey = requiredString(body, "providerKey");
  const providerModel = requiredString(body, "model");
  const extractEmbeddingModels = optionalBoolean(body, "extractEmbeddingModels") ?? false;
  optionalBoolean(body, "testResponse");
  optionalBoolean(body, "getAllApiModels");
  const programmaticToolCalling = booleanOrBooleanString(
    body["programmaticToolCalling"],
    "programmaticToolCalling",
  );

  if (findProvider(context.store, context.account, providerKey) === undefined) {
    throw new InvalidRequestError(
      `Provider ${providerKey} is not configured for this account; add it with POST /v1/core/add/provider first.`,
      "providerKey",
    );
  }
  const embedding = extractEmbeddingModels || name.toLowerCase().includes("embed");
  const unsupported =
    UNSUPPORTED_EMBEDDING_MODELS.get(providerModel) ?? UNSUPPORTED_EMBEDDING_MODELS.get(name);
  if (
    embedding &&
    unsupported !== undefined &&
    !context.faults.has(MODEL_FAULTS.unsupportedEmbeddingAccepted)
  ) {
    throw new InvalidRequestError(
      `${providerModel} is not supported because ${unsupported}. Use text-embedding-3-small or nomic-embed-text-v1.5.`,
      "model",
    );
  }

  const record: ModelRecord = {
    name,
    description,
    providerKey,
    model: providerModel,
    embedding,
    ...(embedding ? { dimensions: EMBEDDING_DIMENSIONS[providerModel] ?? DEFAULT_EMBEDDING_DIMENSIONS } : {}),
    programmaticToolCalling: programmaticToolCalling ?? defaultProgrammaticToolCalling(providerModel),
  };
  context.store.slot(context.account, MODELS).set(name, record);
  return jsonResponse(200, {
    status: "success",
    message: embedding ? "Embedding model added" : "Model added",
    data: { ...record },
  });
}

function deleteModel(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const modelId = requiredString(body, "modelId");
  if (!context.store.slot(context.account, MODELS).delete(modelId)) {
    return context.error(
      404,
      `Model ${modelId} is not in this account. List the account's models with GET /v1/models.`,
    );
  }
  return jsonResponse(200, { status: "success", message: "Model deleted" });
}

/** Models and embedding models in each account's namespace, seeded with the mock's chat and embedding models. */
export const modelsArea: MockArea = {
  name: "models",
  operations: [
    {
      operationId: "listModels",
      method: "GET",
      path: "/v1/models",
      errorFamily: "openai",
      handle: listModels,
    },
    {
      operationId: "getModelMap",
      method: "GET",
      path: "/v1/modelmap",
      errorFamily: "openai",
      handle: getModelMap,
    },
    { operationId: "discoverModels", method: "POST", path: "/v1/core/models", handle: discoverModels },
    { operationId: "addModel", method: "POST", path: "/v1/core/add/model", handle: addModel },
    { operationId: "deleteModel", method: "POST", path: "/v1/core/delete/model", handle: deleteModel },
  ],
  faults: Object.values(MODEL_FAULTS),
  seed(store, account: Account) {
    const models = store.slot(account, MODELS);
    for (const model of seededModels()) models.set(model.name, model);
  },
};

import { CHAT_AGENTS } from "../../agent-directory.ts";
import { maskCredential } from "../../credential-masking.ts";
import type { Account, MockStore } from "../../store.ts";
import { COLLECTIONS } from "../collections/collection-records.ts";
import { MODELS, type ModelRecord } from "../models/model-records.ts";
import { findProvider } from "../providers/provider-records.ts";

type Json = Record<string, unknown>;

/**
 * Builds the account's core config: its chat models, agents, embedding models and embedded
 * collections, each map keyed by name. Every provider key is masked unless `unmasked` is set,
 * which only a fault does.
 * NOTE: the reference pages give only the four kinds of entries; the fields of each entry are
 * inferred, as the spec's CoreConfig schema marks.
 */
export function coreConfig(store: MockStore, account: Account, unmasked: boolean): Json {
  const reveal = (key: string | undefined): Json => {
    if (key === undefined || key === "") return {};
    return { apiKey: unmasked ? key : maskCredential(key) };
  };
  const modelEntry = (model: ModelRecord): Json => ({
    name: model.name,
    description: model.description,
    providerKey: model.providerKey,
    model: model.model,
    ...(model.dimensions === undefined ? {} : { dimensions: model.dimensions }),
    ...reveal(findProvider(store, account, model.providerKey)?.apiKey),
  });

  const models: Json = {};
  const embeddingModels: Json = {};
  for (const model of store.slot(account, MODELS).values()) {
    if (model.embedding) embeddingModels[model.name] = modelEntry(model);
    else models[model.name] = modelEntry(model);
  }
  const agents: Json = {};
  for (const agent of store.slot(account, CHAT_AGENTS).values()) {
    agents[agent.name] = {
      ...(agent.id === undefined ? {} : { id: agent.id }),
      name: agent.name,
      slug: agent.slug,
      model: agent.modelName,
      published: agent.published,
    };
  }
  const embeddedCollections: Json = {};
  for (const collection of store.slot(account, COLLECTIONS).values()) {
    embeddedCollections[collection.safeName] = {
      name: collection.name,
      safeName: collection.safeName,
      embeddingModelName: collection.embeddingModelName,
      ...reveal(collection.apiKey),
    };
  }
  return { models, agents, embeddingModels, embeddedCollections };
}

import type { MockArea, OperationContext } from "../../area.ts";
import { maskCredential } from "../../credential-masking.ts";
import type { FaultDefinition } from "../../fault-registry.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import {
  InvalidRequestError,
  optionalString,
  parseHttpUrl,
  requireBodyObject,
  requiredString,
} from "../../request-fields.ts";
import { BUILT_IN_PROVIDERS, PROVIDERS, seededProviderKey, type ProviderRecord } from "./provider-records.ts";

export const PROVIDER_FAULTS = {
  keyUnmasked: {
    name: "provider-key-unmasked",
    area: "providers",
    kind: "masking",
    rule: "Provider API keys are masked in every read.",
  },
  otherAccountsListed: {
    name: "providers-listed-across-accounts",
    area: "providers",
    kind: "namespacing",
    rule: "An account sees only its own providers.",
  },
  writeStatusMissing: {
    name: "provider-write-status-missing",
    area: "providers",
    kind: "body-schema",
    rule: "Adding or deleting a provider returns { status: success, message }.",
    operations: ["addProvider", "deleteProvider"],
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status !== 200) return response;
      const { status: _status, ...rest } = response.body as Record<string, unknown>;
      return { ...response, body: rest };
    },
  },
} satisfies Record<string, FaultDefinition>;

function listProviders(context: OperationContext): MockResponse {
  const unmasked = context.faults.has(PROVIDER_FAULTS.keyUnmasked);
  const accounts = context.faults.has(PROVIDER_FAULTS.otherAccountsListed)
    ? context.store.accounts()
    : [context.account];
  const data = accounts.flatMap((account) =>
    [...context.store.slot(account, PROVIDERS).values()].map((provider) => providerView(provider, unmasked)),
  );
  return jsonResponse(200, { success: true, data });
}

function providerView(provider: ProviderRecord, unmasked: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = { providerKey: provider.providerKey };
  if (provider.url !== undefined) view["url"] = provider.url;
  view["apiKey"] = unmasked ? (provider.apiKey ?? "") : maskCredential(provider.apiKey);
  return view;
}

function addProvider(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const providerKey = requiredString(body, "providerKey");
  const apiKey = optionalString(body, "apiKey");
  const url = optionalString(body, "url");
  if (url !== undefined && parseHttpUrl(url) === undefined) {
    throw new InvalidRequestError(
      `url must be an http or https URL, received ${JSON.stringify(url)}.`,
      "url",
    );
  }
  if (BUILT_IN_PROVIDERS.has(providerKey) && (apiKey === undefined || apiKey === "") && url === undefined) {
    throw new InvalidRequestError(
      `apiKey is missing; the built-in provider ${providerKey} needs its API key.`,
      "apiKey",
    );
  }
  if (!BUILT_IN_PROVIDERS.has(providerKey) && url === undefined) {
    throw new InvalidRequestError(
      `url is missing; the custom provider ${providerKey} needs its base URL.`,
      "url",
    );
  }
  const record: ProviderRecord = {
    providerKey,
    ...(apiKey === undefined || apiKey === "" ? {} : { apiKey }),
    ...(url === undefined ? {} : { url }),
  };
  context.store.slot(context.account, PROVIDERS).set(providerKey, record);
  return jsonResponse(200, { status: "success", message: "Provider saved" });
}

function deleteProvider(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const providerKey = requiredString(body, "providerKey");
  if (!context.store.slot(context.account, PROVIDERS).delete(providerKey)) {
    return context.error(
      404,
      `Provider ${providerKey} is not configured for this account. List them with GET /v1/core/providers.`,
    );
  }
  return jsonResponse(200, { status: "success", message: "Provider deleted" });
}

/**
 * Upstream provider credentials. Seeds `openai` with a fake key and a self-hosted `ollama`
 * provider without a key, whose URL the mock never calls.
 */
export const providersArea: MockArea = {
  name: "providers",
  operations: [
    { operationId: "listProviders", method: "GET", path: "/v1/core/providers", handle: listProviders },
    { operationId: "addProvider", method: "POST", path: "/v1/core/add/provider", handle: addProvider },
    {
      operationId: "deleteProvider",
      method: "POST",
      path: "/v1/core/delete/provider",
      handle: deleteProvider,
    },
  ],
  faults: Object.values(PROVIDER_FAULTS),
  seed(store, account) {
    const providers = store.slot(account, PROVIDERS);
    providers.set("openai", { providerKey: "openai", apiKey: seededProviderKey(account) });
    providers.set("ollama", { providerKey: "ollama", url: "http://127.0.0.1:11434/v1" });
  },
};

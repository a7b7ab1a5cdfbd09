import { randomBytes } from "node:crypto";
import type { TestContext } from "vitest";
import { responseJson } from "../../src/http/exchange.ts";
import { registerSecret } from "../../src/log/redact.ts";
import type { AccountClient } from "./account-client.ts";
import type { Harness } from "./harness.ts";
import type { ResourceTracker } from "./resource-tracker.ts";
import { verify } from "./verify.ts";

/**
 * Base URL of the custom providers the suites create. Port 9 (discard) on loopback: a deployment
 * stores the URL but has no reason to call it, and a call would reach nothing.
 */
export const UNREACHABLE_PROVIDER_URL = "http://127.0.0.1:9/v1";

/** A custom provider created for a test, with the secret stored as its key. */
export interface TestProvider {
  readonly providerKey: string;
  readonly secret: string;
}

/** Returns a fresh fake secret, registered for redaction before it is sent anywhere. */
export function fakeSecret(label: string): string {
  const secret = `sk-msqh-${label}-${randomBytes(12).toString("hex")}`;
  registerSecret(secret);
  return secret;
}

/**
 * Creates a custom provider in the account of `client` (tracked for teardown) and verifies the
 * create as a lifecycle step.
 */
export async function createTestProvider(
  context: TestContext,
  harness: Harness,
  tracker: ResourceTracker,
  client: AccountClient,
  account: "primary" | "secondary" | "third" = "primary",
): Promise<TestProvider> {
  const providerKey = harness.uniqueName("prov");
  const secret = fakeSecret("prov");
  const call = await client.call("addProvider", {
    json: { providerKey, apiKey: secret, url: UNREACHABLE_PROVIDER_URL },
  });
  verify(context, harness, call, { kind: "lifecycle", step: "create", resource: "provider" });
  tracker.track("provider", providerKey, account, { operationId: "deleteProvider", json: { providerKey } });
  return { providerKey, secret };
}

/** Creates a chat or embedding model on `provider` (tracked for teardown) and returns its name. */
export async function createTestModel(
  context: TestContext,
  harness: Harness,
  tracker: ResourceTracker,
  client: AccountClient,
  provider: TestProvider,
  options: { embedding?: boolean; account?: "primary" | "secondary" | "third" } = {},
): Promise<string> {
  const name = harness.uniqueName(options.embedding === true ? "embed" : "model");
  const call = await client.call("addModel", {
    json: {
      name,
      description: "Created by msq-harness contract suites",
      providerKey: provider.providerKey,
      model: options.embedding === true ? "text-embedding-3-small" : "gpt-4o-mini",
      ...(options.embedding === true ? { extractEmbeddingModels: true } : {}),
    },
  });
  verify(context, harness, call, { kind: "lifecycle", step: "create", resource: "model" });
  tracker.track("model", name, options.account ?? "primary", {
    operationId: "deleteModel",
    json: { modelId: name },
  });
  return name;
}

/** Parses the JSON body of a call, or returns undefined. */
export function jsonBody(call: { exchange: Parameters<typeof responseJson>[0] }): unknown {
  const parsed = responseJson(call.exchange);
  return parsed.ok ? parsed.value : undefined;
}

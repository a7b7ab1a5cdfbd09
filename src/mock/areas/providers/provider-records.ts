import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";

/** A provider configuration of an account, with its credential in clear; reads mask it. */
export interface ProviderRecord {
  readonly providerKey: string;
  readonly apiKey?: string;
  readonly url?: string;
}

/** Providers the API knows without a `url`. */
export const BUILT_IN_PROVIDERS: ReadonlySet<string> = new Set([
  "openai",
  "anthropic",
  "google",
  "groq",
  "elevenlabs",
]);

/** Each account's providers by `providerKey`. */
export const PROVIDERS = defineAccountSlot("providers", () => new Map<string, ProviderRecord>());

export function findProvider(
  store: MockStore,
  account: Account,
  providerKey: string,
): ProviderRecord | undefined {
  return store.slot(account, PROVIDERS).get(providerKey);
}

/** The fake provider key seeded for an account; it only has to look like a key. */
export function seededProviderKey(account: Account): string {
  return `sk-mock-${account.username}-${"0".repeat(24)}`;
}

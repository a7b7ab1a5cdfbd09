import type { Account } from "./store.ts";

/** A seeded account as printed by `msq-harness mock` and returned by `startMock`. */
export interface SeededAccount {
  username: string;
  email: string;
  apiKey: string;
}

/**
 * The accounts every mock deployment starts with. Their keys are fixed test values that only this
 * mock accepts; they are printed and documented on purpose and grant nothing anywhere else.
 * Three accounts let tests check namespacing (alice's resources stay invisible to bob) and sharing
 * by username (bob) or by email (carol).
 */
export const SEEDED_ACCOUNTS: readonly SeededAccount[] = [
  { username: "alice", email: "alice@example.com", apiKey: "msq-test-alice-00000000000000000001" },
  { username: "bob", email: "bob@example.com", apiKey: "msq-test-bob-000000000000000000002" },
  { username: "carol", email: "carol@example.com", apiKey: "msq-test-carol-00000000000000000003" },
];

/**
 * A second key per seeded account without the `msq-` prefix. `x-api-key` accepts it, but
 * `Authorization: Bearer` must reject it, which lets tests check the Bearer prefix rule.
 */
export const SEEDED_LEGACY_KEYS: Readonly<Record<string, string>> = {
  alice: "legacy-test-alice-0000000000000001",
  bob: "legacy-test-bob-00000000000000002",
  carol: "legacy-test-carol-0000000000000003",
};

/** Builds the store account of a seeded account, with both of its keys. */
export function toAccount(seeded: SeededAccount): Account {
  const legacyKey = SEEDED_LEGACY_KEYS[seeded.username];
  return {
    id: `usr_${seeded.username}`,
    username: seeded.username,
    email: seeded.email,
    apiKeys: legacyKey === undefined ? [seeded.apiKey] : [seeded.apiKey, legacyKey],
  };
}

/**
 * The mock deployment's in-memory state: one namespace per account, looked up by API key or
 * username. Each area keeps its resources in a typed slot of the account namespace, so areas add
 * state without changing this file.
 */

/** An account of the mock deployment. */
export interface Account {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  /** Keys accepted in `x-api-key`; only the ones that start with `msq-` are accepted as Bearer tokens. */
  readonly apiKeys: readonly string[];
}

/** A per-account piece of state owned by one area, created on first use with `create`. */
export interface AccountSlot<T> {
  readonly name: string;
  readonly create: (account: Account) => T;
}

/** Declares a slot. Declare each slot once, at module level, next to the area that owns it. */
export function defineAccountSlot<T>(name: string, create: (account: Account) => T): AccountSlot<T> {
  return { name, create };
}

export class MockStore {
  private readonly accountsByKey = new Map<string, Account>();
  private readonly accountsByUsername = new Map<string, Account>();
  private readonly accountsByEmail = new Map<string, Account>();
  private readonly slots = new Map<Account, Map<AccountSlot<unknown>, unknown>>();
  private sequence = 0;

  /** Adds an account. Usernames, emails and keys must be unique. */
  addAccount(account: Account): void {
    const clash =
      this.accountsByUsername.has(account.username) ||
      this.accountsByEmail.has(account.email.toLowerCase()) ||
      account.apiKeys.some((key) => this.accountsByKey.has(key));
    if (clash)
      throw new Error(`Account ${account.username} clashes with an existing username, email or key.`);
    this.accountsByUsername.set(account.username, account);
    this.accountsByEmail.set(account.email.toLowerCase(), account);
    for (const key of account.apiKeys) this.accountsByKey.set(key, account);
    this.slots.set(account, new Map());
  }

  accounts(): Account[] {
    return [...this.accountsByUsername.values()];
  }

  findAccountByKey(apiKey: string): Account | undefined {
    return this.accountsByKey.get(apiKey);
  }

  findAccountByUsername(username: string): Account | undefined {
    return this.accountsByUsername.get(username);
  }

  /** Finds an account by email, ignoring case. */
  findAccountByEmail(email: string): Account | undefined {
    return this.accountsByEmail.get(email.toLowerCase());
  }

  /** Returns the account's state in `slot`, creating it on first use. */
  slot<T>(account: Account, slot: AccountSlot<T>): T {
    const slots = this.slots.get(account);
    if (slots === undefined) throw new Error(`Account ${account.username} is not in this store.`);
    if (!slots.has(slot)) slots.set(slot, slot.create(account));
    return slots.get(slot) as T;
  }

  /**
   * Returns a new identifier `<prefix>_<n>` that is unique within this store. Identifiers are
   * deterministic, so two stores seeded alike hand out the same ids for the same calls.
   */
  nextId(prefix: string): string {
    this.sequence += 1;
    return `${prefix}_${this.sequence.toString(36).padStart(6, "0")}`;
  }
}

import { defineAccountSlot, type Account, type MockStore } from "./store.ts";

/** One LLM call of an account, in the shape of the usage endpoints' `LLMUsageMetric` rows. */
export interface LLMUsageMetric {
  /** Completion id, embeddings call id or run id. */
  chatId: string;
  modelName: string;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Unix time in ms. */
  startTime: number;
  endTime: number;
  error?: string;
  username: string;
  /** Whether the call offered tools to the model. */
  tools: boolean;
}

/**
 * Rows kept per account. A benchmark can make millions of calls, so the oldest rows are dropped
 * once the count passes this limit by a tenth. Usage aggregates then cover only the newest rows.
 */
export const MAX_USAGE_ROWS = 100_000;

/** Rows beyond the limit before a trim, so trimming costs amortized constant time per call. */
const TRIM_SLACK = MAX_USAGE_ROWS / 10;

const USAGE_SLOT = defineAccountSlot<LLMUsageMetric[]>("usage", () => []);

/** Records one call for the account that made it; the usage area aggregates these rows. */
export function recordUsage(
  store: MockStore,
  account: Account,
  metric: Omit<LLMUsageMetric, "username">,
): void {
  const rows = store.slot(account, USAGE_SLOT);
  // A literal instead of a spread of `metric`: the spread costs about a microsecond, which shows on
  // the embeddings fast path.
  const row: LLMUsageMetric = {
    chatId: metric.chatId,
    modelName: metric.modelName,
    inputTokens: metric.inputTokens,
    outputTokens: metric.outputTokens,
    startTime: metric.startTime,
    endTime: metric.endTime,
    username: account.username,
    tools: metric.tools,
  };
  if (metric.error !== undefined) row.error = metric.error;
  rows.push(row);
  if (rows.length > MAX_USAGE_ROWS + TRIM_SLACK) rows.splice(0, rows.length - MAX_USAGE_ROWS);
}

/** Returns the account's recorded calls, oldest first. */
export function usageRows(store: MockStore, account: Account): readonly LLMUsageMetric[] {
  return store.slot(account, USAGE_SLOT);
}

import { responseJson } from "../../src/http/exchange.ts";
import type { AccountClient } from "./account-client.ts";
import type { Harness } from "./harness.ts";
import type { DeleteRequest, LedgerEntry } from "./resource-ledger.ts";

type AccountLabel = LedgerEntry["account"];

/**
 * Tracks the resources one suite file creates and deletes them in teardown, also when tests failed.
 * Each resource is written to the run's ledger first, so the CLI can delete it if the worker dies.
 */
export class ResourceTracker {
  private readonly open = new Map<string, LedgerEntry>();

  constructor(private readonly harness: Harness) {}

  /** Records a created resource; returns the entry id for `forget`. */
  track(kind: string, resourceId: string, account: AccountLabel, deleteRequest: DeleteRequest): string {
    const entry = this.harness.ledger.created({ kind, resourceId, account, deleteRequest });
    this.open.set(entry.entryId, entry);
    return entry.entryId;
  }

  /** Marks a tracked resource as deleted by the test itself. */
  forget(entryId: string): void {
    if (this.open.delete(entryId)) this.harness.ledger.deleted(entryId);
  }

  /**
   * Deletes every resource still tracked, newest first, and returns descriptions of those whose
   * delete failed. They stay in the ledger for the CLI and `msq-harness cleanup`.
   */
  async cleanup(): Promise<string[]> {
    const failures: string[] = [];
    for (const entry of [...this.open.values()].reverse()) {
      const client = clientOf(this.harness, entry.account);
      if (client === undefined) continue;
      const call = await client.call(entry.deleteRequest.operationId, {
        ...(entry.deleteRequest.params === undefined ? {} : { params: entry.deleteRequest.params }),
        ...(entry.deleteRequest.json === undefined ? {} : { json: entry.deleteRequest.json }),
      });
      const status = call.exchange.response?.status;
      const body = responseJson(call.exchange);
      const gone =
        status === 404 || (status !== undefined && status < 300 && !(body.ok && isFailedResult(body.value)));
      if (gone) this.forget(entry.entryId);
      else
        failures.push(
          `${entry.kind} ${entry.resourceId}: delete received ${status ?? call.exchange.error?.kind ?? "nothing"}`,
        );
    }
    return failures;
  }
}

/** Returns the client of an account label. */
export function clientOf(harness: Harness, account: AccountLabel): AccountClient | undefined {
  if (account === "primary") return harness.primary;
  return account === "secondary" ? harness.secondary : harness.third;
}

/** True for `{ success: false }` bodies other than "Not found", which means the resource is already gone. */
function isFailedResult(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const body = value as Record<string, unknown>;
  return body["success"] === false && body["message"] !== "Not found";
}

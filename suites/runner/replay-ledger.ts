import type { ContractTarget, TargetAccount } from "../../src/contract/contract-target.ts";
import { HttpClient } from "../../src/http/http-client.ts";
import { responseJson } from "../../src/http/exchange.ts";
import type { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { AccountClient } from "../support/account-client.ts";
import { ResourceLedger, readOpenEntries, type LedgerEntry } from "../support/resource-ledger.ts";

/**
 * Deletes the resources a ledger lists as created and not deleted, such as those of suites that
 * were interrupted. Returns the entries whose delete failed.
 */
export async function replayLedger(
  ledgerPath: string,
  target: ContractTarget,
  validators: ValidatorRegistry,
): Promise<LedgerEntry[]> {
  const entries = readOpenEntries(ledgerPath);
  if (entries.length === 0) return [];
  const http = new HttpClient({
    root: target.root,
    requestTimeoutMs: target.requestTimeoutMs,
    connectTimeoutMs: target.connectTimeoutMs,
  });
  const ledger = new ResourceLedger(ledgerPath);
  const left: LedgerEntry[] = [];
  try {
    for (const entry of entries.reverse()) {
      const account = accountOf(target, entry.account);
      if (account === undefined) {
        left.push(entry);
        continue;
      }
      const client = new AccountClient(http, validators, {
        key: account.apiKey,
        variable: account.keyVariable,
      });
      const { exchange } = await client.call(entry.deleteRequest.operationId, {
        ...(entry.deleteRequest.params === undefined ? {} : { params: entry.deleteRequest.params }),
        ...(entry.deleteRequest.json === undefined ? {} : { json: entry.deleteRequest.json }),
      });
      const status = exchange.response?.status;
      const body = responseJson(exchange);
      const value =
        body.ok && body.value !== null && typeof body.value === "object"
          ? (body.value as Record<string, unknown>)
          : {};
      // `{ success: false, message: "Not found" }` means the resource is already gone.
      const failed = value["success"] === false && value["message"] !== "Not found";
      if (status === 404 || (status !== undefined && status < 300 && !failed)) ledger.deleted(entry.entryId);
      else left.push(entry);
    }
  } finally {
    await http.close();
  }
  return left;
}

function accountOf(target: ContractTarget, label: LedgerEntry["account"]): TargetAccount | undefined {
  if (label === "primary") return target.primary;
  return label === "secondary" ? target.secondary : target.third;
}

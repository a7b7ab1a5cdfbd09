import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { ContractTarget, TargetAccount } from "../../src/contract/contract-target.ts";
import { HttpClient } from "../../src/http/http-client.ts";
import { responseJson } from "../../src/http/exchange.ts";
import type { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { RESOURCE_CATALOG } from "../resources/resource-catalog.ts";
import { AccountClient } from "../support/account-client.ts";
import { replayLedger } from "./replay-ledger.ts";

/** Result of cleanup for one resource, or for a list of one kind that could not be read. */
export interface CleanupOutcome {
  readonly account: TargetAccount["label"];
  readonly kind: string;
  /** Name of the resource; empty for list-failed. */
  readonly name: string;
  /**
   * deleted, would-delete (dry run), failed with the status received, or list-failed when the
   * list operation of the kind returned no readable 200, so its resources may remain.
   */
  readonly result: "deleted" | "would-delete" | "failed" | "list-failed";
  readonly detail: string;
}

export interface CleanupOptions {
  readonly prefix: string;
  readonly dryRun: boolean;
  /** Directory whose `.ledger-<prefix>*.jsonl` files are replayed first. */
  readonly reportDir: string;
}

/**
 * Deletes every resource whose name starts with `prefix` and a hyphen in each account of the
 * target: first the entries of matching ledger files, then whatever the list operations of the
 * resource catalog still show. A dry run only lists what it would delete.
 */
export async function cleanupByPrefix(
  target: ContractTarget,
  validators: ValidatorRegistry,
  options: CleanupOptions,
): Promise<CleanupOutcome[]> {
  if (!options.dryRun) {
    for (const ledger of ledgerFiles(options.reportDir, options.prefix))
      await replayLedger(ledger, target, validators);
  }
  const http = new HttpClient({
    root: target.root,
    requestTimeoutMs: target.requestTimeoutMs,
    connectTimeoutMs: target.connectTimeoutMs,
  });
  const outcomes: CleanupOutcome[] = [];
  try {
    for (const account of [target.primary, target.secondary, target.third]) {
      if (account === undefined) continue;
      const client = new AccountClient(http, validators, {
        key: account.apiKey,
        variable: account.keyVariable,
      });
      for (const kind of RESOURCE_CATALOG) {
        const list = await client.call(kind.listOperationId);
        const status = list.exchange.response?.status;
        const body = responseJson(list.exchange);
        if (status !== 200 || !body.ok) {
          let detail = `${kind.listOperationId}: status ${status}`;
          if (status === undefined)
            detail = `${kind.listOperationId}: ${list.exchange.error?.message ?? "no response"}`;
          else if (status === 200 && !body.ok) detail = `${kind.listOperationId}: the body is not JSON`;
          outcomes.push({ account: account.label, kind: kind.kind, name: "", result: "list-failed", detail });
          continue;
        }
        for (const resource of kind
          .listed(body.value)
          .filter((item) => isRunResourceName(item.name, options.prefix))) {
          if (options.dryRun) {
            outcomes.push({
              account: account.label,
              kind: kind.kind,
              name: resource.name,
              result: "would-delete",
              detail: "",
            });
            continue;
          }
          const request = kind.deleteRequest(resource);
          const { exchange } = await client.call(request.operationId, {
            ...(request.params === undefined ? {} : { params: request.params }),
            ...(request.json === undefined ? {} : { json: request.json }),
          });
          const status = exchange.response?.status;
          const ok = status !== undefined && (status < 300 || status === 404);
          outcomes.push({
            account: account.label,
            kind: kind.kind,
            name: resource.name,
            result: ok ? "deleted" : "failed",
            detail: status === undefined ? (exchange.error?.message ?? "no response") : `status ${status}`,
          });
        }
      }
    }
  } finally {
    await http.close();
  }
  return outcomes;
}

function ledgerFiles(directory: string, prefix: string): string[] {
  try {
    return readdirSync(directory)
      .filter(
        (name) => name.endsWith(".jsonl") && hasPrefix(name.slice(0, -".jsonl".length), `.ledger-${prefix}`),
      )
      .map((name) => join(directory, name));
  } catch {
    return [];
  }
}

/**
 * Tells whether `name` is one the harness gives: the prefix, a hyphen, then the rest of the run
 * prefix and a kind, and a hyphen-bounded 6-digit hex id (`<run prefix>-<kind>-<random>`, file
 * names with a suffix after it). Hand-made names that only start with the prefix, such as a
 * seeded model nomic-embed-text-v1.5 under the prefix nomic-embed-text, are left alone.
 */
function isRunResourceName(name: string, prefix: string): boolean {
  if (!name.startsWith(`${prefix}-`)) return false;
  return /(^|-)[a-z0-9]+-[0-9a-f]{6}(-|\.|$)/.test(name.slice(prefix.length + 1));
}

/**
 * Tells whether `name` is `prefix` or starts with `prefix` and a hyphen, as the names of a run
 * do (`<run prefix>-<kind>-<random>`). So the prefix msqh-ci-12 leaves msqh-ci-123's resources.
 */
function hasPrefix(name: string, prefix: string): boolean {
  return name === prefix || name.startsWith(`${prefix}-`);
}

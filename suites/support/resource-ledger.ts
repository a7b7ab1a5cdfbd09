import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";

/** The request that deletes a created resource, replayable by the CLI after an interrupted run. */
export interface DeleteRequest {
  readonly operationId: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly json?: unknown;
}

/** A resource the run created and has not deleted yet. */
export interface LedgerEntry {
  readonly entryId: string;
  /** Resource kind, such as `model`. */
  readonly kind: string;
  /** Id or name of the resource. */
  readonly resourceId: string;
  /** The account that owns it. */
  readonly account: "primary" | "secondary" | "third";
  readonly deleteRequest: DeleteRequest;
}

type LedgerLine =
  ({ readonly event: "created" } & LedgerEntry) | { readonly event: "deleted"; readonly entryId: string };

/**
 * An append-only JSON-lines file of created and deleted resources. Workers append one short line
 * per event (writes with O_APPEND of a few hundred bytes do not interleave), and the CLI reads the
 * file after the run, or on SIGINT, to delete what is left.
 */
export class ResourceLedger {
  constructor(private readonly path: string | undefined) {}

  /** Records a created resource and returns its entry. */
  created(entry: Omit<LedgerEntry, "entryId">): LedgerEntry {
    const full = { ...entry, entryId: randomUUID() };
    this.append({ event: "created", ...full });
    return full;
  }

  /** Records that the resource of `entryId` is gone. */
  deleted(entryId: string): void {
    this.append({ event: "deleted", entryId });
  }

  private append(line: LedgerLine): void {
    if (this.path !== undefined) appendFileSync(this.path, `${JSON.stringify(line)}\n`);
  }
}

/** Reads a ledger file and returns the entries created but not deleted, in creation order. */
export function readOpenEntries(path: string): LedgerEntry[] {
  if (!existsSync(path)) return [];
  const open = new Map<string, LedgerEntry>();
  for (const text of readFileSync(path, "utf8").split("\n")) {
    if (text.trim() === "") continue;
    let line: LedgerLine;
    try {
      line = JSON.parse(text) as LedgerLine;
    } catch {
      // A line cut short by a killed worker; the rest of the file is still usable.
      continue;
    }
    if (line.event === "created") {
      const { event: _event, ...entry } = line;
      open.set(line.entryId, entry);
    } else open.delete(line.entryId);
  }
  return [...open.values()];
}

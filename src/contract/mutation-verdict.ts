import type { CheckFamily } from "./check-family.ts";
import type { CheckRecord } from "./contract-record.ts";

/** The facts of a mock fault that the mutation check uses. */
export interface FaultSummary {
  readonly name: string;
  readonly area: string;
  /** The family of rule the fault breaks; a catching check must belong to it. */
  readonly kind: CheckFamily;
  readonly rule: string;
  /** Operations the fault changes; a catching failure must be on one of them. Undefined means any. */
  readonly operations?: readonly string[];
}

/** Outcome for one fault: the checks that caught it, or the failures that did not count. */
export interface FaultVerdict {
  readonly fault: FaultSummary;
  readonly caught: boolean;
  /** Catching check ids with the number of operations each failed on. */
  readonly caughtBy: readonly { readonly check: string; readonly operations: number }[];
  /** Failing checks of other families or operations, for diagnosing a survivor. */
  readonly otherFailures: readonly string[];
}

/**
 * Decides whether a fault was caught: some record of the fault's run failed with a check of the
 * fault's kind, on one of the fault's operations when it lists them.
 */
export function judgeFault(fault: FaultSummary, records: readonly CheckRecord[]): FaultVerdict {
  const failing = records.filter((record) => record.outcome === "fail");
  const matching = failing.filter(
    (record) =>
      record.family === fault.kind &&
      (fault.operations === undefined || fault.operations.includes(record.operationId)),
  );
  const byCheck = new Map<string, Set<string>>();
  for (const record of matching)
    byCheck.set(record.check, (byCheck.get(record.check) ?? new Set()).add(record.operationId));
  const caughtBy = [...byCheck].map(([check, operations]) => ({ check, operations: operations.size }));
  caughtBy.sort((a, b) => b.operations - a.operations || a.check.localeCompare(b.check));
  const otherFailures = [
    ...new Set(
      failing
        .filter((record) => !matching.includes(record))
        .map((record) => `${record.check} (${record.family}) on ${record.operationId}`),
    ),
  ];
  return { fault, caught: caughtBy.length > 0, caughtBy, otherFailures: otherFailures.slice(0, 5) };
}

/** Renders the mutation table as fixed-width text: fault, kind, catching checks; then the kill rate. */
export function renderMutationTable(verdicts: readonly FaultVerdict[]): string {
  const rows = verdicts.map((verdict) => [
    verdict.fault.name,
    verdict.fault.kind,
    verdict.caught
      ? verdict.caughtBy
          .slice(0, 3)
          .map((entry) => `${entry.check} (${entry.operations} op${entry.operations === 1 ? "" : "s"})`)
          .join(", ")
      : `SURVIVED${verdict.otherFailures.length > 0 ? `; other failures: ${verdict.otherFailures.join("; ")}` : ""}`,
  ]);
  const header = ["Fault", "Kind", "Caught by"];
  const widths = [0, 1].map((column) =>
    Math.max(header[column]?.length ?? 0, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column] ?? 0) : cell)).join("  ");
  const caught = verdicts.filter((verdict) => verdict.caught).length;
  const rate = verdicts.length === 0 ? 100 : (100 * caught) / verdicts.length;
  return [
    line(header),
    ...rows.map(line),
    "",
    `Kill rate: ${caught}/${verdicts.length} faults caught (${rate.toFixed(1)}%).`,
  ].join("\n");
}

import { CHECK_FAMILIES, type CheckFamily } from "./check-family.ts";
import type { CheckRecord, CheckResult, ReportedFailure } from "./contract-record.ts";

/** One row of contract.json: every test's outcome of one check on one operation, merged. */
export interface ContractEntry {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly check: string;
  readonly family: CheckFamily;
  /** fail if any test failed the check, else pass if any passed, else skip. */
  readonly outcome: CheckResult;
  /**
   * "inferred" when the result rests on an x-inferred part of the spec. A failed entry is inferred
   * when every failure is on an inferred response, and any other entry when a checked response is.
   */
  readonly basis: "documented" | "inferred";
  readonly counts: Record<CheckResult, number>;
  readonly skipReasons: readonly string[];
  readonly failures: readonly ReportedFailure[];
}

export interface FamilyCoverage {
  /** Operations with at least one passing or failing check of the family. */
  readonly operationsChecked: number;
  readonly pass: number;
  readonly fail: number;
  readonly skip: number;
}

export interface ContractSummary {
  readonly operations: number;
  /** Operations with at least one check that ran (passed or failed). */
  readonly operationsCovered: number;
  readonly entries: readonly ContractEntry[];
  readonly byFamily: Readonly<Record<CheckFamily, FamilyCoverage>>;
  readonly totals: Record<CheckResult, number>;
  /** Operations of the spec that no check ran on, with the skip reasons seen for them. */
  readonly uncovered: readonly {
    operationId: string;
    method: string;
    path: string;
    skipReasons: readonly string[];
  }[];
}

/** Failures kept per entry; the rest are counted only. */
const MAX_FAILURES_PER_ENTRY = 5;

/** Merges check records of all tests into one entry per operation and check, with coverage counts. */
export function summarizeRecords(
  records: readonly CheckRecord[],
  operations: readonly { operationId: string; method: string; path: string }[],
): ContractSummary {
  const entries = new Map<string, MutableEntry>();
  for (const record of records) {
    const key = `${record.operationId} ${record.check}`;
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = {
        operationId: record.operationId,
        method: record.method,
        path: record.path,
        check: record.check,
        family: record.family,
        inferred: false,
        documentedFailure: false,
        counts: { pass: 0, fail: 0, skip: 0 },
        skipReasons: new Set(),
        failures: [],
      };
      entries.set(key, entry);
    }
    entry.counts[record.outcome] += 1;
    entry.inferred ||= record.inferred || record.failures.some((failure) => failure.inferred);
    entry.documentedFailure ||= record.failures.some((failure) => !failure.inferred);
    if (record.reason !== undefined) entry.skipReasons.add(record.reason);
    for (const failure of record.failures) {
      if (entry.failures.length < MAX_FAILURES_PER_ENTRY) entry.failures.push(failure);
    }
  }

  const outcomeOf = (counts: Record<CheckResult, number>): CheckResult => {
    if (counts.fail > 0) return "fail";
    return counts.pass > 0 ? "pass" : "skip";
  };
  const finished: ContractEntry[] = [...entries.values()].map((entry) => ({
    operationId: entry.operationId,
    method: entry.method,
    path: entry.path,
    check: entry.check,
    family: entry.family,
    outcome: outcomeOf(entry.counts),
    // A failure against a documented response is a documented failure, even when the same check
    // also probed an inferred response (such as the shared 401 body) that passed.
    basis: basisOf(entry),
    counts: entry.counts,
    skipReasons: [...entry.skipReasons],
    failures: entry.failures,
  }));
  finished.sort((a, b) => a.operationId.localeCompare(b.operationId) || a.check.localeCompare(b.check));

  const byFamily = Object.fromEntries(
    CHECK_FAMILIES.map((family) => {
      const ofFamily = finished.filter((entry) => entry.family === family);
      const checked = new Set(
        ofFamily.filter((entry) => entry.outcome !== "skip").map((entry) => entry.operationId),
      );
      return [
        family,
        {
          operationsChecked: checked.size,
          pass: ofFamily.filter((entry) => entry.outcome === "pass").length,
          fail: ofFamily.filter((entry) => entry.outcome === "fail").length,
          skip: ofFamily.filter((entry) => entry.outcome === "skip").length,
        },
      ];
    }),
  ) as Record<CheckFamily, FamilyCoverage>;

  const covered = new Set(
    finished.filter((entry) => entry.outcome !== "skip").map((entry) => entry.operationId),
  );
  const uncovered = operations
    .filter((operation) => !covered.has(operation.operationId))
    .map((operation) => ({
      ...operation,
      skipReasons: [
        ...new Set(
          finished
            .filter((entry) => entry.operationId === operation.operationId)
            .flatMap((entry) => entry.skipReasons),
        ),
      ],
    }));
  const totals = { pass: 0, fail: 0, skip: 0 };
  for (const entry of finished) totals[entry.outcome] += 1;
  return {
    operations: operations.length,
    operationsCovered: covered.size,
    entries: finished,
    byFamily,
    totals,
    uncovered,
  };
}

interface MutableEntry {
  operationId: string;
  method: string;
  path: string;
  check: string;
  family: CheckFamily;
  inferred: boolean;
  /** True when some failure of the entry is on a documented response. */
  documentedFailure: boolean;
  counts: Record<CheckResult, number>;
  skipReasons: Set<string>;
  failures: ReportedFailure[];
}

function basisOf(entry: MutableEntry): "documented" | "inferred" {
  if (entry.counts.fail > 0 && entry.documentedFailure) return "documented";
  return entry.inferred ? "inferred" : "documented";
}

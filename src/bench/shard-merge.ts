import { ConfigError } from "../config/config-error.ts";
import type { BenchReport, LoadPointResult } from "./bench-report.ts";
import { loadPointKey } from "./load-point.ts";
import { mergeTrials } from "./trial-merge.ts";
import type { TrialResult } from "./trial-result.ts";

export interface MergedReport {
  readonly report: BenchReport;
  /** Shards missing from the inputs, 1-based; the merged report is partial when any are. */
  readonly missingShards: readonly number[];
}

/**
 * Merges the reports of the shards of one run (`--shard i/n` on n machines) into one report.
 * Trial k of every shard ran at the same time, so the trials are merged as concurrent: HDR
 * histograms added, counts summed, rates recomputed over the longest shard duration.
 */
export function mergeShardReports(reports: readonly BenchReport[]): MergedReport {
  const first = reports[0];
  if (first === undefined)
    throw new ConfigError("bench merge: no reports given. Pass the bench-*.json file of every shard.");
  const count = first.shard?.count;
  if (count === undefined)
    throw new ConfigError(
      `bench merge: the first report was not run with --shard; only shard reports merge.`,
    );

  const seen = new Set<number>();
  for (const report of reports) {
    if (report.scenario.name !== first.scenario.name) {
      throw new ConfigError(
        `bench merge: reports of scenarios "${first.scenario.name}" and "${report.scenario.name}" cannot be merged.`,
      );
    }
    if (report.shard?.count !== count) {
      throw new ConfigError(`bench merge: every report must come from a run with --shard i/${count}.`);
    }
    // Shards that each started the embedded mock have different ports, so only an external target
    // must be the same URL on every shard.
    if (!first.target.embeddedMock && report.target.baseUrl !== first.target.baseUrl) {
      throw new ConfigError(
        `bench merge: the shards loaded different targets (${first.target.baseUrl} and ${report.target.baseUrl}); ` +
          "merge only the shards of one run against one deployment.",
      );
    }
    if (report.target.embeddedMock !== first.target.embeddedMock) {
      throw new ConfigError(
        "bench merge: some shards ran against the embedded mock and others against a target; rerun them alike.",
      );
    }
    if (JSON.stringify(report.settings) !== JSON.stringify(first.settings)) {
      throw new ConfigError(
        "bench merge: the shard reports were run with different settings; rerun every shard with the same options.",
      );
    }
    for (const index of report.shard.indexes) {
      if (seen.has(index)) throw new ConfigError(`bench merge: shard ${index}/${count} appears twice.`);
      seen.add(index);
    }
  }
  const missingShards = Array.from({ length: count }, (_unused, i) => i + 1).filter(
    (index) => !seen.has(index),
  );

  const points: LoadPointResult[] = [];
  for (const point of first.points) {
    const key = loadPointKey(point.load);
    const parts = reports.map((report) =>
      report.points.find((candidate) => loadPointKey(candidate.load) === key),
    );
    const present = parts.filter((part) => part !== undefined);
    const trialCount = Math.min(...present.map((part) => part.trials.length));
    const trials: TrialResult[] = [];
    for (let index = 0; index < trialCount; index += 1) {
      trials.push(
        mergeTrials(
          present.map((part) => part.trials[index] as TrialResult),
          "concurrent",
        ),
      );
    }
    if (trials.length > 0)
      points.push({
        load: point.load,
        label: point.label,
        trials,
        combined: mergeTrials(trials, "sequential"),
      });
  }

  const startedAt = reports.map((report) => report.startedAt).sort()[0] ?? first.startedAt;
  const finishedAt =
    reports
      .map((report) => report.finishedAt)
      .sort()
      .at(-1) ?? first.finishedAt;
  const partial = missingShards.length > 0 || reports.some((report) => report.partial);
  return {
    report: {
      ...first,
      shard: { count, indexes: [...seen].sort((a, b) => a - b) },
      startedAt,
      finishedAt,
      partial,
      stopReason:
        missingShards.length > 0
          ? `shards ${missingShards.join(", ")} of ${count} are missing`
          : first.stopReason,
      points,
    },
    missingShards,
  };
}

import { ConfigError } from "../config/config-error.ts";
import type { BenchReport, BenchRunSettings, LoadPointResult } from "./bench-report.ts";
import { describeLoadPoint, loadPointKey, type LoadPoint } from "./load-point.ts";
import { describeMissingShards } from "./shard.ts";
import { mergeTrials } from "./trial-merge.ts";
import type { TrialResult } from "./trial-result.ts";

export interface MergedReport {
  readonly report: BenchReport;
  /** Shards missing from the inputs, 1-based; the merged report is partial when any are. */
  readonly missingShards: readonly number[];
}

/** Separates the reasons of a merged report's `stopReason`. */
const REASON_SEPARATOR = "; ";

/**
 * Matches the missing-shards reason of an earlier merge, also in the older wording "shards 2 of 2
 * are missing", so that merging it with the missing shard drops the reason.
 */
const MISSING_SHARDS_REASON = /^shards? \d+(?:, \d+)* (?:of \d+ )?(?:is|are) missing$/;

/** Maximum length, in characters, of a setting value quoted in an error message. */
const MAX_QUOTED_LENGTH = 80;

/** Reports that `mergeShardReports` returned. `reportStem` names them as merged, not as a shard. */
const mergedReports = new WeakSet<BenchReport>();

/**
 * Tells whether `report` is the result of `mergeShardReports`. A merge of some shards lists the
 * same single shard as a shard's own report, so the shard list cannot tell them apart.
 */
export function isMergedReport(report: BenchReport): boolean {
  return mergedReports.has(report);
}

/**
 * Merges the reports of the shards of one run (`--shard i/n` on n machines) into one report.
 * Trial k of every shard ran at the same time, so the trials are merged as concurrent: HDR
 * histograms added, counts summed, rates recomputed over the longest shard duration. A load level
 * or trial that an interrupted shard did not reach is left out, because the target then received
 * less than that level.
 * @throws ConfigError naming the report (its position among the inputs) when the reports are not
 *   shards of one run: other scenario, shard count, target, settings or load levels.
 */
export function mergeShardReports(reports: readonly BenchReport[]): MergedReport {
  const first = reports[0];
  if (first === undefined)
    throw new ConfigError("bench merge: no reports given. Pass the bench-*.json file of every shard.");
  const count = first.shard?.count;
  if (count === undefined)
    throw new ConfigError(
      "bench merge: report 1 was not run with --shard; only shard reports merge. Pass the reports of " +
        "bench run --shard i/n.",
    );

  const seen = new Set<number>();
  for (const [position, report] of reports.entries()) {
    checkSameRun(first, report, position + 1);
    for (const index of report.shard?.indexes ?? []) {
      if (seen.has(index))
        throw new ConfigError(
          `bench merge: shard ${index}/${count} appears twice (again in report ${position + 1}). Pass each ` +
            "shard's report once.",
        );
      seen.add(index);
    }
  }
  const levels = checkLoadLevels(reports);
  const missingShards = Array.from({ length: count }, (_unused, i) => i + 1).filter(
    (index) => !seen.has(index),
  );

  const points: LoadPointResult[] = [];
  for (const load of levels) {
    const key = loadPointKey(load);
    const parts = reports.map(
      (report) => report.points.find((candidate) => loadPointKey(candidate.load) === key)?.trials ?? [],
    );
    const trialCount = Math.min(...parts.map((trials) => trials.length));
    const trials: TrialResult[] = [];
    for (let index = 0; index < trialCount; index += 1) {
      trials.push(
        mergeTrials(
          parts.map((part) => part[index] as TrialResult),
          "concurrent",
        ),
      );
    }
    if (trials.length > 0)
      points.push({
        load,
        label: describeLoadPoint(load),
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
  const reasons = [
    ...(missingShards.length > 0 ? [describeMissingShards(missingShards)] : []),
    ...new Set(reports.flatMap(otherStopReasons)),
  ];
  const report: BenchReport = {
    ...first,
    shard: { count, indexes: [...seen].sort((a, b) => a - b) },
    startedAt,
    finishedAt,
    partial: missingShards.length > 0 || reports.some(isPartialForOtherReason),
    stopReason: reasons.length > 0 ? reasons.join(REASON_SEPARATOR) : undefined,
    points,
  };
  mergedReports.add(report);
  return { report, missingShards };
}

/** Rejects a report that is not a shard of the same run as report 1; `position` is 1-based. */
function checkSameRun(first: BenchReport, report: BenchReport, position: number): void {
  const name = `report ${position}`;
  if (report.scenario.name !== first.scenario.name) {
    throw new ConfigError(
      `bench merge: report 1 ran scenario "${first.scenario.name}" and ${name} ran "${report.scenario.name}". ` +
        "Merge only the shards of one run.",
    );
  }
  const count = first.shard?.count;
  if (report.shard?.count !== count) {
    const shardOption =
      report.shard === undefined ? "without --shard" : `with --shard i/${report.shard.count}`;
    throw new ConfigError(
      `bench merge: report 1 was run with --shard i/${count} and ${name} ${shardOption}. Merge only the ` +
        `shards of one run, each started with --shard i/${count}.`,
    );
  }
  // Shards that each started the embedded mock have different ports, so only an external target
  // must be the same URL on every shard.
  if (!first.target.embeddedMock && report.target.baseUrl !== first.target.baseUrl) {
    throw new ConfigError(
      `bench merge: the shards loaded different targets (${first.target.baseUrl} in report 1 and ` +
        `${report.target.baseUrl} in ${name}); merge only the shards of one run against one deployment.`,
    );
  }
  if (report.target.embeddedMock !== first.target.embeddedMock) {
    throw new ConfigError(
      `bench merge: report 1 ran against ${describeTarget(first)} and ${name} against ` +
        `${describeTarget(report)}; rerun the shards alike.`,
    );
  }
  const difference = findSettingDifference(first.settings, report.settings);
  if (difference !== undefined) {
    throw new ConfigError(
      `bench merge: the shard reports were run with different settings: ${difference.name} is ` +
        `${difference.first} in report 1 and ${difference.other} in ${name}. Rerun every shard with the ` +
        "same options.",
    );
  }
}

function describeTarget(report: BenchReport): string {
  return report.target.embeddedMock ? "the embedded mock" : report.target.baseUrl;
}

/** Returns the first setting whose value differs, with both values quoted as JSON. */
function findSettingDifference(
  first: BenchRunSettings,
  other: BenchRunSettings,
): { name: string; first: string; other: string } | undefined {
  const names = new Set([...Object.keys(first), ...Object.keys(other)]);
  for (const name of names) {
    const firstValue = quote((first as unknown as Record<string, unknown>)[name]);
    const otherValue = quote((other as unknown as Record<string, unknown>)[name]);
    if (firstValue !== otherValue) return { name, first: firstValue, other: otherValue };
  }
  return undefined;
}

function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? "nothing";
  return text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH - 3)}...` : text;
}

/**
 * Returns the load levels of the run and rejects a report whose levels differ. A complete report
 * has every level of the run; an interrupted (partial) one may have stopped before the last ones.
 */
function checkLoadLevels(reports: readonly BenchReport[]): readonly LoadPoint[] {
  const levelsOf = (report: BenchReport): LoadPoint[] => report.points.map((point) => point.load);
  const complete = reports.findIndex((report) => !report.partial);
  const longest = reports.reduce(
    (best, report, index) => (report.points.length > (reports[best]?.points.length ?? 0) ? index : best),
    0,
  );
  const referenceIndex = complete >= 0 ? complete : longest;
  const reference = levelsOf(reports[referenceIndex] as BenchReport);
  for (const [index, report] of reports.entries()) {
    const levels = levelsOf(report);
    const matches = report.partial
      ? sameLevels(levels, reference.slice(0, levels.length))
      : sameLevels(levels, reference);
    if (!matches) {
      throw new ConfigError(
        `bench merge: report ${referenceIndex + 1} ran the load levels ${describeLevels(reference)} and ` +
          `report ${index + 1} ran ${describeLevels(levels)}. Merge only the shards of one run, each ` +
          "started with the same --concurrency, --rate or --sweep.",
      );
    }
  }
  return reference;
}

function sameLevels(left: readonly LoadPoint[], right: readonly LoadPoint[]): boolean {
  return (
    left.length === right.length &&
    left.every((load, index) => {
      const other = right[index];
      return other !== undefined && loadPointKey(load) === loadPointKey(other);
    })
  );
}

function describeLevels(levels: readonly LoadPoint[]): string {
  return levels.length === 0 ? "none" : `"${levels.map(describeLoadPoint).join(", ")}"`;
}

/** Returns the reasons a report is partial other than shards missing from an earlier merge. */
function otherStopReasons(report: BenchReport): string[] {
  if (!report.partial || report.stopReason === undefined) return [];
  return report.stopReason
    .split(REASON_SEPARATOR)
    .filter((reason) => reason !== "" && !MISSING_SHARDS_REASON.test(reason));
}

/** Tells whether a report is partial for a reason other than shards missing from an earlier merge. */
function isPartialForOtherReason(report: BenchReport): boolean {
  return report.partial && (report.stopReason === undefined || otherStopReasons(report).length > 0);
}

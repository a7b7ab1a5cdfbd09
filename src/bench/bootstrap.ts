import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export interface BootstrapInterval {
  readonly low: number;
  readonly high: number;
  readonly confidence: number;
  readonly resamples: number;
}

/**
 * Percentile bootstrap confidence interval of `statistic(baseline*, current*)`, resampling each
 * sample with replacement from a seeded xoroshiro128+ generator, so the same inputs always give
 * the same interval. With a handful of trials the interval is narrower than the truth; the gate
 * decides on the Mann-Whitney test and shows this interval for scale.
 */
export function bootstrapInterval(
  baseline: readonly number[],
  current: readonly number[],
  statistic: (baseline: readonly number[], current: readonly number[]) => number,
  options: { readonly seed: number; readonly resamples?: number; readonly confidence?: number },
): BootstrapInterval {
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const random = xoroshiro128plus(options.seed);
  const resample = (values: readonly number[]): number[] =>
    values.map(() => values[uniformInt(random, 0, values.length - 1)] as number);

  const estimates: number[] = [];
  for (let i = 0; i < resamples; i += 1) {
    const estimate = statistic(resample(baseline), resample(current));
    if (Number.isFinite(estimate)) estimates.push(estimate);
  }
  estimates.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  const at = (fraction: number): number =>
    estimates[Math.min(estimates.length - 1, Math.max(0, Math.floor(fraction * estimates.length)))] ??
    Number.NaN;
  return { low: at(tail), high: at(1 - tail), confidence, resamples };
}

import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { mersenne } from "pure-rand/generator/mersenne";
import { ConfigError } from "../config/config-error.ts";
import type { Shard } from "./shard.ts";

/** Arrival process of an open-loop run: evenly spaced sends, or a Poisson process. */
export type ArrivalProcess = "constant" | "poisson";

export interface ArrivalPlanOptions {
  /** Mean arrival rate of the whole run (all shards together), in requests per second. */
  readonly rate: number;
  readonly process: ArrivalProcess;
  /** Seed of the Mersenne Twister generator; the same seed plans the same send times. */
  readonly seed: number;
  /** Sends planned before this offset are warm-up and excluded from results. */
  readonly warmupMs: number;
  /** Measured span after the warm-up; no send is planned at or after `warmupMs + durationMs`. */
  readonly durationMs: number;
  /** Maximum measured sends of the whole run, before the shard takes its share. */
  readonly maxRequests: number;
  /** This process's share: every n-th send of the whole plan, starting at index i. */
  readonly shard?: Shard | undefined;
}

/** Planned send times, as offsets in milliseconds from the start of the run, in ascending order. */
export interface ArrivalPlan {
  readonly offsetsMs: Float64Array;
  /** Number of leading offsets that fall in the warm-up. */
  readonly warmupCount: number;
}

/** Upper bound on planned sends per run, so that a typo in the rate cannot exhaust memory. */
export const MAX_PLANNED_SENDS = 5_000_000;

/**
 * Plans the send times of an open-loop run in advance. The whole plan is computed first and a
 * shard keeps sends i, i+n, i+2n..., so the shards of one seed together send exactly the plan that
 * one process would send.
 */
export function planArrivals(options: ArrivalPlanOptions): ArrivalPlan {
  const shardIndex = options.shard?.index ?? 0;
  const shardCount = options.shard?.count ?? 1;
  const expected = (options.rate * (options.warmupMs + options.durationMs)) / 1000;
  if (Math.min(expected, options.maxRequests) > MAX_PLANNED_SENDS) {
    throw new ConfigError(
      `--rate: ${options.rate} requests/s over ${(options.warmupMs + options.durationMs) / 1000} s plans about ` +
        `${Math.round(expected)} sends, more than the limit of ${MAX_PLANNED_SENDS}. Lower --rate, --duration ` +
        "or --requests.",
    );
  }

  const meanGapMs = 1000 / options.rate;
  const spanMs = options.warmupMs + options.durationMs;
  // pure-rand 8.4's xoroshiro128plus(seed) starts from a sparse state, and its first uniformFloat64 is
  // within (seed + 1) / 2^26 of 1. That made the first Poisson gap 11 to 26 mean gaps long for seeds 0
  // to 1000. The Mersenne Twister's seeding spreads the seed over its whole state.
  const random = mersenne(options.seed);
  const planned: number[] = [];
  let warmupCount = 0;
  let measured = 0;
  let offsetMs = 0;
  for (let index = 0; measured < options.maxRequests; index += 1) {
    if (options.process === "poisson") {
      // Exponential gaps with mean 1/rate make a Poisson process; 1 - u lies in (0, 1].
      offsetMs += -Math.log(1 - uniformFloat64(random)) * meanGapMs;
    } else if (index > 0) {
      offsetMs += meanGapMs;
    }
    if (offsetMs >= spanMs) break;

    const inWarmup = offsetMs < options.warmupMs;
    if (!inWarmup) measured += 1;
    if (index % shardCount !== shardIndex) continue;
    planned.push(offsetMs);
    if (inWarmup) warmupCount += 1;
  }
  return { offsetsMs: Float64Array.from(planned), warmupCount };
}

import { describe, expect, test } from "vitest";
import { planArrivals, type ArrivalPlanOptions } from "../../src/bench/arrival-schedule.ts";
import { ConfigError } from "../../src/config/config-error.ts";

const base: ArrivalPlanOptions = {
  rate: 100,
  process: "poisson",
  seed: 7,
  warmupMs: 0,
  durationMs: 10_000,
  maxRequests: 1_000_000,
};

describe("planArrivals", () => {
  test("repeats a plan for the same seed", () => {
    expect(planArrivals(base).offsetsMs).toEqual(planArrivals(base).offsetsMs);
  });

  test("changes the plan with the seed", () => {
    expect(planArrivals({ ...base, seed: 8 }).offsetsMs).not.toEqual(planArrivals(base).offsetsMs);
  });

  test("spaces constant arrivals evenly", () => {
    const offsets = Array.from(planArrivals({ ...base, process: "constant", durationMs: 100 }).offsetsMs);
    expect(offsets).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90].map((value) => expect.closeTo(value, 9)));
  });

  test("keeps the Poisson mean rate", () => {
    const plan = planArrivals({ ...base, durationMs: 100_000 });
    const count = plan.offsetsMs.length;
    // 10,000 expected arrivals: the Poisson standard deviation is 100, so 4% is 4 sigma.
    expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });

  test("starts Poisson plans without a long gap", () => {
    const seeds = Array.from({ length: 20 }, (_unused, index) => index + 1);
    const firstOffsets = seeds.map(
      (seed) => planArrivals({ ...base, seed, durationMs: 1000 }).offsetsMs[0] ?? Infinity,
    );
    const mean = firstOffsets.reduce((sum, offset) => sum + offset, 0) / firstOffsets.length;
    // The first gap is exponential with mean 10 ms at 100 requests/s; the mean of 20 seeds has sd 2.2 ms.
    expect(mean).toBeLessThan(20);
  });

  test("plans about the rate in a short run", () => {
    const counts = [1, 2, 3, 4, 5].map(
      (seed) => planArrivals({ ...base, seed, rate: 20, durationMs: 1000 }).offsetsMs.length,
    );
    const mean = counts.reduce((sum, count) => sum + count, 0) / counts.length;
    // 20 expected per run; the mean of 5 Poisson counts has sd 2.
    expect(mean).toBeGreaterThan(14);
    expect(mean).toBeLessThan(26);
  });

  test("orders offsets ascending", () => {
    const offsets = Array.from(planArrivals(base).offsetsMs);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  });

  test("stops at the span", () => {
    const offsets = planArrivals({ ...base, durationMs: 1000 }).offsetsMs;
    expect(offsets.at(-1)).toBeLessThan(1000);
  });

  test("bounds measured sends by maxRequests", () => {
    const plan = planArrivals({ ...base, warmupMs: 1000, maxRequests: 50 });
    expect(plan.offsetsMs.length - plan.warmupCount).toBe(50);
  });

  test("counts warm-up sends", () => {
    const plan = planArrivals({ ...base, process: "constant", warmupMs: 500, durationMs: 500 });
    expect(plan.warmupCount).toBe(50);
    expect(plan.offsetsMs.length).toBe(100);
  });

  test("splits a plan exactly over shards", () => {
    const whole = Array.from(planArrivals(base).offsetsMs);
    const shards = [0, 1, 2].map((index) =>
      Array.from(planArrivals({ ...base, shard: { index, count: 3 } }).offsetsMs),
    );
    const union = shards.flat().sort((a, b) => a - b);
    expect(union).toEqual(whole);
    expect(shards[1]?.[0]).toBe(whole[1]);
  });

  test("rejects plans over the size limit", () => {
    expect(() =>
      planArrivals({ ...base, rate: 1_000_000, durationMs: 3_600_000, maxRequests: 10_000_000 }),
    ).toThrow(ConfigError);
  });
});

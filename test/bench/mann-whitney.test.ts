import { describe, expect, test } from "vitest";
import { bootstrapInterval, median } from "../../src/bench/bootstrap.ts";
import { mannWhitneyU, normalCdf } from "../../src/bench/mann-whitney.ts";

/** Reference p-value by brute force: every split of the pooled values, U counted pair by pair. */
function bruteForcePGreater(baseline: number[], current: number[]): number {
  const pooled = [...baseline, ...current];
  const uOf = (group: number[], rest: number[]): number => {
    let u = 0;
    for (const value of group) {
      for (const other of rest) {
        if (value > other) u += 1;
        else if (value === other) u += 0.5;
      }
    }
    return u;
  };
  const observed = uOf(current, baseline);
  let atLeast = 0;
  let total = 0;
  const k = current.length;
  const choose = (start: number, picked: number[]): void => {
    if (picked.length === k) {
      const group = picked.map((index) => pooled[index] as number);
      const rest = pooled.filter((_value, index) => !picked.includes(index));
      total += 1;
      if (uOf(group, rest) >= observed - 1e-9) atLeast += 1;
      return;
    }
    for (let index = start; index < pooled.length; index += 1) choose(index + 1, [...picked, index]);
  };
  choose(0, []);
  return atLeast / total;
}

describe("mannWhitneyU", () => {
  test("gives 1/252 for full separation of 5 and 5", () => {
    const result = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(result.u).toBe(25);
    expect(result.pGreater).toBeCloseTo(1 / 252, 12);
    expect(result.pLess).toBe(1);
    expect(result.method).toBe("exact");
  });

  const cases: [string, number[], number[]][] = [
    ["no ties", [3.1, 1.2, 5.5, 2.0], [4.4, 6.1, 2.5, 7.0, 0.5]],
    ["ties across groups", [1, 2, 2, 3, 5], [2, 3, 3, 4, 6]],
    ["all equal", [4, 4, 4], [4, 4, 4]],
    ["current smaller", [10, 11, 12, 13], [1, 2, 3, 4]],
  ];

  test.each(cases)("matches brute force with %s", (_name, baseline, current) => {
    expect(mannWhitneyU(baseline, current).pGreater).toBeCloseTo(bruteForcePGreater(baseline, current), 10);
  });

  test("states the smallest reachable p-value", () => {
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6]).minimumP).toBeCloseTo(1 / 20, 12);
  });

  test("approximates large samples normally", () => {
    const baseline = Array.from({ length: 40 }, (_unused, i) => i);
    const current = baseline.map((value) => value + 20);
    const result = mannWhitneyU(baseline, current);
    expect(result.method).toBe("normal");
    expect(result.pGreater).toBeLessThan(0.001);
    expect(result.pLess).toBeGreaterThan(0.99);
  });

  test("agrees with the exact test near the limit", () => {
    const baseline = Array.from({ length: 25 }, (_unused, i) => (i * 7) % 25);
    const current = baseline.map((value) => value + 3.5);
    const exact = mannWhitneyU(baseline, current).pGreater;
    const approximate = mannWhitneyU([...baseline, 100], [...current, 103.5]).pGreater;
    expect(Math.abs(exact - approximate)).toBeLessThan(0.02);
  });

  test("rejects an empty sample", () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/at least one value/);
  });
});

describe("normalCdf", () => {
  test.each([
    [0, 0.5],
    [1.959964, 0.975],
    [-1.644854, 0.05],
  ])("normalCdf(%f) is %f", (z, expected) => {
    expect(normalCdf(z)).toBeCloseTo(expected, 6);
  });
});

describe("bootstrapInterval", () => {
  const change = (before: readonly number[], after: readonly number[]): number =>
    median(after) / median(before) - 1;

  test("repeats for the same seed", () => {
    const first = bootstrapInterval([10, 11, 12, 10.5], [12, 13, 12.5, 13.5], change, { seed: 3 });
    const second = bootstrapInterval([10, 11, 12, 10.5], [12, 13, 12.5, 13.5], change, { seed: 3 });
    expect(first).toEqual(second);
  });

  test("brackets a clear shift", () => {
    const before = [100, 101, 99, 100.5, 100.2];
    const after = before.map((value) => value * 1.2);
    const interval = bootstrapInterval(before, after, change, { seed: 1 });
    expect(interval.low).toBeGreaterThan(0.15);
    expect(interval.high).toBeLessThan(0.25);
  });

  test("takes the median of even samples", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

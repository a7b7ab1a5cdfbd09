import { describe, expect, test } from "vitest";
import {
  addHistograms,
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  percentileCurve,
  recordMilliseconds,
  summarizeHistogram,
} from "../../src/bench/histogram.ts";

describe("histogram", () => {
  test("records milliseconds as microseconds", () => {
    const histogram = createHistogram();
    recordMilliseconds(histogram, 150.25);
    const summary = summarizeHistogram(histogram);
    expect(summary.min).toBeLessThanOrEqual(150_250);
    expect(summary.max).toBeGreaterThanOrEqual(150_250);
    expect((summary.max - summary.min) / 150_250).toBeLessThan(0.001);
  });

  test("keeps three significant digits", () => {
    const histogram = createHistogram();
    for (let ms = 1; ms <= 1000; ms += 1) recordMilliseconds(histogram, ms);
    const p99 = summarizeHistogram(histogram).p99;
    expect(Math.abs(p99 - 990_000) / 990_000).toBeLessThan(0.001);
  });

  test("summarizes an empty histogram as zeros", () => {
    const summary = summarizeHistogram(createHistogram());
    expect(summary).toEqual({
      count: 0,
      min: 0,
      mean: 0,
      stddev: 0,
      p50: 0,
      p90: 0,
      p95: 0,
      p99: 0,
      p999: 0,
      max: 0,
    });
  });

  test("round-trips the standard encoding", () => {
    const histogram = createHistogram();
    for (let i = 0; i < 500; i += 1) recordMilliseconds(histogram, (i * 37) % 251);
    const encoded = encodeHistogram(histogram);
    expect(encoded.startsWith("HISTF")).toBe(true);
    expect(summarizeHistogram(decodeHistogram(encoded))).toEqual(summarizeHistogram(histogram));
  });

  test("adds histograms exactly", () => {
    const all = createHistogram();
    const parts = [createHistogram(), createHistogram(), createHistogram()];
    for (let i = 0; i < 3000; i += 1) {
      const ms = ((i * 7919) % 1000) / 3;
      recordMilliseconds(all, ms);
      recordMilliseconds(parts[i % 3] ?? all, ms);
    }
    const sum = addHistograms(parts.map((part) => decodeHistogram(encodeHistogram(part))));
    expect(summarizeHistogram(sum)).toEqual(summarizeHistogram(all));
  });

  test("grows past the trackable range", () => {
    const histogram = createHistogram();
    recordMilliseconds(histogram, 5 * 3600 * 1000);
    expect(histogram.totalCount).toBe(1);
  });

  test("draws a percentile curve ending at max", () => {
    const histogram = createHistogram();
    for (let ms = 1; ms <= 100; ms += 1) recordMilliseconds(histogram, ms);
    const curve = percentileCurve(histogram);
    expect(curve[0]?.percentile).toBe(0);
    expect(curve.at(-1)?.percentile).toBe(100);
    expect(Math.abs((curve.at(-1)?.value ?? 0) - 100_000)).toBeLessThan(100);
    const values = curve.map((point) => point.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });
});

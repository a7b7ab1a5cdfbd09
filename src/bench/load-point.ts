import type { ArrivalProcess } from "./arrival-schedule.ts";

/**
 * One load level of a run. A closed loop keeps `concurrency` requests in flight; an open loop sends
 * at `rate` requests per second on a schedule planned in advance. Both figures are for the whole
 * run; a shard takes its share.
 */
export type LoadPoint =
  | { readonly mode: "closed"; readonly concurrency: number }
  | { readonly mode: "open"; readonly rate: number; readonly arrival: ArrivalProcess };

export function describeLoadPoint(point: LoadPoint): string {
  return point.mode === "closed"
    ? `concurrency ${point.concurrency}`
    : `${point.arrival} ${point.rate} req/s`;
}

/** Stable key that matches the same load level across reports. */
export function loadPointKey(point: LoadPoint): string {
  return point.mode === "closed" ? `closed:${point.concurrency}` : `open:${point.arrival}:${point.rate}`;
}

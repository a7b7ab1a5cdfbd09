import { expect } from "vitest";
import { createFaultRegistry } from "../../../src/mock/deployment.ts";
import { startMock, type MockOptions, type RunningMock } from "../../../src/mock/server.ts";

/** The masking rule of the spec's ProviderMaskedApiKey schema, which probes of masking faults test. */
export const MASKED_KEY_PATTERN = /^$|^[^.*•…]{0,8}(\.{3,}|…+|\*{3,}|•{3,})[^.*•…]{0,4}$/;

/** Sends requests to a mock and returns true when the fault's documented rule was broken. */
export type FaultProbe = (mock: RunningMock) => Promise<boolean>;

/** Starts a mock with `options`, runs `use` on it and closes the mock, also when `use` throws. */
export async function withMock<T>(options: MockOptions, use: (mock: RunningMock) => Promise<T>): Promise<T> {
  const mock = await startMock(options);
  try {
    return await use(mock);
  } finally {
    await mock.close();
  }
}

/**
 * Runs `probe` on a fresh mock without `fault`, where the rule must hold, and on one with it,
 * where the rule must break. `options` sets the rest of both mocks, such as a timing model.
 */
export async function expectProbeBreaksRule(
  fault: string,
  probe: FaultProbe,
  options: Omit<MockOptions, "faults"> = {},
): Promise<void> {
  expect(await withMock(options, probe), "without the fault").toBe(false);
  expect(await withMock({ ...options, faults: [fault] }, probe), "with the fault").toBe(true);
}

/** Returns the sorted names of the faults of `areas`, to check that every fault has a probe. */
export function faultNamesOf(...areas: string[]): string[] {
  return createFaultRegistry()
    .list()
    .filter((fault) => areas.includes(fault.area))
    .map((fault) => fault.name)
    .sort();
}

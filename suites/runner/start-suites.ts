import { createVitest, type Vitest } from "vitest/node";

type VitestOptions = Parameters<typeof createVitest>[1];

/**
 * Creates vitest for the suites and takes over its SIGINT and SIGTERM handling: vitest's own
 * handlers exit the process at once, which would skip the deletion of the resources a run
 * created. `onSignal` runs instead, on every signal: the caller cancels the run and cleans up on
 * the first, and may quit at once on a second. `onSignal` stays installed after vitest closes, so
 * that a second signal during the cleanup reaches it too, and the caller removes it at the end.
 */
export async function createSuiteVitest(
  options: VitestOptions,
  onSignal: (signal: NodeJS.Signals) => void,
): Promise<Vitest> {
  const before = new Map<NodeJS.Signals, Function[]>([
    ["SIGINT", process.listeners("SIGINT")],
    ["SIGTERM", process.listeners("SIGTERM")],
  ]);
  const vitest = await createVitest("test", options, {}, { stdout: process.stdout, stderr: process.stderr });
  for (const [signal, existing] of before) {
    for (const listener of process.listeners(signal)) {
      if (!existing.includes(listener)) process.off(signal, listener as (...args: unknown[]) => void);
    }
    process.on(signal, onSignal);
  }
  return vitest;
}

/**
 * Calibrates the stream client against the embedded mock with a known timing model: 150 ms to the
 * first token, 20 ms between tokens, 16 tokens. For each concurrency it prints the measured TTFT
 * and ITL minus the model's, the mock's own send lateness and the client's event-loop delay, then
 * the highest concurrency at which the client stays within the tolerance.
 *
 *   npx tsx bench/calibration.ts [concurrency ...]     (default: 1 4 16 64 256 1024)
 *
 * Each level runs 0.5 s of warm-up and 4 s of measurement, so the script is bounded.
 */
import { formatLevels, measureStreamLevel, type StreamLevel } from "./lib/stream-level.ts";

const TTFT_MS = 150;
const ITL_MS = 20;
/** The accuracy that test/bench/calibration.test.ts asserts at concurrency 4. */
const TTFT_TOLERANCE_MS = 15;
const ITL_TOLERANCE_MS = 3;

const requested = process.argv
  .slice(2)
  .map(Number)
  .filter((value) => Number.isInteger(value) && value > 0);
const concurrencies = requested.length > 0 ? requested : [1, 4, 16, 64, 256, 1024];

const accurate = (level: StreamLevel): boolean =>
  level.failed === 0 &&
  Math.abs(level.ttftBiasP50) <= TTFT_TOLERANCE_MS &&
  Math.abs(level.itlBiasP50) <= ITL_TOLERANCE_MS;

const levels: StreamLevel[] = [];
for (const concurrency of concurrencies) {
  levels.push(
    await measureStreamLevel({
      concurrency,
      ttftMs: TTFT_MS,
      itlMs: ITL_MS,
      maxTokens: 16,
      warmupMs: 500,
      durationMs: 4000,
    }),
  );
  process.stderr.write(`concurrency ${concurrency} done\n`);
}

const highest = levels
  .filter(accurate)
  .reduce<number | undefined>((max, level) => Math.max(max ?? 0, level.concurrency), undefined);
console.log(
  `Stream client calibration: mock TTFT ${TTFT_MS} ms, ITL ${ITL_MS} ms, 16 tokens per response (times in ms).`,
);
console.log(
  `Tolerance: |TTFT p50 bias| <= ${TTFT_TOLERANCE_MS} ms and |ITL p50 bias| <= ${ITL_TOLERANCE_MS} ms, no failures.\n`,
);
console.log(formatLevels(levels, accurate));
console.log(`\nHighest accurate concurrency on this machine: ${highest ?? "none"}.`);

/**
 * Capacity of the stream client: how many concurrent streams and chunks per second it handles
 * before its own overhead shows in TTFT. The mock streams 20 tokens at 100 ms TTFT and 50 ms ITL.
 * The client's event-loop delay p99 is its own overhead, and the TTFT bias is the error in the
 * reported TTFT.
 * A level counts as within capacity while TTFT p50 bias <= 15 ms and loop delay p99 <= 20 ms.
 *
 *   npx tsx bench/client-capacity.ts [streams ...]     (default: 250 500 1000 2000 4000)
 *
 * The mock runs in its own process, but on a 2-core machine both compete for the cores, so the
 * result is a lower bound for the client alone.
 */
import { formatLevels, measureStreamLevel, type StreamLevel } from "./lib/stream-level.ts";

const TTFT_MS = 100;
const ITL_MS = 50;
const TTFT_BIAS_LIMIT_MS = 15;
const LOOP_DELAY_LIMIT_MS = 20;

const requested = process.argv
  .slice(2)
  .map(Number)
  .filter((value) => Number.isInteger(value) && value > 0);
const streams = requested.length > 0 ? requested : [250, 500, 1000, 2000, 4000];

const withinCapacity = (level: StreamLevel): boolean =>
  level.failed === 0 &&
  level.ttftBiasP50 <= TTFT_BIAS_LIMIT_MS &&
  level.clientLoopDelayP99 <= LOOP_DELAY_LIMIT_MS;

const levels: StreamLevel[] = [];
for (const concurrency of streams) {
  levels.push(
    await measureStreamLevel({
      concurrency,
      ttftMs: TTFT_MS,
      itlMs: ITL_MS,
      maxTokens: 20,
      warmupMs: 1000,
      durationMs: 5000,
    }),
  );
  process.stderr.write(`${concurrency} streams done\n`);
}

const best = levels.filter(withinCapacity).at(-1);
console.log(
  `Stream client capacity: mock TTFT ${TTFT_MS} ms, ITL ${ITL_MS} ms, 20 tokens per response (times in ms).`,
);
console.log(
  `Within capacity: TTFT p50 bias <= ${TTFT_BIAS_LIMIT_MS} ms and client loop delay p99 <= ${LOOP_DELAY_LIMIT_MS} ms.\n`,
);
console.log(formatLevels(levels, withinCapacity));
console.log(
  best === undefined
    ? "\nNo level stayed within capacity."
    : `\nHighest level within capacity: ${best.concurrency} streams, ${best.chunksPerSec.toFixed(0)} chunks/s.`,
);

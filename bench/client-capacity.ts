/**
 * Capacity of the stream client: how many concurrent streams and chunks per second it handles
 * before its own overhead shows in TTFT. The mock streams 20 tokens at 100 ms TTFT and 50 ms ITL.
 * The client's event-loop delay p99 is its own overhead, and the TTFT bias is the error in the
 * reported TTFT.
 * A level counts as within capacity while TTFT p50 bias <= 15 ms and loop delay p99 <= 20 ms.
 *
 *   npx tsx bench/client-capacity.ts [--pin CLIENT:MOCK] [streams ...]
 *                                      (default streams: 250 500 1000 2000 4000)
 *
 * The mock runs in its own process. Without `--pin` both processes share every core, so the
 * result is a lower bound for the client alone. `--pin 1:0` pins the client to CPU 1 and the mock
 * to CPU 0 with taskset (Linux), which measures the client on a core of its own.
 */
import { formatLevels, measureStreamLevel, type StreamLevel } from "./lib/stream-level.ts";

const TTFT_MS = 100;
const ITL_MS = 50;
const TTFT_BIAS_LIMIT_MS = 15;
const LOOP_DELAY_LIMIT_MS = 20;

const args = process.argv.slice(2);
const pinIndex = args.indexOf("--pin");
const pinValue = pinIndex === -1 ? undefined : args.splice(pinIndex, 2)[1];
const pinMatch = pinValue === undefined ? undefined : /^([\d,-]+):([\d,-]+)$/.exec(pinValue);
if (pinValue !== undefined && pinMatch === null) {
  console.error(`--pin: invalid value "${pinValue}". Use CLIENT_CPUS:MOCK_CPUS, such as --pin 1:0.`);
  process.exit(2);
}
const pin =
  pinMatch?.[1] === undefined || pinMatch[2] === undefined
    ? undefined
    : { client: pinMatch[1], mock: pinMatch[2] };
const requested = args.map(Number).filter((value) => Number.isInteger(value) && value > 0);
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
      ...(pin === undefined ? {} : { pin }),
    }),
  );
  process.stderr.write(`${concurrency} streams done\n`);
}

const best = levels.filter(withinCapacity).at(-1);
console.log(
  `Stream client capacity: mock TTFT ${TTFT_MS} ms, ITL ${ITL_MS} ms, 20 tokens per response (times in ms).`,
);
console.log(
  pin === undefined
    ? "Client and mock share every CPU."
    : `Client pinned to CPU ${pin.client}, mock to CPU ${pin.mock}.`,
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

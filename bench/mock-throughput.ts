/**
 * Self-benchmark of the embedded mock. In one run it measures:
 *
 * 1. Requests per second of the HTTP mock on `GET /v1/models` and on a small embeddings call
 *    (one short input, nomic-embed-text-v1.5, 768 dimensions), each next to a bare `node:http`
 *    server that sends the same bytes. The mock and the bare server each run in their own child
 *    process; autocannon drives them from this process, one target at a time.
 * 2. The timing drift of the mock under many concurrent chat streams: how late the mock's sends
 *    were against its timing model, as the mock measures it.
 *
 *   npx tsx bench/mock-throughput.ts [--duration 5] [--connections 32] [--streams 200]
 *
 * Every phase is bounded by its duration, and every request by a timeout. Results are printed as
 * Markdown tables with the environment; the script records nothing.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { captureEnvironment } from "../src/bench/environment.ts";
import { startEmbeddedMock } from "../src/bench/mock-process.ts";
import { parseTimingModel, ZERO_TIMING } from "../src/mock/timing-model.ts";

const BARE_SERVER_ROLE = "bare-server";
const REQUEST_TIMEOUT_MS = 10_000;
const WARMUP_SECONDS = 1;
/** Timing model of the stream phase: 100 ms to the first token, then one token every 20 ms. */
const STREAM_TIMING = parseTimingModel(
  { chat: { ttftMs: 100, interTokenMs: 20, tokensPerChunk: 1, outputTokens: 32 } },
  "stream phase timing",
);

/** A recorded response that the bare server sends back byte for byte. */
interface CannedResponse {
  readonly method: string;
  readonly path: string;
  readonly contentType: string;
  readonly bodyBase64: string;
}

interface Target {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

if (process.env["MSQ_THROUGHPUT_ROLE"] === BARE_SERVER_ROLE) {
  runBareServer();
} else {
  await main();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "5" },
      connections: { type: "string", default: "32" },
      streams: { type: "string", default: "200" },
    },
  });
  const durationSeconds = positiveNumber(values.duration, "--duration");
  const connections = positiveNumber(values.connections, "--connections");
  const streams = positiveNumber(values.streams, "--streams");

  const environment = captureEnvironment();
  console.log("# Mock self-benchmark\n");
  console.log(
    `Commit ${environment.gitSha}${environment.gitDirty ? " (uncommitted changes)" : ""}, Node ${environment.nodeVersion}, ` +
      `${environment.cpuModel}, ${environment.cores} cores. autocannon ${connections} connections, ` +
      `${WARMUP_SECONDS} s warm-up, ${durationSeconds} s measured per target. Load and servers share this machine.\n`,
  );

  const mock = await startEmbeddedMock(ZERO_TIMING);
  const bare = await startBareServer();
  try {
    const headers = { "x-api-key": mock.apiKey, "content-type": "application/json" };
    const origin = new URL(mock.baseUrl).origin;
    const targets: Target[] = [
      { name: "GET /v1/models", method: "GET", path: "/v1/models", headers },
      {
        name: "POST /v1/embeddings (1 input, 768 dims)",
        method: "POST",
        path: "/v1/embeddings",
        headers,
        body: JSON.stringify({ model: "nomic-embed-text-v1.5", input: "The quick brown fox" }),
      },
    ];

    // Correctness before timing: record the mock's responses and check that the bare server repeats them exactly.
    const canned = await Promise.all(targets.map((target) => recordResponse(origin, target)));
    await bare.serve(canned);
    for (const [index, target] of targets.entries()) {
      const expected = canned[index]?.bodyBase64;
      const repeated = (await recordResponse(bare.origin, target)).bodyBase64;
      if (repeated !== expected)
        throw new Error(`the bare server's response to ${target.name} differs from the mock's`);
    }

    console.log("## Requests per second\n");
    console.log("| Target | Server | Requests/s | Latency p50 (ms) | Latency p99 (ms) | Non-2xx | Errors |");
    console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for (const target of targets) {
      const rates: number[] = [];
      for (const [server, serverOrigin] of [
        ["mock", origin],
        ["bare node:http", bare.origin],
      ] as const) {
        await runAutocannon(serverOrigin, target, connections, WARMUP_SECONDS);
        const result = await runAutocannon(serverOrigin, target, connections, durationSeconds);
        rates.push(result.requests.average);
        console.log(
          `| ${target.name} | ${server} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ` +
            `${result.latency.p99} | ${result.non2xx} | ${result.errors} |`,
        );
      }
      const [mockRate, bareRate] = rates;
      if (mockRate !== undefined && bareRate !== undefined && bareRate > 0) {
        console.log(
          `| ${target.name} | mock / bare | ${((mockRate / bareRate) * 100).toFixed(0)} % | | | | |`,
        );
      }
    }
  } finally {
    await mock.close();
    await bare.close();
  }

  await measureStreamDrift(streams, durationSeconds);
}

/** Runs closed-loop streaming chat clients against a mock with a timing model and prints its drift. */
async function measureStreamDrift(concurrency: number, durationSeconds: number): Promise<void> {
  const mock = await startEmbeddedMock(STREAM_TIMING);
  let completed = 0;
  let failed = 0;
  try {
    const deadline = performance.now() + durationSeconds * 1000;
    const body = JSON.stringify({
      model: "msq-mock-chat",
      messages: [{ role: "user", content: "Stream, please." }],
      stream: true,
    });
    const client = async (): Promise<void> => {
      while (performance.now() < deadline) {
        try {
          const response = await fetch(`${mock.baseUrl}/chat/completions`, {
            method: "POST",
            headers: { "x-api-key": mock.apiKey, "content-type": "application/json" },
            body,
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          const text = await response.text();
          if (response.status === 200 && text.endsWith("data: [DONE]\n\n")) completed += 1;
          else failed += 1;
        } catch {
          failed += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, client));
    const drift = await mock.timingDrift();

    const { chat } = STREAM_TIMING;
    console.log("\n## Stream timing drift\n");
    console.log(
      `${concurrency} concurrent streams for ${durationSeconds} s; timing model: first token at ${chat.ttftMs} ms, then ` +
        `${chat.outputTokens - 1} more every ${chat.interTokenMs} ms. Drift is how late the mock sent each frame ` +
        "against its planned time, as measured inside the mock.\n",
    );
    console.log(
      "| Streams completed | Streams failed | Frames measured | Drift mean (ms) | p50 (ms) | p99 (ms) | max (ms) |",
    );
    console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    const cell = (value: number | undefined): string => (value === undefined ? "n/a" : value.toFixed(2));
    console.log(
      `| ${completed} | ${failed} | ${drift?.count ?? "n/a"} | ${cell(drift?.mean)} | ${cell(drift?.p50)} | ` +
        `${cell(drift?.p99)} | ${cell(drift?.max)} |`,
    );
  } finally {
    await mock.close();
  }
}

async function recordResponse(origin: string, target: Target): Promise<CannedResponse> {
  const response = await fetch(`${origin}${target.path}`, {
    method: target.method,
    headers: target.headers,
    ...(target.body === undefined ? {} : { body: target.body }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200)
    throw new Error(
      `${target.name} returned status ${response.status}, expected 200: ${bytes.toString().slice(0, 200)}`,
    );
  return {
    method: target.method,
    path: target.path,
    contentType: response.headers.get("content-type") ?? "application/octet-stream",
    bodyBase64: bytes.toString("base64"),
  };
}

function runAutocannon(
  origin: string,
  target: Target,
  connections: number,
  durationSeconds: number,
): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${origin}${target.path}`,
        method: target.method as autocannon.Request["method"],
        headers: target.headers,
        ...(target.body === undefined ? {} : { body: target.body }),
        connections,
        duration: durationSeconds,
        timeout: REQUEST_TIMEOUT_MS / 1000,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error !== null && error !== undefined)
          reject(error instanceof Error ? error : new Error(String(error)));
        else resolve(result);
      },
    );
  });
}

interface BareServer {
  readonly origin: string;
  serve(responses: readonly CannedResponse[]): Promise<void>;
  close(): Promise<void>;
}

/** Forks this script as the bare server, so it runs in its own process like the mock. */
async function startBareServer(): Promise<BareServer> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, MSQ_THROUGHPUT_ROLE: BARE_SERVER_ROLE },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const origin = await nextMessage<{ origin: string }>(child);
  return {
    origin: origin.origin,
    async serve(responses) {
      child.send({ responses });
      await nextMessage(child);
    },
    async close() {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the bare server sent no message within 30 s")), 30_000);
    child.once("message", (message) => {
      clearTimeout(timer);
      resolve(message as T);
    });
  });
}

/** Runs the bare server: it sends the recorded bytes for each recorded method and path, and 404 otherwise. */
function runBareServer(): void {
  const recorded = new Map<string, { contentType: string; body: Buffer }>();
  const server = createServer((request, response) => {
    // Drain the request body before responding, as the mock must.
    request.resume();
    request.on("end", () => {
      const found = recorded.get(`${request.method} ${request.url}`);
      if (found === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { "content-type": found.contentType, "content-length": found.body.length });
      response.end(found.body);
    });
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address() as AddressInfo;
    process.send?.({ origin: `http://127.0.0.1:${address.port}` });
  });
  process.on("message", (message: { responses: CannedResponse[] }) => {
    for (const canned of message.responses) {
      recorded.set(`${canned.method} ${canned.path}`, {
        contentType: canned.contentType,
        body: Buffer.from(canned.bodyBase64, "base64"),
      });
    }
    process.send?.({ served: recorded.size });
  });
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
  process.on("disconnect", () => process.exit(0));
}

function positiveNumber(value: string | undefined, option: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    console.error(`${option} must be a positive number, received ${JSON.stringify(value)}.`);
    process.exit(2);
  }
  return number;
}

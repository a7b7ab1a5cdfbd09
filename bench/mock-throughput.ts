/**
 * Self-benchmark of the embedded mock. In one run it measures:
 *
 * 1. Requests per second of the HTTP mock on `GET /v1/models` and on a small embeddings call
 *    (one short input, nomic-embed-text-v1.5, 768 dimensions), each next to a bare `node:http`
 *    server that sends the same bytes. The mock and the bare server each run in their own child
 *    process, and autocannon drives them from this process, one target at a time. Each round
 *    measures both servers back to back, alternating which goes first, so a change in the load of
 *    the machine hits both alike. Besides the rate, each row gives the server's CPU time per
 *    request (user plus system, from `process.cpuUsage()` in the server), which a busy machine
 *    disturbs less than the rate.
 * 2. The timing drift of the mock under many concurrent chat streams: how late the mock's sends
 *    were against its timing model, as the mock measures it, for each stream count in turn.
 *
 *   npx tsx bench/mock-throughput.ts [--duration 5] [--connections 32] [--rounds 3]
 *     [--streams 50,200,500] [--stream-duration 5]
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
import { startMock } from "../src/mock/server.ts";
import { parseTimingModel } from "../src/mock/timing-model.ts";

/** Environment variable that selects the server a forked copy of this script runs. */
const ROLE_VARIABLE = "MSQ_THROUGHPUT_ROLE";
const MOCK_ROLE = "mock-server";
const BARE_ROLE = "bare-server";
const REQUEST_TIMEOUT_MS = 10_000;
const CHILD_REPLY_TIMEOUT_MS = 30_000;
const WARMUP_SECONDS = 1;
/** Output tokens of each chat stream in the drift phase. */
const STREAM_OUTPUT_TOKENS = 32;
/** Timing model of the drift phase: 150 ms to the first token, then one token every 20 ms. */
const STREAM_TIMING = parseTimingModel(
  { chat: { ttftMs: 150, interTokenMs: 20, tokensPerChunk: 1, outputTokens: STREAM_OUTPUT_TOKENS } },
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

/** Messages from this script to a server child. */
type ParentMessage = { type: "serve"; responses: CannedResponse[] } | { type: "cpu" };

/** Messages from a server child to this script. */
type ChildMessage =
  | { type: "ready"; origin: string; apiKey?: string }
  | { type: "served"; count: number }
  | { type: "cpu"; micros: number };

/** One autocannon measurement of one server. */
interface Measurement {
  readonly rate: number;
  readonly latencyP50: number;
  readonly latencyP99: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Server CPU time per completed request, in microseconds. */
  readonly cpuMicrosPerRequest: number;
}

const role = process.env[ROLE_VARIABLE];
if (role === BARE_ROLE) runBareServer();
else if (role === MOCK_ROLE) await runMockServer();
else await main();

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "5" },
      connections: { type: "string", default: "32" },
      rounds: { type: "string", default: "3" },
      streams: { type: "string", default: "50,200,500" },
      "stream-duration": { type: "string", default: "5" },
    },
  });
  const durationSeconds = positiveNumber(values.duration, "--duration");
  const connections = positiveInteger(values.connections, "--connections");
  const rounds = positiveInteger(values.rounds, "--rounds");
  const streamCounts = (values.streams ?? "").split(",").map((count) => positiveInteger(count, "--streams"));
  const streamSeconds = positiveNumber(values["stream-duration"], "--stream-duration");

  const environment = captureEnvironment();
  console.log("# Mock self-benchmark\n");
  console.log(
    `Commit ${environment.gitSha}${environment.gitDirty ? " (uncommitted changes)" : ""}, Node ${environment.nodeVersion}, ` +
      `${environment.cpuModel}, ${environment.cores} cores. autocannon ${connections} connections, ` +
      `${WARMUP_SECONDS} s warm-up and ${durationSeconds} s measured per server and round, ${rounds} rounds. ` +
      "Load and servers share this machine.\n",
  );

  await measureRequestRates({ durationSeconds, connections, rounds });
  for (const streams of streamCounts) await measureStreamDrift(streams, streamSeconds);
}

/** Measures both targets on the mock and the bare server and prints one table. */
async function measureRequestRates(options: {
  durationSeconds: number;
  connections: number;
  rounds: number;
}): Promise<void> {
  const mock = await startServerChild(MOCK_ROLE);
  const bare = await startServerChild(BARE_ROLE);
  try {
    const headers = { "x-api-key": mock.apiKey ?? "", "content-type": "application/json" };
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
    const canned = await Promise.all(targets.map((target) => recordResponse(mock.origin, target)));
    await bare.request({ type: "serve", responses: canned }, "served");
    for (const [index, target] of targets.entries()) {
      const repeated = (await recordResponse(bare.origin, target)).bodyBase64;
      if (repeated !== canned[index]?.bodyBase64) {
        throw new Error(`the bare server's response to ${target.name} differs from the mock's`);
      }
    }

    console.log("## Requests per second\n");
    console.log(
      "| Target | Round | Server | Requests/s | CPU µs/request | Latency p50 (ms) | p99 (ms) | Non-2xx | Errors |",
    );
    console.log("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    const servers = [
      { name: "mock", child: mock },
      { name: "bare node:http", child: bare },
    ];
    for (const target of targets) {
      const ratios: number[] = [];
      for (let round = 1; round <= options.rounds; round += 1) {
        // Alternate the order, so neither server always runs right after the other's load.
        const order = round % 2 === 1 ? servers : [...servers].reverse();
        const rates = new Map<string, number>();
        for (const server of order) {
          await runAutocannon(server.child.origin, target, options.connections, WARMUP_SECONDS);
          const result = await measure(server.child, target, options.connections, options.durationSeconds);
          rates.set(server.name, result.rate);
          console.log(
            `| ${target.name} | ${round} | ${server.name} | ${result.rate.toFixed(0)} | ` +
              `${result.cpuMicrosPerRequest.toFixed(1)} | ${result.latencyP50} | ${result.latencyP99} | ` +
              `${result.non2xx} | ${result.errors} |`,
          );
        }
        const mockRate = rates.get("mock") ?? 0;
        const bareRate = rates.get("bare node:http") ?? 0;
        if (bareRate > 0) ratios.push(mockRate / bareRate);
      }
      const ratioCells = ratios.map((ratio) => `${(ratio * 100).toFixed(0)} %`).join(", ");
      console.log(
        `| ${target.name} | all | mock / bare | median ${(median(ratios) * 100).toFixed(0)} % (${ratioCells}) | | | | | |`,
      );
    }
  } finally {
    await mock.close();
    await bare.close();
  }
}

/** Runs autocannon once against `child` and reads the child's CPU time around the run. */
async function measure(
  child: ServerChild,
  target: Target,
  connections: number,
  durationSeconds: number,
): Promise<Measurement> {
  const cpuBefore = await child.request({ type: "cpu" }, "cpu");
  const result = await runAutocannon(child.origin, target, connections, durationSeconds);
  const cpuAfter = await child.request({ type: "cpu" }, "cpu");
  const completed = result.requests.total;
  return {
    rate: result.requests.average,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuMicrosPerRequest: completed > 0 ? (cpuAfter.micros - cpuBefore.micros) / completed : Number.NaN,
  };
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
    console.log(`\n## Stream timing drift, ${concurrency} streams\n`);
    console.log(
      `${concurrency} concurrent streams for ${durationSeconds} s; timing model: first token at ${chat.ttftMs} ms, then ` +
        `${chat.outputTokens - 1} more every ${chat.interTokenMs} ms. Drift is how late the mock sent each frame ` +
        "against its planned time, as measured inside the mock.\n",
    );
    console.log(
      "| Streams | Completed | Failed | Frames measured | Drift mean (ms) | p50 (ms) | p99 (ms) | max (ms) |",
    );
    console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    const cell = (value: number | undefined): string => (value === undefined ? "n/a" : value.toFixed(2));
    console.log(
      `| ${concurrency} | ${completed} | ${failed} | ${drift?.count ?? "n/a"} | ${cell(drift?.mean)} | ` +
        `${cell(drift?.p50)} | ${cell(drift?.p99)} | ${cell(drift?.max)} |`,
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
  if (response.status !== 200) {
    throw new Error(
      `${target.name} returned status ${response.status}, expected 200: ${bytes.toString().slice(0, 200)}`,
    );
  }
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

/** A server running in a forked copy of this script. */
interface ServerChild {
  readonly origin: string;
  /** Key of the mock's first seeded account; undefined for the bare server. */
  readonly apiKey: string | undefined;
  request<T extends ChildMessage["type"]>(
    message: ParentMessage,
    replyType: T,
  ): Promise<Extract<ChildMessage, { type: T }>>;
  close(): Promise<void>;
}

/** Forks this script in `childRole`, so each server runs in its own process like a deployment. */
async function startServerChild(childRole: string): Promise<ServerChild> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ["--import", import.meta.resolve("tsx")],
    env: {
      ...process.env,
      [ROLE_VARIABLE]: childRole,
      MSQ_LOG_LEVEL: process.env["MSQ_LOG_LEVEL"] ?? "silent",
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const request = <T extends ChildMessage["type"]>(
    message: ParentMessage | undefined,
    replyType: T,
  ): Promise<Extract<ChildMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off("message", onMessage);
        reject(
          new Error(
            `the ${childRole} process sent no ${replyType} message within ${CHILD_REPLY_TIMEOUT_MS / 1000} s`,
          ),
        );
      }, CHILD_REPLY_TIMEOUT_MS);
      const onMessage = (reply: ChildMessage): void => {
        if (reply.type !== replyType) return;
        clearTimeout(timer);
        child.off("message", onMessage);
        resolve(reply as Extract<ChildMessage, { type: T }>);
      };
      child.on("message", onMessage);
      if (message !== undefined) child.send(message);
    });
  const ready = await request(undefined, "ready");
  return {
    origin: ready.origin,
    apiKey: ready.apiKey,
    request: (message, replyType) => request(message, replyType),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Replies to the parent's CPU and serve requests, and shuts the server down on SIGTERM or when the parent leaves. */
function serveParentRequests(onServe: (responses: CannedResponse[]) => number, shutdown: () => void): void {
  process.on("message", (message: ParentMessage) => {
    if (message.type === "cpu") {
      const usage = process.cpuUsage();
      send({ type: "cpu", micros: usage.user + usage.system });
    } else {
      send({ type: "served", count: onServe(message.responses) });
    }
  });
  process.on("SIGTERM", shutdown);
  process.on("disconnect", shutdown);
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

/** Runs the mock on 127.0.0.1 with no delays and reports its origin and first key. */
async function runMockServer(): Promise<void> {
  const mock = await startMock({ host: "127.0.0.1", port: 0 });
  serveParentRequests(
    () => 0,
    () => void mock.close().finally(() => process.exit(0)),
  );
  send({ type: "ready", origin: mock.origin, apiKey: mock.accounts[0]?.apiKey ?? "" });
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
  serveParentRequests(
    (responses) => {
      for (const canned of responses) {
        recorded.set(`${canned.method} ${canned.path}`, {
          contentType: canned.contentType,
          body: Buffer.from(canned.bodyBase64, "base64"),
        });
      }
      return recorded.size;
    },
    () => server.close(() => process.exit(0)),
  );
  server.listen(0, "127.0.0.1", () => {
    const address = server.address() as AddressInfo;
    send({ type: "ready", origin: `http://127.0.0.1:${address.port}` });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function positiveNumber(value: string | undefined, option: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    console.error(`${option} must be a positive number, received ${JSON.stringify(value)}.`);
    process.exit(2);
  }
  return number;
}

function positiveInteger(value: string | undefined, option: string): number {
  const number = positiveNumber(value, option);
  if (!Number.isInteger(number)) {
    console.error(`${option} must be a whole number, received ${JSON.stringify(value)}.`);
    process.exit(2);
  }
  return number;
}

/**
 * autocannon next to wrk against the embedded mock's embeddings endpoint, in one run: both send
 * the same POST with the same connections for the same time, alternating twice so that drift in
 * machine load falls on both. Prints each tool's requests/s and the ratio autocannon / wrk.
 *
 *   npx tsx bench/autocannon-vs-wrk.ts [--connections N] [--seconds S]   (defaults 16, 5)
 *
 * Needs wrk on PATH (Debian package `wrk`). Traffic goes only to the mock on 127.0.0.1.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import autocannon from "autocannon";
import { startEmbeddedMock } from "../src/bench/mock-process.ts";

const run = promisify(execFile);

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  const value = index === -1 ? fallback : Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name}: expected a positive number, received ${process.argv[index + 1]}`);
  return value;
}

const connections = option("--connections", 16);
const seconds = option("--seconds", 5);
const body = JSON.stringify({
  model: "text-embedding-3-small",
  input: "The quick brown fox jumps over the lazy dog.",
});

const mock = await startEmbeddedMock({
  latencyMs: { default: 0 },
  chat: { ttftMs: 0, interTokenMs: 0, tokensPerChunk: 1, outputTokens: 16 },
});
const url = `${mock.baseUrl}/embeddings`;
const scratch = mkdtempSync(join(tmpdir(), "bench-wrk-"));
const script = join(scratch, "post.lua");
// wrk sends this method, body and headers on every request.
writeFileSync(
  script,
  [
    'wrk.method = "POST"',
    `wrk.body = ${JSON.stringify(body)}`,
    'wrk.headers["Content-Type"] = "application/json"',
    `wrk.headers["x-api-key"] = ${JSON.stringify(mock.apiKey)}`,
  ].join("\n"),
);

async function autocannonRate(): Promise<{ rate: number; non2xx: number; errors: number }> {
  const result = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": mock.apiKey },
    body,
    connections,
    duration: seconds,
  });
  return { rate: result.requests.total / result.duration, non2xx: result.non2xx, errors: result.errors };
}

async function wrkRate(): Promise<{ rate: number; non2xx: number }> {
  const { stdout } = await run(
    "wrk",
    ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, url],
    {
      timeout: (seconds + 30) * 1000,
    },
  );
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  if (!Number.isFinite(rate)) throw new Error(`wrk printed no Requests/sec line:\n${stdout}`);
  return { rate, non2xx };
}

try {
  const autocannonRates: number[] = [];
  const wrkRates: number[] = [];
  for (let round = 1; round <= 2; round += 1) {
    const fromAutocannon = await autocannonRate();
    const fromWrk = await wrkRate();
    autocannonRates.push(fromAutocannon.rate);
    wrkRates.push(fromWrk.rate);
    console.log(
      `round ${round}: autocannon ${fromAutocannon.rate.toFixed(0)} req/s (${fromAutocannon.non2xx} non-2xx, ` +
        `${fromAutocannon.errors} errors), wrk ${fromWrk.rate.toFixed(0)} req/s (${fromWrk.non2xx} non-2xx)`,
    );
  }
  const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
  console.log(
    `POST /v1/embeddings, ${connections} connections, ${seconds} s per tool and round: ` +
      `autocannon ${mean(autocannonRates).toFixed(0)} req/s, wrk ${mean(wrkRates).toFixed(0)} req/s, ` +
      `ratio autocannon/wrk ${(mean(autocannonRates) / mean(wrkRates)).toFixed(2)}`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await mock.close();
}

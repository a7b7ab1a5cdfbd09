import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SEEDED_ACCOUNTS } from "../../src/mock/seeded-accounts.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { syntheticReport, syntheticTrial } from "../helpers/synthetic-report.ts";
import {
  chatCompletionBody,
  chatCompletionStream,
  replyJson,
  startTestServer,
} from "../helpers/test-server.ts";

const CLI = join(import.meta.dirname, "../../bin/msq-harness.js");

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI with a hard time limit; `onSpawn` may signal the child. With `processGroup` the CLI
 * leads a process group of its own, so that a test can signal it and its children at once, as
 * Ctrl-C in a terminal does.
 */
function runCli(
  args: readonly string[],
  options: {
    timeoutMs?: number;
    onSpawn?: (pid: number) => void;
    env?: NodeJS.ProcessEnv;
    processGroup?: boolean;
    cwd?: string;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      detached: options.processGroup === true,
      cwd: options.cwd,
      env: {
        ...process.env,
        CI: "1",
        MSQ_BASE_URL: "",
        MSQ_API_KEY: "",
        MSQ_CONFIG: "",
        MSQ_CHAT_MODEL: "",
        MSQ_EMBEDDING_MODEL: "",
        MSQ_TIMEOUT_MS: "",
        MSQ_CONNECT_TIMEOUT_MS: "",
        MSQ_MOCK_FAULTS: "",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
  });
}

/**
 * Calls `action` once `path` exists, checking every 100 ms for at most 30 s. `bench run` creates its
 * --out-dir right before it installs its SIGINT handler, so a signal sent then is never lost to a
 * CLI that is still loading.
 */
function whenCreated(path: string, action: () => void): void {
  let checks = 0;
  const timer = setInterval(() => {
    checks += 1;
    if (existsSync(path)) {
      clearInterval(timer);
      action();
    } else if (checks >= 300) clearInterval(timer);
  }, 100);
}

const readJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

describe("msq-harness bench", () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "msq-bench-cli-"));
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  test("runs a scenario on the embedded mock", async () => {
    const out = join(directory, "run");
    // From a folder outside the project, so the mock's tsx loader cannot come from the working directory.
    const result = await runCli(
      [
        "bench",
        "chat-stream",
        "--duration",
        "1",
        "--warmup",
        "0.2",
        "--trials",
        "1",
        "--out-dir",
        out,
        "--json",
      ],
      { cwd: directory },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      reports: { json: string; markdown: string; html: string };
      partial: boolean;
    };
    expect(summary.partial).toBe(false);
    const report = readJson(summary.reports.json) as {
      points: { combined: { counts: { succeeded: number } } }[];
    };
    expect(report.points[0]?.combined.counts.succeeded).toBeGreaterThan(0);
    expect(readdirSync(out).sort()).toEqual(
      [summary.reports.html, summary.reports.json, summary.reports.markdown]
        .map((path) => path.slice(out.length + 1))
        .sort(),
    );
    for (const file of readdirSync(out)) {
      const text = readFileSync(join(out, file), "utf8");
      for (const account of SEEDED_ACCOUNTS) expect(text).not.toContain(account.apiKey);
    }
  });

  test("fails a level without requests", async () => {
    // A chat-stream request lasts about 0.8 s on the scenario's mock timing, longer than warm-up and duration.
    const out = join(directory, "unmeasured");
    const args = ["--duration", "0.1", "--warmup", "0.2", "--trials", "1", "--out-dir", out, "--json"];
    const result = await runCli(["bench", "chat-stream", ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("msq-harness: no request was measured at concurrency 8");
    expect(result.stdout).toContain('"passed": false');
  });

  test("writes a partial report on SIGINT", async () => {
    const out = join(directory, "interrupted");
    const result = await runCli(
      [
        "bench",
        "chat-stream",
        "--duration",
        "30",
        "--warmup",
        "0",
        "--trials",
        "3",
        "--out-dir",
        out,
        "--json",
      ],
      {
        onSpawn: (pid) => whenCreated(out, () => setTimeout(() => process.kill(pid, "SIGINT"), 3000)),
      },
    );
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("stopping; the partial report is written next");
    const json = readdirSync(out).find((file) => file.endsWith(".json"));
    const report = readJson(join(out, json ?? "missing")) as { partial: boolean; stopReason: string };
    expect(report.partial).toBe(true);
    expect(report.stopReason).toMatch(/stopped by signal/);
  });

  test("keeps the mock alive on a group SIGINT", async () => {
    const out = join(directory, "group-interrupted");
    const args = ["--duration", "30", "--warmup", "0", "--trials", "2", "--out-dir", out, "--json"];
    const result = await runCli(["bench", "chat-stream", ...args], {
      processGroup: true,
      onSpawn: (pid) => whenCreated(out, () => process.kill(-pid, "SIGINT")),
    });
    expect(result.stderr).not.toContain("failed to start");
    expect(result.code).toBe(130);
    const json = readdirSync(out).find((file) => file.endsWith(".json"));
    const report = readJson(join(out, json ?? "missing")) as {
      partial: boolean;
      target: { mockTimingDrift?: unknown };
    };
    expect(report.partial).toBe(true);
    expect(report.target.mockTimingDrift).toBeDefined();
  });

  test("stops a hanging preflight on SIGINT", async () => {
    let onRequest = (): void => undefined;
    const server = await startTestServer({ "POST /v1/chat/completions": () => onRequest() });
    try {
      const out = join(directory, "preflight-interrupted");
      const args = ["--timeout-ms", "30000", "--trials", "1", "--out-dir", out, "--json"];
      const started = performance.now();
      const result = await runCli(["bench", "chat", "--target", server.baseUrl, ...args], {
        env: { MSQ_API_KEY: "msq-test-unused-key" },
        timeoutMs: 25_000,
        onSpawn: (pid) => (onRequest = () => process.kill(pid, "SIGINT")),
      });
      expect(result.stderr).not.toContain("preflight");
      expect(result.code).toBe(130);
      expect(performance.now() - started).toBeLessThan(25_000);
    } finally {
      await server.close();
    }
  });

  test("fails on autocannon requests unanswered", async () => {
    let requests = 0;
    const answerFirst = chatCompletionStream({ ttftMs: 0, interTokenMs: 0, tokens: 2 });
    const server = await startTestServer({
      // The preflight gets a response; every later request waits forever.
      "POST /v1/chat/completions": (request, response, context) => {
        requests += 1;
        if (requests === 1) answerFirst(request, response, context);
      },
    });
    try {
      const out = join(directory, "unanswered");
      const bounds = ["--duration", "0.5", "--warmup", "0", "--trials", "1", "--concurrency", "2"];
      const result = await runCli(
        [
          "bench",
          "chat-stream-throughput",
          "--target",
          server.baseUrl,
          ...bounds,
          "--out-dir",
          out,
          "--json",
        ],
        { env: { MSQ_API_KEY: "msq-test-unused-key" } },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        "msq-harness: no response was measured at concurrency 2: autocannon sent",
      );
      expect(result.stderr).not.toContain("none was sent");
    } finally {
      await server.close();
    }
  });

  test("gates on the failure rate", async () => {
    let requests = 0;
    const succeed = replyJson(chatCompletionBody(3));
    const fail = replyJson({ error: { message: "overloaded", type: "server_error" } }, { status: 503 });
    const server = await startTestServer({
      // The preflight and every second request after it succeed, and the others fail with 503.
      "POST /v1/chat/completions": (request, response, context) => {
        requests += 1;
        (requests % 2 === 1 ? succeed : fail)(request, response, context);
      },
    });
    try {
      const bounds = ["--duration", "0.5", "--warmup", "0", "--trials", "1", "--concurrency", "1"];
      const args = ["bench", "chat", "--target", server.baseUrl, ...bounds, "--json"];
      const env = { MSQ_API_KEY: "msq-test-unused-key" };
      const gated = await runCli([...args, "--out-dir", join(directory, "failing")], { env });
      expect(gated.code).toBe(1);
      expect(gated.stderr).toMatch(
        /concurrency 1: \d+ of \d+ requests failed \(\d+\.\d\d%, allowed 1%; http-status \d+\)/,
      );
      expect(gated.stderr).not.toContain("msq-test-unused-key");

      // Each run's preflight is then the first request again, and it succeeds.
      requests = 0;
      const allowed = await runCli(
        [...args, "--out-dir", join(directory, "failing-allowed"), "--max-failure-rate", "100"],
        { env },
      );
      expect(allowed.code).toBe(0);
      expect(allowed.stderr).not.toContain("requests failed");
    } finally {
      await server.close();
    }
  });

  test("rejects a remote target without --allow-remote", async () => {
    const result = await runCli(["bench", "chat", "--target", "http://192.0.2.10/v1"], {
      env: { MSQ_API_KEY: "msq-test-unused-key" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("192.0.2.10 (option --target");
    expect(result.stderr).toContain("is not a loopback address");
    expect(result.stderr).toContain("--allow-remote");
  });

  test("rejects a remote target from a config file", async () => {
    const config = join(directory, "remote.json");
    writeFileSync(config, JSON.stringify({ target: "http://192.0.2.10/v1", apiKey: "msq-test-unused-key" }));
    const result = await runCli(["bench", "chat", "--config", config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is not a loopback address");
    expect(result.stderr).not.toContain("msq-test-unused-key");
  });

  test("requires a key with a target", async () => {
    const result = await runCli(["bench", "chat", "--target", "http://127.0.0.1:9/v1"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no API key");
    expect(result.stderr).toContain("MSQ_API_KEY");
  });

  test.each([
    [
      "mock faults",
      ["bench", "chat"],
      { MSQ_MOCK_FAULTS: "missing-run-id" },
      /Mock faults \(missing-run-id\) apply only to msq-harness test/,
    ],
    [
      "mock timing with a target",
      ["bench", "chat", "--target", "http://127.0.0.1:9/v1", "--mock-timing", "timing.json"],
      { MSQ_API_KEY: "msq-test-unused-key" },
      /--mock-timing applies only to the embedded mock, but a target is set/,
    ],
    [
      "an invalid failure rate",
      ["bench", "chat", "--max-failure-rate", "half"],
      {},
      /--max-failure-rate: invalid value "half". Use a percentage from 0 to 100/,
    ],
    [
      "a timing model with an unknown operation",
      [
        "bench",
        "chat",
        "--mock-timing",
        join(import.meta.dirname, "../fixtures/unknown-operation-timing.json"),
      ],
      {},
      /--mock-timing or the scenario's mock.timing: timing model: latencyMs.listModel names no operation/,
    ],
    [
      "an invalid timeout",
      ["bench", "chat", "--timeout-ms", "0"],
      {},
      /Invalid requestTimeoutMs from option --timeout-ms: received "0"/,
    ],
  ])("rejects %s", async (_name, args, env, message) => {
    const result = await runCli(args, { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  describe("with a target on loopback", () => {
    let mock: RunningMock;
    const alice = SEEDED_ACCOUNTS[0]!;

    beforeAll(async () => {
      mock = await startMock({ host: "127.0.0.1", port: 0 });
    });

    afterAll(async () => {
      await mock.close();
    });

    test("reads target, key and settings from a config file", async () => {
      const out = join(directory, "config-file");
      const config = join(directory, "harness.json");
      const settings = {
        target: mock.baseUrl,
        apiKey: alice.apiKey,
        requestTimeoutMs: 4000,
        embeddingModel: "text-embedding-3-small",
      };
      writeFileSync(config, JSON.stringify(settings));
      const bounds = ["--duration", "0.3", "--warmup", "0", "--trials", "1", "--out-dir", out, "--json"];
      const result = await runCli(["bench", "embeddings", "--config", config, ...bounds]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.stdout) as { reports: { json: string } };
      const report = readJson(summary.reports.json) as {
        target: { baseUrl: string; embeddedMock: boolean };
        settings: { timeoutSeconds: number; body: { model: string } };
        points: { combined: { counts: { succeeded: number } } }[];
      };
      expect(report.target).toEqual({ baseUrl: mock.baseUrl, embeddedMock: false });
      expect(report.settings.timeoutSeconds).toBe(4);
      expect(report.points[0]?.combined.counts.succeeded).toBeGreaterThan(0);
      expect(readFileSync(summary.reports.json, "utf8")).not.toContain(alice.apiKey);
    });

    test("prefers flags to the environment and the file", async () => {
      const out = join(directory, "precedence");
      const config = join(directory, "precedence.json");
      const settings = { target: "http://127.0.0.1:9/v1", apiKey: alice.apiKey, chatModel: "from-file" };
      writeFileSync(config, JSON.stringify(settings));
      const bounds = ["--duration", "0.3", "--warmup", "0", "--trials", "1", "--out-dir", out, "--json"];
      const result = await runCli(
        ["bench", "chat", "--config", config, "--target", mock.baseUrl, ...bounds],
        {
          env: { MSQ_TIMEOUT_MS: "6000", MSQ_CHAT_MODEL: "msq-mock-chat" },
        },
      );
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.stdout) as { reports: { json: string } };
      const report = readJson(summary.reports.json) as {
        target: { baseUrl: string };
        settings: { timeoutSeconds: number; body: { model: string } };
      };
      expect(report.target.baseUrl).toBe(mock.baseUrl);
      expect(report.settings.timeoutSeconds).toBe(6);
      expect(report.settings.body.model).toBe("msq-mock-chat");
    });
  });

  test("names known scenarios for an unknown one", async () => {
    const result = await runCli(["bench", "chat-streaming"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/scenario "chat-streaming" not found.*Known scenarios: chat, chat-stream/);
  });

  test("lists the scenarios", async () => {
    const result = await runCli(["bench", "list"]);
    expect(result.code).toBe(0);
    for (const name of ["chat", "chat-stream", "chat-stream-throughput", "embeddings", "embeddings-batch"]) {
      expect(result.stdout).toMatch(new RegExp(`^${name}\\s`, "m"));
    }
  });

  test("compare exits 0 for equal and 1 for slower", async () => {
    const trials = (ttftMs: number) =>
      [0, 1, 2, 3, 4].map((i) => syntheticTrial({ ttftMs: ttftMs + i * 0.3, itlMs: 20 }));
    const baseline = join(directory, "baseline.json");
    const slower = join(directory, "slower.json");
    writeFileSync(baseline, JSON.stringify(syntheticReport(trials(150))));
    writeFileSync(slower, JSON.stringify(syntheticReport(trials(180))));

    const same = await runCli(["bench", "compare", baseline, baseline]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("No metric regressed");
    const worse = await runCli(["bench", "compare", baseline, slower]);
    expect(worse.code).toBe(1);
    expect(worse.stdout).toMatch(/TTFT p50 .* REGRESSION/);
  });

  test("compare rejects a non-numeric seed", async () => {
    const report = join(directory, "seeded.json");
    writeFileSync(report, JSON.stringify(syntheticReport([syntheticTrial({ ttftMs: 150, itlMs: 20 })])));
    const result = await runCli(["bench", "compare", report, report, "--seed", "abc"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--seed must be a non-negative integer, received "abc"');
  });

  test("merges shard reports", async () => {
    const out = join(directory, "shards");
    const args = [
      "bench",
      "embeddings",
      "--duration",
      "0.5",
      "--warmup",
      "0",
      "--trials",
      "1",
      "--out-dir",
      out,
      "--json",
    ];
    const [first, second] = await Promise.all([
      runCli([...args, "--shard", "1/2"]),
      runCli([...args, "--shard", "2/2"]),
    ]);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const paths = [first, second].map(
      (run) => (JSON.parse(run.stdout) as { reports: { json: string } }).reports.json,
    );
    const merged = await runCli(["bench", "merge", ...paths, "--out-dir", out, "--json"]);
    expect(merged.code).toBe(0);
    const summary = JSON.parse(merged.stdout) as {
      reports: { json: string };
      points: { counts: { succeeded: number } }[];
    };
    const report = readJson(summary.reports.json) as { shard: { indexes: number[] } };
    expect(report.shard.indexes).toEqual([1, 2]);
    const parts = paths.map(
      (path) =>
        (readJson(path) as { points: { combined: { counts: { succeeded: number } } }[] }).points[0]?.combined
          .counts.succeeded ?? 0,
    );
    expect(summary.points[0]?.counts.succeeded).toBe(parts[0]! + parts[1]!);
  });

  test("rejects a starved shard alike", async () => {
    const args = ["bench", "chat-stream", "--concurrency", "1", "--duration", "0.2", "--warmup", "0"];
    const runs = await Promise.all(
      ["1/2", "2/2"].map((shard) =>
        runCli([...args, "--trials", "1", "--shard", shard, "--out-dir", join(directory, "starved")]),
      ),
    );
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("a concurrency of 1 cannot keep a request in flight on each of 2 shards");
    }
  });

  test("merges some shards, then the rest", async () => {
    const out = join(directory, "partial-merge");
    const shard = (index: number): string => {
      const path = join(directory, `bench-chat-stream-shard-${index}-of-2.json`);
      const report = syntheticReport([syntheticTrial({ ttftMs: 150, itlMs: 20, count: 10 })]);
      writeFileSync(path, JSON.stringify({ ...report, shard: { count: 2, indexes: [index] } }));
      return path;
    };
    const first = await runCli(["bench", "merge", shard(1), "--out-dir", out, "--json"]);
    expect(first.code).toBe(0);
    const partialPath = (JSON.parse(first.stdout) as { reports: { json: string } }).reports.json;
    expect(partialPath).toMatch(/-merged\.json$/);
    expect(readdirSync(out).filter((name) => /^bench-.*-shard-.*\.json$/.test(name))).toEqual([]);
    expect(readJson(partialPath)["stopReason"]).toBe("shard 2 is missing");

    const whole = await runCli(["bench", "merge", partialPath, shard(2), "--out-dir", out, "--json"]);
    expect(whole.code).toBe(0);
    const merged = readJson((JSON.parse(whole.stdout) as { reports: { json: string } }).reports.json);
    expect(merged["partial"]).toBe(false);
    expect(merged["stopReason"]).toBeUndefined();
    expect(merged["shard"]).toEqual({ count: 2, indexes: [1, 2] });
  });

  test("merge rejects other load levels", async () => {
    const paths = [4, 6].map((concurrency, index) => {
      const path = join(directory, `levels-${concurrency}.json`);
      const trial = syntheticTrial({ ttftMs: 150, itlMs: 20, count: 10 });
      const report = syntheticReport([trial], "chat-stream", { mode: "closed", concurrency });
      writeFileSync(path, JSON.stringify({ ...report, shard: { count: 2, indexes: [index + 1] } }));
      return path;
    });
    const result = await runCli(["bench", "merge", ...paths, "--out-dir", join(directory, "levels")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'report 1 ran the load levels "concurrency 4" and report 2 ran "concurrency 6"',
    );
  });
});

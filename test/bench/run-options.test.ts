import { describe, expect, test } from "vitest";
import { isLoopbackHost, userTarget } from "../../src/bench/bench-target.ts";
import {
  resolveRunOptions,
  type BenchRunCliOptions,
  type RunHarnessSettings,
} from "../../src/bench/run-options.ts";
import { listScenarios, loadScenario, parseScenario } from "../../src/bench/scenario.ts";
import { parseShard, shareOf } from "../../src/bench/shard.ts";
import { parseSlo } from "../../src/bench/slo.ts";
import { ConfigError } from "../../src/config/config-error.ts";

describe("scenario files", () => {
  test.each(listScenarios())("loads %s", (name) => {
    const scenario = loadScenario(name);
    expect(scenario.name).toBe(name);
    expect(scenario.load.trials).toBeGreaterThanOrEqual(4);
  });

  const minimal = { kind: "chat", request: { path: "/chat/completions", body: { model: "m" } } };
  const invalid: [string, unknown, RegExp][] = [
    ["unknown kind", { ...minimal, kind: "audio" }, /kind must be one of chat-stream, chat, embeddings/],
    [
      "path without slash",
      { ...minimal, request: { path: "chat", body: {} } },
      /request.path must start with "\/"/,
    ],
    ["stream kind without stream", { ...minimal, kind: "chat-stream" }, /needs request.body.stream: true/],
    [
      "zero duration",
      { ...minimal, load: { durationSeconds: 0 } },
      /load.durationSeconds must be a number above 0 up to 86400, received 0/,
    ],
    [
      "a duration over a day",
      { ...minimal, load: { durationSeconds: 1e9 } },
      /load.durationSeconds must be a number above 0 up to 86400, received 1000000000/,
    ],
    [
      "negative warm-up",
      { ...minimal, load: { warmupSeconds: -1 } },
      /load.warmupSeconds must be a number from 0 up to 86400/,
    ],
    [
      "a rate over the limit",
      { ...minimal, load: { rate: 1e7 } },
      /load.rate must be a number above 0 up to 1000000/,
    ],
    [
      "a sweep rate over the limit",
      { ...minimal, load: { sweep: [1, 1e7] } },
      /load.sweep\[1\] must be a number above 0 up to 1000000/,
    ],
    [
      "a name with a slash",
      { ...minimal, name: "../../outside" },
      /name must consist of letters, digits, ".", "_" and "-".*received "..\/..\/outside"/,
    ],
    ["a name with a space", { ...minimal, name: "a b" }, /name must consist of letters/],
    [
      "fractional trials",
      { ...minimal, load: { trials: 2.5 } },
      /load.trials must be an integer from 1 to 100/,
    ],
    ["empty sweep", { ...minimal, load: { sweep: [] } }, /load.sweep must be a non-empty list/],
    ["stream client for chat", { ...minimal, engine: "stream-client" }, /needs kind chat-stream/],
    [
      "request client for streams",
      {
        ...minimal,
        kind: "chat-stream",
        engine: "request-client",
        request: { path: "/c", body: { stream: true } },
      },
      /engine request-client reads one JSON body and cannot read the SSE stream/,
    ],
    [
      "misspelt load field",
      { ...minimal, load: { durationSecond: 1 } },
      /unknown field load.durationSecond. Did you mean load.durationSeconds\?/,
    ],
    [
      "unknown top-level field",
      { ...minimal, requests: {} },
      /unknown field requests. Did you mean request\?/,
    ],
    ["unknown SLO", { ...minimal, slo: { ttfb: 5 } }, /unknown field slo.ttfb/],
    ["unknown threshold", { ...minimal, thresholds: { "ttft.p75": 5 } }, /unknown field thresholds.ttft.p75/],
    [
      "scenario timeout",
      { ...minimal, load: { timeoutSeconds: 5 } },
      /load.timeoutSeconds is not a scenario field.*--timeout-ms/,
    ],
  ];

  test.each(invalid)("rejects %s", (_name, raw, message) => {
    expect(() => parseScenario(raw, "bench/x.yaml")).toThrow(message);
  });

  test("names the file in errors", () => {
    expect(() => parseScenario({ ...minimal, kind: 1 }, "bench/x.yaml")).toThrow(/^bench\/x\.yaml: /);
  });
});

describe("resolveRunOptions", () => {
  const chat = loadScenario("chat");
  const stream = loadScenario("chat-stream");
  const defaults: RunHarnessSettings = {
    chatModel: undefined,
    embeddingModel: undefined,
    requestTimeoutMs: 30_000,
  };
  const resolve = (options: BenchRunCliOptions, scenario = chat) =>
    resolveRunOptions(scenario, options, defaults);
  const models = { ...defaults, chatModel: "my-agent", embeddingModel: "nomic" };

  test("uses autocannon for a closed chat loop", () => {
    expect(resolve({}).settings.engine).toBe("autocannon");
  });

  test("uses the request client for an open chat loop", () => {
    const resolved = resolve({ mode: "open", rate: "25", arrival: "constant" });
    expect(resolved.settings.engine).toBe("request-client");
    expect(resolved.points).toEqual([{ mode: "open", rate: 25, arrival: "constant" }]);
  });

  test("rejects autocannon for an open loop", () => {
    expect(() => resolve({ mode: "open", engine: "autocannon" })).toThrow(/coordinated omission/);
    expect(() => resolve({ mode: "open", engine: "autocannon" })).toThrow(/Add --engine request-client\.$/);
    expect(() => resolve({ mode: "open", engine: "autocannon" }, stream)).toThrow(
      /Add --engine stream-client\.$/,
    );
  });

  test("rejects the request client for streams", () => {
    expect(() => resolve({ engine: "request-client" }, stream)).toThrow(ConfigError);
    expect(() => resolve({ engine: "request-client" }, stream)).toThrow(
      /--engine request-client: scenario chat-stream streams SSE/,
    );
  });

  test.each([
    ["a concurrency below the shard count", { concurrency: "2", shard: "3/4" }, /a concurrency of 2 cannot/],
    ["a sweep level below the shard count", { sweep: "8,2", shard: "4/4" }, /a concurrency of 2 cannot/],
    ["a request bound below the shard count", { requests: "3", shard: "4/4" }, /request bound of 3/],
    ["an open rate below the shard count", { mode: "open", rate: "0.5", shard: "4/4" }, /rate of 0.5/],
  ])("rejects a shard without load: %s", (_name, options, message) => {
    expect(() => resolve(options)).toThrow(ConfigError);
    expect(() => resolve(options)).toThrow(message);
  });

  test.each([
    ["concurrency", { concurrency: "1" }],
    ["sweep", { sweep: "4,1" }],
    ["requests", { requests: "1" }],
    ["open rate", { mode: "open", rate: "0.2", duration: "5" }],
  ])("rejects every shard alike: %s", (_name, options) => {
    for (const shard of ["1/2", "2/2"]) {
      expect(() => resolve({ ...options, shard })).toThrow(ConfigError);
    }
  });

  test("names the fix for concurrency", () => {
    expect(() => resolve({ concurrency: "1", shard: "1/2" })).toThrow(
      "--shard 1/2: a concurrency of 1 cannot keep a request in flight on each of 2 shards. Raise the " +
        "concurrency (--concurrency, or every --sweep level) to at least 2, or use at most 1 shard.",
    );
  });

  test("names the fix for requests", () => {
    expect(() => resolve({ requests: "2", shard: "1/3" })).toThrow(
      "--shard 1/3: a request bound of 2 (--requests) cannot give each of 3 shards a request. Use " +
        "--requests of at least 3, or at most 2 shards.",
    );
  });

  test("names the fix for rates", () => {
    expect(() => resolve({ mode: "open", rate: "0.1", duration: "5", shard: "1/2" })).toThrow(
      "--shard 1/2: a rate of 0.1 requests/s for 5 s (--duration) plans about 0.5 measured sends, fewer " +
        "than one for each of 2 shards. Raise the rate (--rate, or every --sweep level) or --duration so " +
        "that rate times duration is at least 2, or run without --shard.",
    );
  });

  test("accepts an open rate per shard", () => {
    const options = { mode: "open", rate: "0.29", duration: "100", arrival: "constant" };
    expect(resolve({ ...options, shard: "29/29" }).shard).toEqual({ index: 28, count: 29 });
  });

  test("accepts a shard with one request in flight", () => {
    expect(resolve({ concurrency: "4", shard: "4/4" }).shard).toEqual({ index: 3, count: 4 });
  });

  test("expands a sweep of concurrencies", () => {
    expect(resolve({ sweep: "1, 8,32" }).points).toEqual([
      { mode: "closed", concurrency: 1 },
      { mode: "closed", concurrency: 8 },
      { mode: "closed", concurrency: 32 },
    ]);
  });

  test("overrides timing and bounds", () => {
    const settings = resolve({
      duration: "2.5",
      warmup: "0",
      requests: "100",
      trials: "7",
      seed: "9",
    }).settings;
    expect(settings).toMatchObject({
      durationSeconds: 2.5,
      warmupSeconds: 0,
      maxRequests: 100,
      trials: 7,
      seed: 9,
    });
  });

  test("takes the request timeout from the settings", () => {
    const resolved = resolveRunOptions(chat, {}, { ...defaults, requestTimeoutMs: 2500 });
    expect(resolved.settings.timeoutSeconds).toBe(2.5);
  });

  test("replaces the chat model", () => {
    const resolved = resolveRunOptions(stream, {}, models);
    expect(resolved.body["model"]).toBe("my-agent");
  });

  test("replaces the embedding model", () => {
    const resolved = resolveRunOptions(loadScenario("embeddings"), {}, models);
    expect(resolved.body["model"]).toBe("nomic");
  });

  test("keeps the scenario model by default", () => {
    expect(resolve({}).body["model"]).toBe("msq-mock-chat");
  });

  test("parses goodput SLOs", () => {
    expect(resolve({ goodput: ["ttft:300", "e2el:900"] }, stream).settings.slo).toEqual({
      ttft: 300,
      e2el: 900,
    });
  });

  const invalidOptions: [string, BenchRunCliOptions, RegExp][] = [
    ["concurrency text", { concurrency: "many" }, /--concurrency: invalid value "many"/],
    ["zero concurrency", { concurrency: "0" }, /--concurrency: invalid value "0"/],
    ["negative duration", { duration: "-1" }, /--duration: invalid value "-1"/],
    ["unknown mode", { mode: "burst" }, /--mode: invalid value "burst". Use one of closed, open/],
    ["bad sweep", { sweep: "1,,4" }, /--sweep: invalid list/],
    ["unknown SLO", { goodput: ["latency:5"] }, /--goodput: invalid SLO "latency:5"/],
    [
      "missing timing file",
      { mockTiming: "/nonexistent/timing.json" },
      /--mock-timing: failed to read .*ENOENT.*Give the path of a JSON file/,
    ],
  ];

  test.each(invalidOptions)("rejects %s", (_name, options, message) => {
    expect(() => resolve(options)).toThrow(message);
  });
});

describe("bench target", () => {
  test.each([
    ["localhost", true],
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["[::1]", true],
    ["10.0.0.1", false],
    ["192.168.1.5", false],
    ["::2", false],
    ["loopback.example", false],
  ])("isLoopbackHost(%s) is %s", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  test("rejects a remote target", () => {
    expect(() => userTarget({ target: "https://api.example.com", apiKey: "msq-key-1234567" }, false)).toThrow(
      /api.example.com .*is not a loopback address/,
    );
  });

  test("accepts a remote target with --allow-remote", () => {
    const target = userTarget({ target: "https://api.example.com", apiKey: "msq-key-1234567" }, true);
    expect(target).toMatchObject({
      origin: "https://api.example.com",
      basePath: "/v1",
      baseUrl: "https://api.example.com/v1",
    });
  });

  test("keeps a path prefix before /v1", () => {
    const target = userTarget({ target: "http://127.0.0.1:8080/gateway", apiKey: "msq-key-1234567" }, false);
    expect(target).toMatchObject({ origin: "http://127.0.0.1:8080", basePath: "/gateway/v1" });
  });

  test("requires an API key", () => {
    const noKey = { target: "http://127.0.0.1:9", apiKey: undefined };
    expect(() => userTarget(noKey, false)).toThrow(/no API key: set .*MSQ_API_KEY/);
  });
});

describe("shards and SLOs", () => {
  test("parses i/n from 1", () => {
    expect(parseShard("2/4")).toEqual({ index: 1, count: 4 });
  });

  test.each(["0/4", "5/4", "1/0", "x", "1/2/3"])("rejects shard %s", (text) => {
    expect(() => parseShard(text)).toThrow(/--shard: invalid value/);
  });

  test("shares totals with the remainder first", () => {
    const shares = [0, 1, 2].map((index) => shareOf(10, { index, count: 3 }));
    expect(shares).toEqual([4, 3, 3]);
  });

  test("parses vLLM-style SLOs", () => {
    expect(parseSlo(["ttft:500", "tpot:50"])).toEqual({ ttft: 500, tpot: 50 });
  });
});

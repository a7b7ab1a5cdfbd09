import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { MockDeployment } from "../../src/mock/deployment.ts";
import { startMock } from "../../src/mock/server.ts";
import { recordUsage } from "../../src/mock/usage-recording.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { AdapterPair, expectAnswersAlike, type PairedCase } from "./support/adapter-pair.ts";
import { CheckedClient } from "./support/checked-client.ts";
import { expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";
import { jsonBody, jsonData, sendRequest } from "./support/mock-exchange.ts";

type Json = Record<string, unknown>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 22:30 UTC on the last day of March, so the rows below fall in two hours, two days and two months. */
const T0 = Date.UTC(2026, 2, 31, 22, 30);
const RANGE = `start=${T0 - HOUR}&end=${T0 + 2 * DAY}`;

/** Seeds three calls of alice and one of bob at fixed times. */
function seedRows(deployment: MockDeployment): void {
  const store = deployment.store;
  const alice = store.findAccountByUsername("alice");
  const bob = store.findAccountByUsername("bob");
  if (alice === undefined || bob === undefined)
    throw new Error("The seeded accounts alice and bob are missing.");
  recordUsage(store, alice, {
    chatId: "c1",
    modelName: "model-a",
    inputTokens: 100,
    outputTokens: 20,
    startTime: T0,
    endTime: T0 + 1000,
    tools: true,
  });
  recordUsage(store, alice, {
    chatId: "c2",
    modelName: "model-a",
    inputTokens: 50,
    outputTokens: null,
    startTime: T0 + HOUR,
    endTime: T0 + HOUR + 500,
    tools: false,
    error: "Provider returned 429",
  });
  recordUsage(store, alice, {
    chatId: "c3",
    modelName: "model-b",
    inputTokens: null,
    outputTokens: 10,
    startTime: T0 + DAY,
    endTime: T0 + DAY + 2000,
    tools: false,
  });
  recordUsage(store, bob, {
    chatId: "b1",
    modelName: "model-a",
    inputTokens: 999,
    outputTokens: 1,
    startTime: T0 + 60_000,
    endTime: T0 + 61_000,
    tools: false,
  });
}

let registry: ValidatorRegistry;
let client: CheckedClient;

beforeAll(async () => {
  registry = await ValidatorRegistry.load();
  const mock = await startMock();
  seedRows(mock.deployment);
  client = new CheckedClient(mock, registry);
});

afterAll(async () => {
  await client.mock.close();
});

async function query<T = Json>(
  operationId: string,
  path: string,
  caller: "alice" | "bob" | "carol" = "alice",
): Promise<T> {
  const exchange = await client.call(caller, operationId, "GET", path);
  expect(exchange.status).toBe(200);
  return jsonData<T>(exchange);
}

const chatIds = (rows: Json[]): unknown[] => rows.map((row) => row["chatId"]);

describe("usage summary", () => {
  test("totals the range", async () => {
    const summary = await query("getUsageSummary", `/v1/core/usage/summary?${RANGE}`);
    expect(summary).toEqual({
      inputTokens: 150,
      outputTokens: 30,
      callCount: 3,
      errorCount: 1,
      durationMsTotal: 3500,
      durationMsAvg: 1167,
    });
  });

  test("counts only the caller's calls", async () => {
    const summary = await query("getUsageSummary", `/v1/core/usage/summary?${RANGE}`, "bob");
    expect(summary["callCount"]).toBe(1);
    expect(summary["inputTokens"]).toBe(999);
  });

  test("empty range has zero average", async () => {
    const summary = await query("getUsageSummary", `/v1/core/usage/summary?start=1000&end=2000`);
    expect(summary["callCount"]).toBe(0);
    expect(summary["durationMsAvg"]).toBe(0);
  });

  test("chat and embeddings calls count", async () => {
    const chat = await sendRequest(client.mock.origin, "carol", "POST", "/v1/chat/completions", {
      model: "msq-mock-chat",
      messages: [{ role: "user", content: "count me" }],
    });
    const embeddings = await sendRequest(client.mock.origin, "carol", "POST", "/v1/embeddings", {
      model: "nomic-embed-text-v1.5",
      input: "count me",
    });
    expect(chat.status).toBe(200);
    expect(embeddings.status).toBe(200);
    const summary = await query("getUsageSummary", "/v1/core/usage/summary?last=1h", "carol");
    expect(summary["callCount"]).toBe(2);
  });
});

describe("usage raw rows", () => {
  test("newest first", async () => {
    expect(chatIds(await query<Json[]>("listUsageRecords", `/v1/core/usage/raw?${RANGE}`))).toEqual([
      "c3",
      "c2",
      "c1",
    ]);
  });

  test("rows keep their fields", async () => {
    const rows = await query<Json[]>("listUsageRecords", `/v1/core/usage/raw?${RANGE}&chatId=c2`);
    expect(rows).toEqual([
      {
        chatId: "c2",
        modelName: "model-a",
        inputTokens: 50,
        outputTokens: null,
        startTime: T0 + HOUR,
        endTime: T0 + HOUR + 500,
        tools: false,
        error: "Provider returned 429",
        username: "alice",
      },
    ]);
  });

  test.each([
    ["limit and offset", "&limit=1&offset=1", ["c2"]],
    ["limit above the maximum", "&limit=5000", ["c3", "c2", "c1"]],
    ["modelName", "&modelName=model-b", ["c3"]],
    ["chatId", "&chatId=c1", ["c1"]],
    ["tools true", "&tools=true", ["c1"]],
    ["tools false", "&tools=false", ["c3", "c2"]],
  ])("%s filters", async (_name, filter, expected) => {
    expect(chatIds(await query<Json[]>("listUsageRecords", `/v1/core/usage/raw?${RANGE}${filter}`))).toEqual(
      expected,
    );
  });

  test.each([
    ["limit zero", "&limit=0"],
    ["limit not a number", "&limit=ten"],
    ["offset negative", "&offset=-1"],
    ["tools not a boolean", "&tools=maybe"],
  ])("%s gets 400", async (_name, filter) => {
    expect(
      (await client.call("alice", "listUsageRecords", "GET", `/v1/core/usage/raw?${RANGE}${filter}`)).status,
    ).toBe(400);
  });
});

describe("usage time range", () => {
  test.each([
    ["no range", ""],
    ["start only", `start=${T0}`],
    ["end before start", `start=${T0}&end=${T0 - 1}`],
    ["end equal to start", `start=${T0}&end=${T0}`],
    ["empty window", "last=0h"],
    ["unknown window unit", "last=2w"],
    ["start not a time", "start=yesterday&end=today"],
  ])("%s gets 400", async (_name, range) => {
    const exchange = await client.call("alice", "getUsageSummary", "GET", `/v1/core/usage/summary?${range}`);
    expect(exchange.status).toBe(400);
    expect(jsonBody(exchange)["success"]).toBe(false);
  });

  test("ISO date-times select the range", async () => {
    const start = new Date(T0 - HOUR).toISOString();
    const end = new Date(T0 + 2 * HOUR).toISOString();
    const summary = await query("getUsageSummary", `/v1/core/usage/summary?start=${start}&end=${end}`);
    expect(summary["callCount"]).toBe(2);
  });

  test("last covers recent calls only", async () => {
    await sendRequest(client.mock.origin, "alice", "POST", "/v1/embeddings", {
      model: "nomic-embed-text-v1.5",
      input: "recent",
    });
    const summary = await query("getUsageSummary", "/v1/core/usage/summary?last=10m");
    expect(summary["callCount"]).toBe(1);
  });

  test("invalid pair falls back to last", async () => {
    const summary = await query("getUsageSummary", "/v1/core/usage/summary?start=soon&last=10m");
    expect(summary["callCount"]).toBeGreaterThan(0);
  });
});

describe("usage groupings", () => {
  test("per model", async () => {
    expect(await query<Json[]>("listUsageByModel", `/v1/core/usage/models?${RANGE}`)).toEqual([
      {
        modelName: "model-a",
        inputTokens: 150,
        outputTokens: 20,
        callCount: 2,
        errorCount: 1,
        durationMsTotal: 1500,
      },
      {
        modelName: "model-b",
        inputTokens: 0,
        outputTokens: 10,
        callCount: 1,
        errorCount: 0,
        durationMsTotal: 2000,
      },
    ]);
  });

  test.each([
    ["hour", [Date.UTC(2026, 2, 31, 22), Date.UTC(2026, 2, 31, 23), Date.UTC(2026, 3, 1, 22)]],
    ["day", [Date.UTC(2026, 2, 31), Date.UTC(2026, 3, 1)]],
    ["month", [Date.UTC(2026, 2, 1), Date.UTC(2026, 3, 1)]],
  ])("timeseries per %s", async (interval, starts) => {
    const buckets = await query<Json[]>(
      "getUsageTimeseries",
      `/v1/core/usage/timeseries?${RANGE}&interval=${interval}`,
    );
    expect(buckets.map((bucket) => bucket["bucketStartMs"])).toEqual(starts);
  });

  test("timeseries bucket totals", async () => {
    const buckets = await query<Json[]>(
      "getUsageTimeseries",
      `/v1/core/usage/timeseries?${RANGE}&interval=day`,
    );
    expect(buckets[0]).toEqual({
      bucketStartMs: Date.UTC(2026, 2, 31),
      inputTokens: 150,
      outputTokens: 20,
      callCount: 2,
      errorCount: 1,
      durationMsTotal: 1500,
    });
  });

  test.each([
    ["missing interval", ""],
    ["unknown interval", "&interval=week"],
  ])("timeseries with %s gets 400", async (_name, interval) => {
    expect(
      (
        await client.call(
          "alice",
          "getUsageTimeseries",
          "GET",
          `/v1/core/usage/timeseries?${RANGE}${interval}`,
        )
      ).status,
    ).toBe(400);
  });

  test("billing per model by default", async () => {
    expect(await query<Json[]>("getUsageBilling", `/v1/core/usage/billing?${RANGE}`)).toEqual([
      { modelName: "model-a", inputTokens: 150, outputTokens: 20, callCount: 2 },
      { modelName: "model-b", inputTokens: 0, outputTokens: 10, callCount: 1 },
    ]);
  });

  test.each([
    [
      "model:day",
      [
        ["model-a", Date.UTC(2026, 2, 31)],
        ["model-b", Date.UTC(2026, 3, 1)],
      ],
    ],
    [
      "model:month",
      [
        ["model-a", Date.UTC(2026, 2, 1)],
        ["model-b", Date.UTC(2026, 3, 1)],
      ],
    ],
  ])("billing per %s", async (groupBy, expected) => {
    const rows = await query<Json[]>("getUsageBilling", `/v1/core/usage/billing?${RANGE}&groupBy=${groupBy}`);
    expect(rows.map((row) => [row["modelName"], row["bucketStartMs"]])).toEqual(expected);
  });

  test("billing with unknown groupBy gets 400", async () => {
    expect(
      (await client.call("alice", "getUsageBilling", "GET", `/v1/core/usage/billing?${RANGE}&groupBy=week`))
        .status,
    ).toBe(400);
  });

  test("request without key gets 401", async () => {
    expect(
      (await client.call("none", "getUsageSummary", "GET", `/v1/core/usage/summary?${RANGE}`)).status,
    ).toBe(401);
  });
});

describe("usage adapters", () => {
  const pair = new AdapterPair("http://127.0.0.1:4996");
  const CASES: readonly PairedCase[] = [
    {
      name: "raw rows",
      caller: "alice",
      method: "GET",
      path: `/v1/core/usage/raw?${RANGE}`,
      expectedStatus: 200,
    },
    {
      name: "summary",
      caller: "alice",
      method: "GET",
      path: `/v1/core/usage/summary?${RANGE}`,
      expectedStatus: 200,
    },
    {
      name: "per model",
      caller: "bob",
      method: "GET",
      path: `/v1/core/usage/models?${RANGE}`,
      expectedStatus: 200,
    },
    {
      name: "timeseries",
      caller: "alice",
      method: "GET",
      path: `/v1/core/usage/timeseries?${RANGE}&interval=hour`,
      expectedStatus: 200,
    },
    {
      name: "billing",
      caller: "alice",
      method: "GET",
      path: `/v1/core/usage/billing?${RANGE}&groupBy=model:month`,
      expectedStatus: 200,
    },
    {
      name: "invalid range",
      caller: "alice",
      method: "GET",
      path: `/v1/core/usage/summary?start=${T0}&end=${T0}`,
      expectedStatus: 400,
    },
  ];

  beforeAll(async () => {
    await pair.start(seedRows);
  });

  afterAll(async () => {
    await pair.close();
  });

  test.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    "%s answers alike",
    async (_name, testCase) => {
      const [overHttp, inProcess] = await pair.send(testCase);
      expectAnswersAlike(overHttp, inProcess, testCase.expectedStatus);
    },
  );
});

/** For each usage fault, a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (origin: string) => Promise<boolean>>> = {
  "usage-across-accounts": async (origin) =>
    jsonData(await sendRequest(origin, "bob", "GET", `/v1/core/usage/summary?${RANGE}`))["callCount"] !== 1,
  "usage-end-before-start-accepted": async (origin) =>
    (await sendRequest(origin, "alice", "GET", `/v1/core/usage/summary?start=${T0}&end=${T0 - 1}`)).status !==
    400,
  "usage-served-without-key": async (origin) =>
    (await sendRequest(origin, "none", "GET", `/v1/core/usage/raw?${RANGE}`)).status !== 401,
  "usage-summary-average-missing": async (origin) =>
    jsonData(await sendRequest(origin, "alice", "GET", `/v1/core/usage/summary?${RANGE}`))[
      "durationMsAvg"
    ] === undefined,
};

describe("usage faults", () => {
  test("every usage fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("usage"));
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(name, (mock) => {
      seedRows(mock.deployment);
      return probe(mock.origin);
    });
  });
});

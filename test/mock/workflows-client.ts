import { setupServer } from "msw/node";
import { expect } from "vitest";
import { CHAT_AGENTS, type ChatAgentRecord } from "../../src/mock/agent-directory.ts";
import { createMswHandlers } from "../../src/mock/adapters/msw.ts";
import { FAILING_PROVIDER_MODEL, MODELS } from "../../src/mock/areas/models/model-records.ts";
import { MockDeployment } from "../../src/mock/deployment.ts";
import { startMock, type MockOptions, type RunningMock } from "../../src/mock/server.ts";
import { readSseStream } from "../../src/sse/read-sse-stream.ts";
import type { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { TEST_KEYS } from "./support/mock-exchange.ts";

/**
 * Test helpers shared by the workflows, usage, utilities and collections tests: a client that
 * reads whole responses (SSE comments included) and checks each against the spec, agent seeding,
 * and a pair of deployments behind the two adapters.
 */

export type Caller = "alice" | "bob" | "carol" | "none";

/** A response read completely. */
export interface Exchange {
  readonly status: number;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bytes: Uint8Array;
  readonly text: string;
  /** Parsed JSON body, when the response is JSON. */
  readonly json: unknown;
  /** The `data:` payloads of an SSE response, in order. */
  readonly events: readonly string[] | undefined;
  /** The comment lines of an SSE response, without the colon. */
  readonly comments: readonly string[];
}

/** Sends one request to the mock at `origin`, with the caller's key in `x-api-key`. */
export async function send(
  origin: string,
  caller: Caller,
  method: string,
  path: string,
  json?: unknown,
  headers: Readonly<Record<string, string>> = {},
): Promise<Exchange> {
  const key = TEST_KEYS[caller];
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: {
      ...(key === undefined ? {} : { "x-api-key": key }),
      ...(json === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(json === undefined ? {} : { body: typeof json === "string" ? json : JSON.stringify(json) }),
    signal: AbortSignal.timeout(10_000),
  });
  return readResponse(response);
}

export async function readResponse(response: Response): Promise<Exchange> {
  const contentType = response.headers.get("content-type") ?? "";
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (contentType.startsWith("text/event-stream") && response.body !== null) {
    const transcript = await readSseStream(response.body as unknown as AsyncIterable<Uint8Array>);
    const events = transcript.events.map((event) => event.data);
    const comments = transcript.comments.map((comment) => comment.text);
    return {
      status: response.status,
      contentType,
      headers,
      bytes: new Uint8Array(),
      text: events.join("\n"),
      json: undefined,
      events,
      comments,
    };
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let json: unknown;
  if (contentType.includes("json")) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return {
    status: response.status,
    contentType,
    headers,
    bytes,
    text,
    json,
    events: undefined,
    comments: [],
  };
}

/** Returns the JSON body as an object. */
export function body(exchange: Exchange): Record<string, unknown> {
  return exchange.json as Record<string, unknown>;
}

/** Returns the `data` member of a JSON body. */
export function data<T = Record<string, unknown>>(exchange: Exchange): T {
  return body(exchange)["data"] as T;
}

/** Parses the JSON payloads of an SSE response, skipping the `[DONE]` terminator. */
export function payloads(exchange: Exchange): Record<string, unknown>[] {
  return (exchange.events ?? [])
    .filter((event) => event !== "[DONE]")
    .map((event) => JSON.parse(event) as Record<string, unknown>);
}

/** Returns the `type` of every SSE payload, in order. */
export function eventTypes(exchange: Exchange): unknown[] {
  return payloads(exchange).map((payload) => payload["type"]);
}

/**
 * Checks an exchange against its operation: status, content type, headers and body, and for a
 * stream every event, every comment line and the terminator. Each failure fails the test.
 */
export function expectConforms(registry: ValidatorRegistry, operationId: string, exchange: Exchange): void {
  const failures = registry.validateResponse({
    operationId,
    status: exchange.status,
    contentType: exchange.contentType,
    body: exchange.events === undefined ? exchange.bytes : "",
    headers: exchange.headers,
  });
  expect(failures, `${operationId} ${exchange.status}`).toEqual([]);
  if (exchange.events === undefined) return;
  for (const event of exchange.events) {
    expect(
      registry.validateEvent({ operationId, status: exchange.status, data: event }).failures,
      event,
    ).toEqual([]);
  }
  for (const comment of exchange.comments) {
    expect(registry.validateComment({ operationId, status: exchange.status, comment }), comment).toEqual([]);
  }
  const terminator = registry.sseRules(operationId, exchange.status).terminator;
  if (terminator !== undefined) expect(exchange.events.at(-1)).toBe(terminator);
}

/** A client of one running mock that checks every response against the spec. */
export class CheckedClient {
  constructor(
    readonly mock: RunningMock,
    private readonly registry: ValidatorRegistry,
  ) {}

  async call(
    caller: Caller,
    operationId: string,
    method: string,
    path: string,
    json?: unknown,
    headers?: Readonly<Record<string, string>>,
  ): Promise<Exchange> {
    const exchange = await send(this.mock.origin, caller, method, path, json, headers);
    expectConforms(this.registry, operationId, exchange);
    return exchange;
  }
}

/** The agents the workflow tests name, seeded straight into the agent directory. */
export const TEST_AGENTS = {
  synthesizer: {
    id: "agt_synth",
    name: "synthesizer",
    slug: "synthesizer",
    modelName: "msq-mock-chat",
    published: false,
    sharedWith: [],
  },
  researcher: {
    id: "agt_research",
    name: "researcher",
    slug: "researcher",
    modelName: "msq-mock-chat",
    published: false,
    sharedWith: [],
  },
  /** Runs on the `flaky` model, whose provider fails mid-stream. */
  flaky: {
    id: "agt_flaky",
    name: "flaky",
    slug: "flaky",
    modelName: "flaky",
    published: false,
    sharedWith: [],
  },
} satisfies Record<string, ChatAgentRecord>;

/** An agent of bob, published and shared with alice only. */
export const BOB_SHARED_AGENT: ChatAgentRecord = {
  id: "agt_bob_editor",
  name: "editor",
  slug: "editor",
  modelName: "msq-mock-chat",
  published: true,
  sharedWith: [{ username: "alice" }],
};

/**
 * Seeds the test agents into alice's directory and bob's shared agent, plus alice's `flaky` model
 * on the mock's failing provider, which the flaky agent runs on.
 */
export function seedWorkflowAgents(deployment: MockDeployment): void {
  const store = deployment.store;
  const alice = store.findAccountByUsername("alice");
  const bob = store.findAccountByUsername("bob");
  if (alice === undefined || bob === undefined)
    throw new Error("The seeded accounts alice and bob are missing.");
  for (const agent of Object.values(TEST_AGENTS)) store.slot(alice, CHAT_AGENTS).set(agent.name, agent);
  store.slot(bob, CHAT_AGENTS).set(BOB_SHARED_AGENT.name, BOB_SHARED_AGENT);
  store.slot(alice, MODELS).set("flaky", {
    name: "flaky",
    description: "Fails mid-stream",
    providerKey: "openai",
    model: FAILING_PROVIDER_MODEL,
    embedding: false,
    programmaticToolCalling: false,
  });
}

/** Keys whose values depend on the clock, which two deployments cannot share. */
const CLOCK_KEYS = new Set([
  "created",
  "createdAt",
  "updatedAt",
  "startedAt",
  "completedAt",
  "cancelledAt",
  "startTime",
  "endTime",
  "bucketStartMs",
]);

/** Replaces clock values, so the responses of two deployments compare equal. */
export function withoutClock(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutClock);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        CLOCK_KEYS.has(key) ? "<clock>" : withoutClock(inner),
      ]),
    );
  }
  return value;
}

/** Returns the comparable content of an exchange: JSON or SSE payloads without clock values, or the text. */
export function comparable(exchange: Exchange): unknown {
  if (exchange.events !== undefined) {
    return exchange.events.map((event) => (event === "[DONE]" ? event : withoutClock(JSON.parse(event))));
  }
  return exchange.json === undefined ? exchange.text : withoutClock(exchange.json);
}

/** One request sent to both adapters. */
export interface PairedCase {
  readonly name: string;
  readonly caller: Caller;
  readonly method: string;
  /** The path, or a function of the previous responses of the same adapter (for ids they returned). */
  readonly path: string | ((previous: readonly Exchange[]) => string);
  readonly json?: unknown;
  readonly expectedStatus: number;
}

/**
 * Two deployments alike, one behind `node:http` (`startMock`) and one behind the msw handlers at
 * `mswOrigin`. `prepare` runs on both, so they start with the same store.
 */
export class AdapterPair {
  private readonly mswServer = setupServer();
  private readonly previous = { http: [] as Exchange[], msw: [] as Exchange[] };
  private http: RunningMock | undefined;

  constructor(
    private readonly mswOrigin: string,
    private readonly options: MockOptions = {},
  ) {}

  async start(prepare: (deployment: MockDeployment) => void = () => {}): Promise<void> {
    this.http = await startMock(this.options);
    prepare(this.http.deployment);
    const inProcess = await MockDeployment.create({
      ...(this.options.faults === undefined ? {} : { faults: this.options.faults }),
      ...(this.options.timing === undefined ? {} : { timing: this.options.timing }),
    });
    prepare(inProcess);
    this.mswServer.use(...createMswHandlers(inProcess, this.mswOrigin));
    this.mswServer.listen({ onUnhandledRequest: "bypass" });
  }

  async close(): Promise<void> {
    this.mswServer.close();
    await this.http?.close();
  }

  /** Sends `testCase` to both adapters and returns both exchanges, HTTP first. */
  async send(testCase: PairedCase): Promise<[Exchange, Exchange]> {
    if (this.http === undefined) throw new Error("AdapterPair.start() was not called.");
    const pathOf = (previous: readonly Exchange[]): string =>
      typeof testCase.path === "string" ? testCase.path : testCase.path(previous);
    const overHttp = await send(
      this.http.origin,
      testCase.caller,
      testCase.method,
      pathOf(this.previous.http),
      testCase.json,
    );
    const inProcess = await send(
      this.mswOrigin,
      testCase.caller,
      testCase.method,
      pathOf(this.previous.msw),
      testCase.json,
    );
    this.previous.http.push(overHttp);
    this.previous.msw.push(inProcess);
    return [overHttp, inProcess];
  }
}

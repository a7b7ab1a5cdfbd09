import { setupServer } from "msw/node";
import { expect } from "vitest";
import { createMswHandlers } from "../../../src/mock/adapters/msw.ts";
import { MockDeployment, type DeploymentOptions } from "../../../src/mock/deployment.ts";
import { startMock, type MockOptions, type RunningMock } from "../../../src/mock/server.ts";
import { sendRequest, type Caller, type MockExchange } from "./mock-exchange.ts";

/** Keys besides the `...At` timestamps whose values depend on the clock, so two deployments differ. */
const CLOCK_KEYS = new Set([
  "created",
  "created_at",
  "startDate",
  "startTime",
  "endTime",
  "bucketStartMs",
  "time",
  "duration",
]);

/** Replaces clock values (`...At` timestamps and `CLOCK_KEYS`), so two deployments compare equal. */
export function withoutClock(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutClock);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        key.endsWith("At") || CLOCK_KEYS.has(key) ? "<clock>" : withoutClock(inner),
      ]),
    );
  }
  return value;
}

/** Returns the comparable content of an exchange: JSON or SSE payloads without clock values, or the bytes. */
export function comparable(exchange: MockExchange): unknown {
  if (exchange.events !== undefined) {
    return exchange.events.map((event) => (event === "[DONE]" ? event : withoutClock(JSON.parse(event))));
  }
  if (exchange.json === undefined) return Buffer.from(exchange.bytes).toString("base64");
  return withoutClock(exchange.json);
}

/** Checks that both adapters returned the expected status and the same response to one request. */
export function expectAnswersAlike(
  overHttp: MockExchange,
  inProcess: MockExchange,
  expectedStatus: number,
): void {
  expect(overHttp.status).toBe(expectedStatus);
  expectSameResponse(overHttp, inProcess);
}

/** Checks that both adapters returned the same status, content type and body to one request. */
export function expectSameResponse(overHttp: MockExchange, inProcess: MockExchange): void {
  expect(inProcess.status).toBe(overHttp.status);
  expect(inProcess.contentType).toBe(overHttp.contentType);
  expect(comparable(inProcess)).toEqual(comparable(overHttp));
}

/** A deployment served in-process by the msw adapter. */
export interface MswDeployment {
  readonly deployment: MockDeployment;
  /** Stops intercepting requests. */
  close(): void;
}

/**
 * Creates a deployment and serves it through msw at `origin` until `close`. `prepare` runs on the
 * deployment before the first request, as on its HTTP twin.
 */
export async function startMswDeployment(
  origin: string,
  options: DeploymentOptions = {},
  prepare: (deployment: MockDeployment) => void = () => {},
): Promise<MswDeployment> {
  const deployment = await MockDeployment.create(options);
  prepare(deployment);
  const server = setupServer(...createMswHandlers(deployment, origin));
  server.listen({ onUnhandledRequest: "bypass" });
  return { deployment, close: () => server.close() };
}

/** One request sent to both adapters. */
export interface PairedCase {
  readonly name: string;
  readonly caller: Caller;
  readonly method: string;
  /** The path, or a function of the previous responses of the same adapter (for ids they returned). */
  readonly path: string | ((previous: readonly MockExchange[]) => string);
  readonly json?: unknown;
  readonly expectedStatus: number;
}

/**
 * Two deployments alike, one behind `node:http` (`startMock`) and one behind the msw handlers at
 * `mswOrigin`. `prepare` runs on both, so they start with the same store.
 */
export class AdapterPair {
  private readonly previous = { http: [] as MockExchange[], msw: [] as MockExchange[] };
  private http: RunningMock | undefined;
  private msw: MswDeployment | undefined;

  constructor(
    private readonly mswOrigin: string,
    private readonly options: MockOptions = {},
  ) {}

  async start(prepare: (deployment: MockDeployment) => void = () => {}): Promise<void> {
    this.http = await startMock(this.options);
    prepare(this.http.deployment);
    const deploymentOptions = {
      ...(this.options.faults === undefined ? {} : { faults: this.options.faults }),
      ...(this.options.timing === undefined ? {} : { timing: this.options.timing }),
    };
    this.msw = await startMswDeployment(this.mswOrigin, deploymentOptions, prepare);
  }

  async close(): Promise<void> {
    this.msw?.close();
    await this.http?.close();
  }

  /** Sends `testCase` to both adapters and returns both exchanges, HTTP first. */
  async send(testCase: PairedCase): Promise<[MockExchange, MockExchange]> {
    if (this.http === undefined) throw new Error("AdapterPair.start() was not called.");
    const pathOf = (previous: readonly MockExchange[]): string =>
      typeof testCase.path === "string" ? testCase.path : testCase.path(previous);
    const overHttp = await sendRequest(
      this.http.origin,
      testCase.caller,
      testCase.method,
      pathOf(this.previous.http),
      testCase.json,
    );
    const inProcess = await sendRequest(
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

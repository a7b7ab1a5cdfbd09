import { setupServer } from "msw/node";
import { createMswHandlers } from "../../../src/mock/adapters/msw.ts";
import { MockDeployment } from "../../../src/mock/deployment.ts";
import { startMock, type MockOptions, type RunningMock } from "../../../src/mock/server.ts";
import { sendRequest, type Caller, type MockExchange } from "./mock-exchange.ts";

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
export function comparable(exchange: MockExchange): unknown {
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
  readonly path: string | ((previous: readonly MockExchange[]) => string);
  readonly json?: unknown;
  readonly expectedStatus: number;
}

/**
 * Two deployments alike, one behind `node:http` (`startMock`) and one behind the msw handlers at
 * `mswOrigin`. `prepare` runs on both, so they start with the same store.
 */
export class AdapterPair {
  private readonly mswServer = setupServer();
  private readonly previous = { http: [] as MockExchange[], msw: [] as MockExchange[] };
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

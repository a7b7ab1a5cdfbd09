import type { Logger } from "../log/logger.ts";
import type { RouteOperation } from "./area.ts";
import { errorResponse, type ErrorDetails } from "./error-bodies.ts";
import type { ActiveFaults } from "./fault-registry.ts";
import type { MockRequest, MultipartForm } from "./mock-request.ts";
import type { JsonResponse } from "./mock-response.ts";
import type { Account, MockStore } from "./store.ts";
import type { TimingPlanner } from "./timing-planner.ts";
import type { TimingScheduler } from "./timing-scheduler.ts";

/**
 * Request fields an adapter passes besides the URL and the body. `signal` may be a getter that
 * creates the signal on first use, so it is read only when something waits.
 */
export interface RequestLine {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly receivedAt: number;
  readonly receivedAtEpochMs: number;
  readonly signal: AbortSignal;
}

/** The mock's `MockRequest`. The query is parsed on first use; the body fields are set while reading it. */
export class RoutedRequest implements MockRequest {
  json: unknown = undefined;
  form: MultipartForm | undefined = undefined;
  rawBody: Uint8Array | undefined = undefined;
  private parsedQuery: URLSearchParams | undefined;

  constructor(
    private readonly line: RequestLine,
    readonly path: string,
    /** The query string without `?`; empty when there is none. */
    private readonly queryString: string,
    readonly params: Readonly<Record<string, string>>,
  ) {}

  get method(): string {
    return this.line.method;
  }

  get query(): URLSearchParams {
    this.parsedQuery ??= new URLSearchParams(this.queryString);
    return this.parsedQuery;
  }

  get headers(): Readonly<Record<string, string>> {
    return this.line.headers;
  }

  get receivedAt(): number {
    return this.line.receivedAt;
  }

  get receivedAtEpochMs(): number {
    return this.line.receivedAtEpochMs;
  }

  get signal(): AbortSignal {
    return this.line.signal;
  }
}

/** Services of the deployment that every handler context shares. */
export interface DeploymentServices {
  readonly store: MockStore;
  readonly faults: ActiveFaults;
  readonly timing: TimingPlanner;
  readonly scheduler: TimingScheduler;
  readonly logger: Logger;
}

/**
 * The context a handler receives. One class serves both context types of `area.ts`: `account`
 * is set for operations that require an API key and undefined for public ones.
 */
export class HandlerContext {
  readonly store: MockStore;
  readonly faults: ActiveFaults;
  readonly timing: TimingPlanner;
  readonly scheduler: TimingScheduler;
  readonly logger: Logger;

  constructor(
    readonly request: RoutedRequest,
    readonly operation: RouteOperation,
    readonly account: Account | undefined,
    services: DeploymentServices,
  ) {
    this.store = services.store;
    this.faults = services.faults;
    this.timing = services.timing;
    this.scheduler = services.scheduler;
    this.logger = services.logger;
  }

  error(status: number, message: string, details?: ErrorDetails): JsonResponse {
    return errorResponse(this.operation.errorFamily, status, message, details);
  }
}

import type { Logger } from "../log/logger.ts";
import type { ErrorDetails, ErrorFamily } from "./error-bodies.ts";
import type { ActiveFaults, FaultDefinition } from "./fault-registry.ts";
import type { MockRequest } from "./mock-request.ts";
import type { JsonResponse, MockResponse } from "./mock-response.ts";
import type { Account, MockStore } from "./store.ts";
import type { TimingPlanner } from "./timing-planner.ts";
import type { TimingScheduler } from "./timing-scheduler.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * How the framework reads the request body before the handler runs: not at all, as JSON, as
 * `multipart/form-data`, or as raw bytes (for signature checks).
 */
export type RequestBodyKind = "none" | "json" | "multipart" | "raw";

/** The resolved route of a request: the spec's view of the operation plus its handler. */
export interface RouteOperation {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** Path template as in the spec, e.g. `/v1/core/voices/{name}`. */
  readonly path: string;
  readonly requiresApiKey: boolean;
  readonly requestBody: RequestBodyKind;
  readonly errorFamily: ErrorFamily;
  /** Statuses the spec documents for the operation; empty when the spec lacks the operation. */
  readonly statuses: ReadonlySet<number>;
}

interface ContextBase {
  readonly request: MockRequest;
  readonly operation: RouteOperation;
  readonly store: MockStore;
  readonly faults: ActiveFaults;
  readonly timing: TimingPlanner;
  readonly scheduler: TimingScheduler;
  readonly logger: Logger;
  /** Builds an error response in the operation's error family. */
  error(status: number, message: string, details?: ErrorDetails): JsonResponse;
}

/** Any handler context; fault hooks receive this. */
export type RequestContext = OperationContext | PublicOperationContext;

/** What a handler of an operation that requires an API key receives. */
export interface OperationContext extends ContextBase {
  readonly account: Account;
}

/** What a handler of a public operation (one that checks its own credentials) receives. */
export interface PublicOperationContext extends ContextBase {
  readonly account: undefined;
}

interface OperationBase {
  readonly operationId: string;
  /** Method and path as the spec gives them; the route table checks that both agree. */
  readonly method: HttpMethod;
  readonly path: string;
  /** Overrides the body kind derived from the spec's request body content types. */
  readonly requestBody?: RequestBodyKind;
  /** Error family used when the spec lacks the operation; the spec's family wins otherwise. */
  readonly errorFamily?: ErrorFamily;
}

export interface ApiKeyOperation extends OperationBase {
  readonly authentication?: "api-key";
  handle(context: OperationContext): MockResponse | Promise<MockResponse>;
}

export interface PublicOperation extends OperationBase {
  readonly authentication: "none";
  handle(context: PublicOperationContext): MockResponse | Promise<MockResponse>;
}

/** The behaviour of one operation of the API. */
export type OperationDefinition = ApiKeyOperation | PublicOperation;

/** One API area of the mock: its operations, the faults that break its rules, its seed data. */
export interface MockArea {
  /** Area name, the lowercase spec tag (`models`, `chat`, `vector-stores`). */
  readonly name: string;
  readonly operations: readonly OperationDefinition[];
  readonly faults?: readonly FaultDefinition[];
  /** Adds the area's starting resources to a seeded account. */
  seed?(store: MockStore, account: Account): void;
}

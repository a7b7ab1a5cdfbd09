import { createLogger, type Logger } from "../log/logger.ts";
import { DEFAULT_SPEC_PATH } from "../config/default-spec-path.ts";
import type { MockArea, OperationContext, PublicOperationContext, RequestContext } from "./area.ts";
import { AREAS } from "./areas/index.ts";
import { authenticate, unauthorizedResponse } from "./auth.ts";
import { errorResponse } from "./error-bodies.ts";
import { FRAMEWORK_FAULTS } from "./framework-faults.ts";
import { FaultRegistry, type ActiveFaults, type FrameTransform } from "./fault-registry.ts";
import { readRequestBody } from "./body-reading.ts";
import { encodeSseFrame, type MockResponse, type SseFrame, type SseResponse } from "./mock-response.ts";
import type { BodySource } from "./request-body.ts";
import {
  HandlerContext,
  RoutedRequest,
  type DeploymentServices,
  type RequestLine,
} from "./request-context.ts";
import { InvalidRequestError } from "./request-fields.ts";
import { RouteTable, type Route } from "./route-table.ts";
import { SEEDED_ACCOUNTS, toAccount } from "./seeded-accounts.ts";
import { loadSpecOperations } from "./spec-operations.ts";
import { MockStore, type Account } from "./store.ts";
import { checkLatencyOperations, ZERO_TIMING, type TimingModel } from "./timing-model.ts";
import { TimingPlanner } from "./timing-planner.ts";
import { TimingScheduler } from "./timing-scheduler.ts";

export interface DeploymentOptions {
  /** Fault names to activate. */
  readonly faults?: readonly string[];
  /** Source of the fault names (`--fault`, `startMock({ faults })`), named in the error for an unknown name. */
  readonly faultSource?: string;
  readonly timing?: TimingModel;
  readonly logger?: Logger;
  /** OpenAPI document whose operations define the routes; the project's spec by default. */
  readonly specPath?: string;
  /** Areas to serve; every area by default. */
  readonly areas?: readonly MockArea[];
}

/** A request as an adapter hands it over; `signal` may be a getter that creates it on first use. */
export interface IncomingRequest extends RequestLine {
  /** Path and query string, as in the request line. */
  readonly url: string;
  readonly body: BodySource;
}

/** A response ready for an adapter to write at `at`, with the stream state SSE responses need. */
export interface PreparedResponse {
  readonly response: MockResponse;
  /** Planned send time on the `performance.now()` clock; the deployment has already waited for it. */
  readonly at: number;
  readonly frameTransforms: readonly FrameTransform[];
}

/** Receives encoded SSE frames; each adapter writes them to its own transport. */
export interface SseSink {
  write(text: string): void;
  end(): void;
}

/** Builds the registry of every fault of every area plus the framework's own faults. */
export function createFaultRegistry(areas: readonly MockArea[] = AREAS): FaultRegistry {
  return new FaultRegistry([...FRAMEWORK_FAULTS, ...areas.flatMap((area) => area.faults ?? [])]);
}

/**
 * One mock deployment: the store with its seeded accounts, the routes, the active faults and the
 * timing model. `handle` runs the request pipeline: route, authenticate, read the body, run the
 * operation, apply faults and wait for the planned send time. The adapters only translate
 * between their transport and `IncomingRequest` / `PreparedResponse`.
 */
export class MockDeployment implements DeploymentServices {
  readonly store = new MockStore();
  readonly scheduler = new TimingScheduler();
  readonly timing: TimingPlanner;
  readonly faults: ActiveFaults;
  readonly logger: Logger;
  private requestSequence = 0;

  private constructor(
    readonly routes: RouteTable,
    readonly registry: FaultRegistry,
    options: DeploymentOptions,
    areas: readonly MockArea[],
  ) {
    this.logger = options.logger ?? createLogger();
    this.timing = new TimingPlanner(options.timing ?? ZERO_TIMING);
    this.faults = registry.activate(options.faults ?? [], options.faultSource ?? "faults");
    for (const seeded of SEEDED_ACCOUNTS) {
      const account = toAccount(seeded);
      this.store.addAccount(account);
      for (const area of areas) area.seed?.(this.store, account);
    }
  }

  /**
   * Creates a deployment. Loads the spec's operations (cached per process) and checks them against
   * the areas.
   * @throws ConfigError for an unknown fault name or an unknown operationId in the timing model's
   *   latencyMs; RouteConflictError when an area contradicts the spec.
   */
  static async create(options: DeploymentOptions = {}): Promise<MockDeployment> {
    const areas = options.areas ?? AREAS;
    const registry = createFaultRegistry(areas);
    // Activate once before the slow spec load, so a bad fault name fails fast.
    registry.activate(options.faults ?? [], options.faultSource ?? "faults");
    const specOperations = await loadSpecOperations(options.specPath ?? DEFAULT_SPEC_PATH);
    if (options.timing !== undefined) {
      checkLatencyOperations(
        options.timing,
        specOperations.map((operation) => operation.operationId),
      );
    }
    return new MockDeployment(new RouteTable(specOperations, areas), registry, options, areas);
  }

  /**
   * Runs one request through the pipeline and returns the response once its planned send time
   * has come. A request completes synchronously when it has no body, its handler returns
   * synchronously and its send time has come. The adapters accept either form, and skipping the
   * promise chain keeps the fast path cheap.
   */
  handle(incoming: IncomingRequest): PreparedResponse | Promise<PreparedResponse> {
    this.requestSequence += 1;
    const requestNumber = this.requestSequence;
    const queryStart = incoming.url.indexOf("?");
    const path = queryStart === -1 ? incoming.url : incoming.url.slice(0, queryStart);
    const match = this.routes.match(incoming.method, path);
    if (match === undefined) {
      const response = errorResponse(
        "msq",
        404,
        `No route matches ${incoming.method} ${path}. Check the method and path against the spec.`,
      );
      return { response, at: incoming.receivedAt, frameTransforms: [] };
    }

    const route = match.route;
    const queryString = queryStart === -1 ? "" : incoming.url.slice(queryStart + 1);
    const request = new RoutedRequest(incoming, path, queryString, match.params);
    let account: Account | undefined;
    if (route.requiresApiKey) {
      const result = authenticate(incoming.headers, this.store, this.faults);
      if (result.account === undefined) {
        const context = new HandlerContext(request, route, undefined, this);
        return this.finish(route, context, unauthorizedResponse(result.reason, this.faults));
      }
      account = result.account;
    }
    const context = new HandlerContext(request, route, account, this);

    if (route.requestBody === "none") {
      return this.respond(route, context, this.runHandler(route, context, requestNumber));
    }
    return readRequestBody(route, incoming.body, context).then((failure) =>
      this.respond(route, context, failure ?? this.runHandler(route, context, requestNumber)),
    );
  }

  /**
   * Writes the frames of an SSE response to `sink`: waits for each frame's planned time, applies
   * the fault frame transforms and records the drift of each send. Ends the sink when the frames
   * run out or `signal` aborts.
   */
  async writeStream(prepared: PreparedResponse, sink: SseSink, signal: AbortSignal): Promise<void> {
    const response = prepared.response as SseResponse;
    const transforms = prepared.frameTransforms;
    try {
      for await (const frame of response.frames(signal)) {
        if (transforms.length === 0) {
          // Awaiting only a real promise saves a microtask per frame that is already due.
          const sent = this.sendFrame(frame, sink, signal);
          if (!(typeof sent === "boolean" ? sent : await sent)) return;
          continue;
        }
        for (const transformed of applyFrameTransforms(transforms, frame)) {
          if (!(await this.sendFrame(transformed, sink, signal))) return;
        }
      }
    } catch (error) {
      this.logger.error({ err: error }, "an SSE stream of the mock failed; the stream was ended early");
    } finally {
      sink.end();
    }
  }

  /**
   * Waits for the frame's planned time, writes it and records its drift. Returns false when the
   * client went away. A frame that is already due is written without waiting for a promise.
   */
  private sendFrame(frame: SseFrame, sink: SseSink, signal: AbortSignal): boolean | Promise<boolean> {
    const at = frame.at;
    if (at === undefined || at <= this.scheduler.now()) return this.writeFrame(frame, sink, signal);
    return this.scheduler.waitUntil(at, signal).then((due) => due && this.writeFrame(frame, sink, signal));
  }

  private writeFrame(frame: SseFrame, sink: SseSink, signal: AbortSignal): boolean {
    if (signal.aborted) return false;
    sink.write(encodeSseFrame(frame));
    if (frame.at !== undefined) this.scheduler.recordSend(frame.at);
    return true;
  }

  /** Records that a non-streaming response planned for `at` has been written. */
  recordSend(at: number): void {
    this.scheduler.recordSend(at);
  }

  /** Runs the operation's handler; a handler that throws gets a 400 or a logged 500. */
  private runHandler(
    route: Route,
    context: HandlerContext,
    requestNumber: number,
  ): MockResponse | Promise<MockResponse> {
    const definition = route.definition;
    if (definition === undefined) {
      return context.error(
        501,
        `The mock does not implement ${route.operationId} (${route.method} ${route.path}) yet.`,
      );
    }
    try {
      // The route table pairs public definitions with public routes, so the context matches the handler.
      const result =
        definition.authentication === "none"
          ? definition.handle(context as PublicOperationContext)
          : definition.handle(context as OperationContext);
      if (!(result instanceof Promise)) return result;
      return result.catch((error: unknown) => this.handlerFailure(route, context, requestNumber, error));
    } catch (error) {
      return this.handlerFailure(route, context, requestNumber, error);
    }
  }

  private handlerFailure(
    route: Route,
    context: HandlerContext,
    requestNumber: number,
    error: unknown,
  ): MockResponse {
    if (error instanceof InvalidRequestError) {
      return context.error(400, error.message, error.param === undefined ? {} : { param: error.param });
    }
    this.logger.error(
      { err: error, operationId: route.operationId, requestNumber },
      "a mock operation handler threw; the request got a 500",
    );
    return context.error(500, `The mock failed while handling ${route.operationId}. See the mock's log.`);
  }

  private respond(
    route: Route,
    context: HandlerContext,
    response: MockResponse | Promise<MockResponse>,
  ): PreparedResponse | Promise<PreparedResponse> {
    return response instanceof Promise
      ? response.then((resolved) => this.finish(route, context, resolved))
      : this.finish(route, context, response);
  }

  /** Applies the fault response transforms and waits for the planned send time when it lies ahead. */
  private finish(
    route: Route,
    context: HandlerContext,
    handled: MockResponse,
  ): PreparedResponse | Promise<PreparedResponse> {
    let response = handled;
    for (const fault of this.faults.responseTransforms(route.operationId)) {
      const next = fault.transformResponse?.(response, context as RequestContext) ?? response;
      response = dropStaleSerializedBody(response, next);
    }
    const receivedAt = context.request.receivedAt;
    const at =
      response.at ??
      (this.timing.isZero ? receivedAt : this.timing.responseStart(route.operationId, receivedAt));
    const frameTransforms =
      response.kind === "sse"
        ? this.faults
            .frameTransforms(route.operationId)
            .flatMap((fault) => fault.createFrameTransform?.(context as RequestContext) ?? [])
        : [];
    const prepared: PreparedResponse = { response, at, frameTransforms };
    if (at <= this.scheduler.now()) return prepared;
    return this.scheduler.waitUntil(at, context.request.signal).then(() => prepared);
  }
}

/** Drops `serializedBody` when a fault transform replaced the body it was serialized from. */
function dropStaleSerializedBody(previous: MockResponse, next: MockResponse): MockResponse {
  if (next.kind !== "json" || next.serializedBody === undefined) return next;
  if (previous.kind === "json" && previous.body === next.body) return next;
  const { serializedBody: _stale, ...rest } = next;
  return rest;
}

function applyFrameTransforms(transforms: readonly FrameTransform[], frame: SseFrame): readonly SseFrame[] {
  let frames: readonly SseFrame[] = [frame];
  for (const transform of transforms) frames = frames.flatMap((current) => transform(current));
  return frames;
}

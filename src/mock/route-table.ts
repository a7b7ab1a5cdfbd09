import type { HttpMethod, MockArea, OperationDefinition, RouteOperation } from "./area.ts";
import type { SpecOperation } from "./spec-operations.ts";

/** A route: the operation's facts from the spec and its handler, if an area implements it. */
export interface Route extends RouteOperation {
  /** Undefined for spec operations that no area implements yet. */
  readonly definition: OperationDefinition | undefined;
  /** False when the operation comes from an area only, because the spec lacks it. */
  readonly inSpec: boolean;
}

export interface RouteMatch {
  readonly route: Route;
  readonly params: Readonly<Record<string, string>>;
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

interface TemplateRoute {
  readonly segments: readonly string[];
  /** Index of each `{name}` segment and its parameter name. */
  readonly parameters: readonly (readonly [number, string])[];
  readonly route: Route;
}

/** Raised at startup when an area's operation contradicts the spec. */
export class RouteConflictError extends Error {
  override readonly name = "RouteConflictError";
}

/**
 * Maps method and path to operations. The spec decides which operations exist, their paths,
 * security and error family; areas supply the behaviour, keyed by operationId. Operations an
 * area implements but the spec lacks are still served, so the mock works while the spec grows.
 */
export class RouteTable {
  /** Matches of the routes without parameters by method and path, built once and shared by every request. */
  private readonly staticMatches = new Map<string, Map<string, RouteMatch>>();
  private readonly templateRoutes = new Map<HttpMethod, TemplateRoute[]>();
  private readonly all: Route[] = [];

  constructor(specOperations: readonly SpecOperation[], areas: readonly MockArea[]) {
    const definitions = new Map<string, OperationDefinition>();
    for (const area of areas) {
      for (const definition of area.operations) {
        if (definitions.has(definition.operationId)) {
          throw new RouteConflictError(`Operation ${definition.operationId} is defined by two areas.`);
        }
        definitions.set(definition.operationId, definition);
      }
    }

    for (const spec of specOperations) {
      const definition = definitions.get(spec.operationId);
      definitions.delete(spec.operationId);
      if (definition !== undefined) checkAgreement(spec, definition);
      this.add({
        operationId: spec.operationId,
        method: spec.method,
        path: spec.path,
        requiresApiKey: spec.requiresApiKey,
        requestBody: definition?.requestBody ?? spec.requestBody,
        errorFamily: spec.errorFamily ?? definition?.errorFamily ?? "msq",
        statuses: spec.statuses,
        definition,
        inSpec: true,
      });
    }
    for (const definition of definitions.values()) {
      this.add({
        operationId: definition.operationId,
        method: definition.method,
        path: definition.path,
        requiresApiKey: definition.authentication !== "none",
        requestBody: definition.requestBody ?? (definition.method === "GET" ? "none" : "json"),
        errorFamily: definition.errorFamily ?? "msq",
        statuses: new Set(),
        definition,
        inSpec: false,
      });
    }
  }

  routes(): readonly Route[] {
    return this.all;
  }

  /** Finds the route of a request path (without query string); static paths win over templates. */
  match(method: string, path: string): RouteMatch | undefined {
    const normalized = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
    const exact = this.staticMatches.get(method)?.get(normalized);
    if (exact !== undefined) return exact;
    const candidates = this.templateRoutes.get(method as HttpMethod);
    if (candidates === undefined) return undefined;
    const segments = normalized.split("/");
    for (const candidate of candidates) {
      const params = matchTemplate(candidate, segments);
      if (params !== undefined) return { route: candidate.route, params };
    }
    return undefined;
  }

  private add(route: Route): void {
    this.all.push(route);
    const segments = route.path.split("/");
    const parameters: (readonly [number, string])[] = [];
    segments.forEach((segment, index) => {
      const name = /^\{(.+)\}$/.exec(segment)?.[1];
      if (name !== undefined) parameters.push([index, name]);
    });
    if (parameters.length === 0) {
      let matches = this.staticMatches.get(route.method);
      if (matches === undefined) {
        matches = new Map();
        this.staticMatches.set(route.method, matches);
      }
      matches.set(route.path, { route, params: NO_PARAMS });
      return;
    }
    const list = this.templateRoutes.get(route.method) ?? [];
    list.push({ segments, parameters, route });
    // Fewer parameters first, so `/a/{id}/files` is not shadowed by `/a/{id}/{other}`.
    list.sort((a, b) => a.parameters.length - b.parameters.length);
    this.templateRoutes.set(route.method, list);
  }
}

function matchTemplate(
  template: TemplateRoute,
  segments: readonly string[],
): Record<string, string> | undefined {
  if (template.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  let parameterIndex = 0;
  for (let index = 0; index < segments.length; index += 1) {
    const expected = template.segments[index] as string;
    const actual = segments[index] as string;
    const parameter = template.parameters[parameterIndex];
    if (parameter !== undefined && parameter[0] === index) {
      if (actual === "") return undefined;
      params[parameter[1]] = decodeSegment(actual);
      parameterIndex += 1;
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function checkAgreement(spec: SpecOperation, definition: OperationDefinition): void {
  if (spec.method !== definition.method || spec.path !== definition.path) {
    throw new RouteConflictError(
      `Operation ${spec.operationId} is ${definition.method} ${definition.path} in its area but ` +
        `${spec.method} ${spec.path} in the spec; change the area to match the spec.`,
    );
  }
  const publicInArea = definition.authentication === "none";
  if (publicInArea === spec.requiresApiKey) {
    throw new RouteConflictError(
      `Operation ${spec.operationId} is ${publicInArea ? "public" : "protected by an API key"} in its area ` +
        `but ${spec.requiresApiKey ? "protected by an API key" : "public"} in the spec; change the area to match.`,
    );
  }
}

import { ConfigError } from "../config/config-error.ts";
import type { RequestContext } from "./area.ts";
import type { MockResponse, SseFrame } from "./mock-response.ts";

/** The kind of documented rule a fault breaks; suites are expected to catch every kind. */
export const FAULT_KINDS = [
  "auth",
  "namespacing",
  "status-code",
  "body-schema",
  "header",
  "sse-framing",
  "sse-order",
  "masking",
  "binary-content",
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** Rewrites the frames of one stream; created per stream, so it may keep state between frames. */
export type FrameTransform = (frame: SseFrame) => readonly SseFrame[];

/**
 * A named fault: it breaks exactly one documented rule of the API. A fault acts through one of
 * three hooks. `transformResponse` rewrites a finished response, `createFrameTransform` rewrites
 * SSE frames, and a fault with neither hook is a behaviour switch that area code tests with
 * `faults.has(fault)`.
 */
export interface FaultDefinition {
  /** Kebab-case name used by `--fault`, `MSQ_MOCK_FAULTS` and `startMock({ faults })`. */
  readonly name: string;
  /** The area whose rule breaks (`auth`, `chat`, ...). */
  readonly area: string;
  readonly kind: FaultKind;
  /** The documented rule the fault breaks, as one sentence. */
  readonly rule: string;
  /** Operation ids the hooks apply to; omitted means every operation. */
  readonly operations?: readonly string[];
  transformResponse?(response: MockResponse, context: RequestContext): MockResponse;
  createFrameTransform?(context: RequestContext): FrameTransform;
}

/** Every fault the mock knows, by name. */
export class FaultRegistry {
  private readonly byName = new Map<string, FaultDefinition>();

  constructor(faults: Iterable<FaultDefinition>) {
    for (const fault of faults) {
      if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(fault.name)) {
        throw new Error(`Fault name "${fault.name}" must be kebab-case.`);
      }
      if (this.byName.has(fault.name)) throw new Error(`Fault "${fault.name}" is defined twice.`);
      this.byName.set(fault.name, fault);
    }
  }

  list(): FaultDefinition[] {
    return [...this.byName.values()].sort(
      (a, b) => a.area.localeCompare(b.area) || a.name.localeCompare(b.name),
    );
  }

  get(name: string): FaultDefinition | undefined {
    return this.byName.get(name);
  }

  /**
   * Resolves fault names into the set a deployment runs with. `source` names where the names came
   * from (`--fault`, `MSQ_MOCK_FAULTS`, `startMock({ faults })`) for the error message.
   * @throws ConfigError naming each unknown fault, the closest valid name and every valid name.
   */
  activate(names: readonly string[], source: string): ActiveFaults {
    const unknown = names.filter((name) => !this.byName.has(name));
    if (unknown.length > 0) {
      const valid = [...this.byName.keys()].sort();
      const hints = unknown.map((name) => {
        const closest = closestName(name, valid);
        return closest === undefined ? `"${name}"` : `"${name}" (did you mean "${closest}"?)`;
      });
      throw new ConfigError(
        `${source}: unknown fault ${hints.join(", ")}. Valid faults: ${valid.join(", ")}. ` +
          "Run `msq-harness mock --list-faults` to see the rule each one breaks.",
      );
    }
    return new ActiveFaults(names.map((name) => this.byName.get(name) as FaultDefinition));
  }
}

/** The faults one deployment runs with. */
export class ActiveFaults {
  private readonly active: ReadonlySet<FaultDefinition>;
  private readonly responseHooks = new Map<string, FaultDefinition[]>();
  private readonly frameHooks = new Map<string, FaultDefinition[]>();

  constructor(faults: readonly FaultDefinition[]) {
    this.active = new Set(faults);
  }

  get names(): string[] {
    return [...this.active].map((fault) => fault.name);
  }

  get size(): number {
    return this.active.size;
  }

  /** Tells whether `fault` is active; area code uses it for behaviour switches. */
  has(fault: FaultDefinition): boolean {
    return this.active.has(fault);
  }

  /** Active faults with a response hook that applies to `operationId`. */
  responseTransforms(operationId: string): readonly FaultDefinition[] {
    return this.hooksFor(this.responseHooks, operationId, (fault) => fault.transformResponse !== undefined);
  }

  /** Active faults with a frame hook that applies to `operationId`. */
  frameTransforms(operationId: string): readonly FaultDefinition[] {
    return this.hooksFor(this.frameHooks, operationId, (fault) => fault.createFrameTransform !== undefined);
  }

  private hooksFor(
    cache: Map<string, FaultDefinition[]>,
    operationId: string,
    hasHook: (fault: FaultDefinition) => boolean,
  ): readonly FaultDefinition[] {
    let hooks = cache.get(operationId);
    if (hooks === undefined) {
      hooks = [...this.active].filter(
        (fault) =>
          hasHook(fault) && (fault.operations === undefined || fault.operations.includes(operationId)),
      );
      cache.set(operationId, hooks);
    }
    return hooks;
  }
}

/** Returns the valid name within edit distance 3 of `name`, if there is one. */
function closestName(name: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of valid) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

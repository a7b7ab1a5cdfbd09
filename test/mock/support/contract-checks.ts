import { expect } from "vitest";
import type { ValidatorRegistry } from "../../../src/validation/validator-registry.ts";
import type { MockExchange } from "./mock-exchange.ts";

/**
 * Returns every contract failure of a response against its operation: status, content type,
 * headers and body, and for a stream each event, each comment line, the event that must come
 * first and the terminator.
 */
export function contractFailures(
  registry: ValidatorRegistry,
  operationId: string,
  exchange: MockExchange,
): unknown[] {
  const status = exchange.status;
  const failures: unknown[] = registry.validateResponse({
    operationId,
    status,
    contentType: exchange.contentType,
    body: exchange.events === undefined ? exchange.bytes : "",
    headers: exchange.headers,
  });
  if (exchange.events === undefined) return failures;
  const rules = registry.sseRules(operationId, status);
  exchange.events.forEach((data, index) => {
    const result = registry.validateEvent({ operationId, status, data });
    failures.push(...result.failures);
    if (index === 0 && rules.firstEvent !== undefined && result.event !== rules.firstEvent) {
      failures.push(`the first event is ${result.event ?? "unknown"}, not ${rules.firstEvent}`);
    }
  });
  for (const comment of exchange.comments) {
    failures.push(...registry.validateComment({ operationId, status, comment }));
  }
  if (rules.terminator !== undefined && exchange.events.at(-1) !== rules.terminator) {
    failures.push(`the last event is not ${rules.terminator}`);
  }
  return failures;
}

/** Fails the test on any contract failure; the failure message names the operation, status and body. */
export function expectConforms(
  registry: ValidatorRegistry,
  operationId: string,
  exchange: MockExchange,
): void {
  const label = `${operationId} ${exchange.status} ${exchange.text.slice(0, 200)}`;
  expect(contractFailures(registry, operationId, exchange), label).toEqual([]);
}

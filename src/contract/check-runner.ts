import { responseJson, type Exchange } from "../http/exchange.ts";
import { redactText } from "../log/redact.ts";
import type { ContractFailure } from "../validation/contract-failure.ts";
import type { OperationInfo, ValidatorRegistry } from "../validation/validator-registry.ts";
import type { CheckFamily } from "./check-family.ts";
import { CHECK_REGISTRY } from "./check-registry.ts";
import type { ContractCheck } from "./contract-check.ts";
import { findUnmaskedCredentials } from "./checks/masking-rules.ts";
import type { ExchangeIntent } from "./exchange-intent.ts";

/** The result of one check on one exchange. */
export interface CheckOutcome {
  readonly check: string;
  readonly family: CheckFamily;
  readonly failures: readonly ContractFailure[];
}

/**
 * Runs every registered check that applies to the exchange under any of the intents and returns
 * one outcome per check. A check that applies under several intents runs under the first.
 * A check that throws is reported as a failure of that check rather than aborting the others.
 * Failure texts are redacted here, before they reach a test error or a report; unmasked
 * credential fields of the body are registered as secrets first, so they are redacted too.
 */
export function runChecks(
  operation: OperationInfo,
  exchange: Exchange,
  intents: ExchangeIntent | readonly ExchangeIntent[],
  validators: ValidatorRegistry,
  checks: readonly ContractCheck[] = CHECK_REGISTRY,
): CheckOutcome[] {
  // Register unmasked credentials of the body first, so no failure text below can print them.
  const body = responseJson(exchange);
  if (body.ok) findUnmaskedCredentials(body.value);
  const outcomes: CheckOutcome[] = [];
  const list: readonly ExchangeIntent[] = "kind" in intents ? [intents] : intents;
  const done = new Set<string>();
  for (const intent of list) {
    const context = { intent, validators };
    for (const check of checks) {
      if (done.has(check.id)) continue;
      const failures = runOne(check, operation, exchange, context);
      if (failures === undefined) continue;
      done.add(check.id);
      outcomes.push({ check: check.id, family: check.family, failures });
    }
  }
  // Redacted after all checks ran, because a check may register a secret it found.
  return outcomes.map((outcome) => ({ ...outcome, failures: outcome.failures.map(redactFailure) }));
}

/** Runs one check; returns undefined when it does not apply. A check that throws fails with the error. */
function runOne(
  check: ContractCheck,
  operation: OperationInfo,
  exchange: Exchange,
  context: { intent: ExchangeIntent; validators: ValidatorRegistry },
): ContractFailure[] | undefined {
  try {
    if (!check.appliesTo(operation, exchange, context)) return undefined;
    return check.run(operation, exchange, context);
  } catch (error) {
    return [
      {
        operationId: operation.operationId,
        method: operation.method,
        path: operation.path,
        check: check.id,
        title: "Check could not run",
        message:
          `The check ${check.id} threw ${error instanceof Error ? error.message : String(error)}. ` +
          "This is a defect of the harness; report it with the curl command.",
        inferred: false,
      },
    ];
  }
}

function redactFailure(failure: ContractFailure): ContractFailure {
  const redacted: ContractFailure = {
    ...failure,
    title: redactText(failure.title),
    message: redactText(failure.message),
  };
  if (failure.received !== undefined) redacted.received = redactText(failure.received);
  if (failure.documented !== undefined) redacted.documented = redactText(failure.documented);
  return redacted;
}

import type { TestContext } from "vitest";
import { familyOf } from "../../src/contract/check-registry.ts";
import { runChecks } from "../../src/contract/check-runner.ts";
import type { CheckRecord, ReportedFailure } from "../../src/contract/contract-record.ts";
import type { ExchangeIntent } from "../../src/contract/exchange-intent.ts";
import { isResponseInferred } from "../../src/contract/inferred-response.ts";
import { renderCurl } from "../../src/http/curl-command.ts";
import { describeExchange } from "../../src/http/exchange.ts";
import { redactText } from "../../src/log/redact.ts";
import type { Call } from "./account-client.ts";
import type { Harness } from "./harness.ts";

/** Families whose checks read the documented response, so an x-inferred response makes them inferred. */
const RESPONSE_FAMILIES = new Set(["body-schema", "header", "sse-framing", "sse-order"]);

/** The error a contract test throws: every failure with its reproduction. */
export class ContractViolation extends Error {
  override readonly name = "ContractViolation";
}

export interface VerifyOptions {
  /** Record failures without throwing; call `assertContract` at the end of the test. */
  readonly soft?: boolean;
}

/**
 * Runs the checks that apply to `call` under the given intents, records each outcome in the test's
 * task meta for the reports, and throws a ContractViolation listing the failures unless `soft`.
 */
export function verify(
  context: TestContext,
  harness: Harness,
  call: Call,
  intent: ExchangeIntent | readonly ExchangeIntent[] = { kind: "success" },
  options: VerifyOptions = {},
): void {
  const { operation, exchange } = call;
  const outcomes = runChecks(operation, exchange, intent, harness.validators);

  if (harness.target.kind === "mock" && exchange.response?.status === 501) {
    // The embedded mock responds 501 to operations no mock area implements yet.
    skipChecks(context, harness, "the embedded mock does not implement this operation yet", [
      { operationId: operation.operationId, checks: outcomes.map((outcome) => outcome.check) },
    ]);
  }

  const status = exchange.response?.status;
  const inferredResponse =
    status !== undefined &&
    isResponseInferred(harness.validators, operation, status, exchange.response?.headers["content-type"]);
  // renderCurl redacts every part but the credential header, which names the key's variable.
  // redactText would turn `$MSQ_API_KEY` into `***`, so the command does not pass through it again.
  const curl = renderCurl(exchange.request);
  const line = redactText(describeExchange(exchange));

  const records = metaRecords(context);
  const failures: ReportedFailure[] = [];
  for (const outcome of outcomes) {
    const reported = outcome.failures.map((failure) => ({ ...failure, curl, exchange: line }));
    failures.push(...reported);
    records.push({
      run: harness.label,
      operationId: operation.operationId,
      method: operation.method,
      path: operation.path,
      check: outcome.check,
      family: outcome.family,
      outcome: reported.length > 0 ? "fail" : "pass",
      inferred: RESPONSE_FAMILIES.has(outcome.family) && inferredResponse,
      failures: reported,
    });
  }

  if (failures.length > 0 && options.soft !== true) throw new ContractViolation(describeFailures(failures));
}

/** Throws a ContractViolation when any check recorded in this test failed. */
export function assertContract(context: TestContext): void {
  const failures = metaRecords(context).flatMap((record) => record.failures);
  if (failures.length > 0) throw new ContractViolation(describeFailures(failures));
}

/** Something a skipped test would have checked: an operation and the check ids. */
export interface Coverage {
  readonly operationId: string;
  readonly checks: readonly string[];
}

/** Records the checks a test cannot run as skipped with `reason`, then skips the test. */
export function skipChecks(
  context: TestContext,
  harness: Harness,
  reason: string,
  covers: readonly Coverage[],
): never {
  const records = metaRecords(context);
  for (const cover of covers) {
    const operation = harness.validators.operation(cover.operationId);
    for (const check of cover.checks) {
      const family = familyOf(check);
      if (family === undefined) throw new Error(`skipChecks: ${check} is not a registered check.`);
      records.push({
        run: harness.label,
        operationId: operation.operationId,
        method: operation.method,
        path: operation.path,
        check,
        family,
        outcome: "skip",
        inferred: false,
        reason,
        failures: [],
      });
    }
  }
  context.skip(reason);
  throw new Error("unreachable: context.skip throws");
}

function metaRecords(context: TestContext): CheckRecord[] {
  const meta = context.task.meta;
  meta.contract ??= { records: [] };
  return meta.contract.records;
}

function describeFailures(failures: readonly ReportedFailure[]): string {
  const shown = failures
    .slice(0, 6)
    .map(
      (failure) =>
        `[${failure.check}] ${failure.operationId} ${failure.method} ${failure.path}: ${failure.title}\n` +
        `  ${failure.message}\n  reproduce: ${failure.curl}`,
    );
  const more =
    failures.length > shown.length
      ? `\n(${failures.length - shown.length} more failures in contract.json)`
      : "";
  return `${failures.length} contract failure(s):\n${shown.join("\n")}${more}`;
}

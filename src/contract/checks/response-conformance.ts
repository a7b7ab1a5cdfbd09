import type { Exchange } from "../../http/exchange.ts";
import type { ContractFailure } from "../../validation/contract-failure.ts";
import { CHECKS } from "../../validation/contract-failure.ts";
import type { OperationInfo, ValidatorRegistry } from "../../validation/validator-registry.ts";
import type { CheckFamily } from "../check-family.ts";
import { hasResponse, type ContractCheck } from "../contract-check.ts";
import { failureOf } from "../../validation/contract-failure.ts";

const responseFailures = new WeakMap<Exchange, ContractFailure[]>();

/** Runs the validator registry once per exchange; the four conformance checks each take their share. */
function validateOnce(
  operation: OperationInfo,
  exchange: Exchange,
  validators: ValidatorRegistry,
): ContractFailure[] {
  let failures = responseFailures.get(exchange);
  if (failures === undefined) {
    const response = exchange.response;
    failures =
      response === undefined
        ? []
        : validators.validateResponse({
            operationId: operation.operationId,
            status: response.status,
            contentType: response.headers["content-type"],
            body: response.body,
            headers: response.headers,
          });
    responseFailures.set(exchange, failures);
  }
  return failures;
}

function conformanceCheck(id: string, family: CheckFamily, description: string): ContractCheck {
  return {
    id,
    family,
    description,
    appliesTo: (_operation, exchange) => hasResponse(exchange),
    run: (operation, exchange, context) =>
      validateOnce(operation, exchange, context.validators).filter((failure) => failure.check === id),
  };
}

export const statusCodeConformance = conformanceCheck(
  CHECKS.statusCode,
  "status-code",
  "The response status is one the spec documents for the operation.",
);

export const contentTypeConformance = conformanceCheck(
  CHECKS.contentType,
  "header",
  "The response Content-Type is one the spec documents for the operation and status.",
);

export const responseSchemaConformance = conformanceCheck(
  CHECKS.responseSchema,
  "body-schema",
  "The response body is valid against the schema documented for the operation, status and content type.",
);

export const responseHeaderConformance = conformanceCheck(
  CHECKS.responseHeader,
  "header",
  "Every documented required response header is present and valid against its schema.",
);

/** Fails exchanges that timed out or lost the connection before the body was complete. */
export const responseReceived: ContractCheck = {
  id: "response-received",
  family: "status-code",
  description: "The deployment sends a complete response within the request timeout.",
  appliesTo: () => true,
  run(operation, exchange) {
    if (exchange.error === undefined) return [];
    const partial =
      exchange.response === undefined
        ? "no status line"
        : `status ${exchange.response.status} and a partial body`;
    return [
      failureOf(operation, "response-received", {
        title: exchange.error.kind === "timeout" ? "Response timed out" : "Response incomplete",
        message:
          `Received ${partial} (${exchange.error.kind}: ${exchange.error.message}); the spec documents a complete ` +
          "response. Check that the deployment is reachable and answers within --timeout-ms.",
        received: `${exchange.error.kind}: ${exchange.error.message}`,
        documented: "a complete response",
      }),
    ];
  },
};

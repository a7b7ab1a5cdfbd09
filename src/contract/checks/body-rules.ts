import { responseJson } from "../../http/exchange.ts";
import { essenceOf } from "../../validation/media-type.ts";
import { receivedStatus, type ContractCheck } from "../contract-check.ts";
import { failureOf } from "../../validation/contract-failure.ts";

/** A response body keeps a documented rule that its JSON schema cannot express. */
export const responseBodyRule: ContractCheck = {
  id: "response-body-rule",
  family: "body-schema",
  description:
    "A response body keeps the documented rules its schema cannot express (defaults, normalization, flags).",
  appliesTo: (_operation, _exchange, context) => context.intent.kind === "body-rule",
  run(operation, exchange, context) {
    if (context.intent.kind !== "body-rule") return [];
    const parsed = responseJson(exchange);
    const status = exchange.response?.status;
    const problems =
      status === undefined || status >= 300 || !parsed.ok
        ? [`${receivedStatus(exchange)} without a JSON body to check`]
        : context.intent.problems(parsed.value);
    if (problems.length === 0) return [];
    return [
      failureOf(operation, "response-body-rule", {
        title: `Body breaks: ${context.intent.rule}`,
        message: `Received ${problems.join("; ")}; the spec documents: ${context.intent.rule} Fix the response body.`,
        received: problems.join("; "),
        documented: context.intent.rule,
      }),
    ];
  },
};

/** A response header has the value the request determines. */
export const responseHeaderValue: ContractCheck = {
  id: "response-header-value",
  family: "header",
  description:
    "A response header has the value the request determines, such as the Content-Type of an upload.",
  appliesTo: (_operation, exchange, context) =>
    context.intent.kind === "header-value" && exchange.response !== undefined,
  run(operation, exchange, context) {
    if (context.intent.kind !== "header-value") return [];
    const { header, expected } = context.intent;
    const value = exchange.response?.headers[header];
    const matches =
      value !== undefined &&
      value !== "" &&
      (expected === undefined ||
        (header === "content-type" ? essenceOf(value) === essenceOf(expected) : value === expected));
    if (matches) return [];
    const received = value === undefined ? `no ${header} header` : `${header}: ${value}`;
    const documentedValue = expected ?? "a non-empty value";
    return [
      failureOf(operation, "response-header-value", {
        title: `${header} is not ${documentedValue}`,
        message: `Received ${received}; the spec documents ${header}: ${documentedValue} for this request. Send the documented value.`,
        received,
        documented: `${header}: ${documentedValue}`,
      }),
    ];
  },
};

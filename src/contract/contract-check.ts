import { responseText, type Exchange } from "../http/exchange.ts";
import { redactText } from "../log/redact.ts";
import type { ContractFailure } from "../validation/contract-failure.ts";
import type { OperationInfo, ValidatorRegistry } from "../validation/validator-registry.ts";
import type { CheckFamily } from "./check-family.ts";
import type { ExchangeIntent } from "./exchange-intent.ts";

/** Inputs of a check besides the operation and the exchange. */
export interface CheckContext {
  readonly intent: ExchangeIntent;
  readonly validators: ValidatorRegistry;
}

/**
 * One contract rule. `appliesTo` decides whether the rule concerns an exchange: every response,
 * SSE responses only, or exchanges with a given intent. `run` returns one failure per defect, and
 * an empty list when the exchange keeps the rule.
 */
export interface ContractCheck {
  /** Kebab-case standard name of the rule, such as `status-code-conformance`. */
  readonly id: string;
  readonly family: CheckFamily;
  /** One sentence: the rule the check enforces. */
  readonly description: string;
  appliesTo(operation: OperationInfo, exchange: Exchange, context: CheckContext): boolean;
  run(operation: OperationInfo, exchange: Exchange, context: CheckContext): ContractFailure[];
}

/** True when the exchange got a status line. */
export function hasResponse(
  exchange: Exchange,
): exchange is Exchange & { response: NonNullable<Exchange["response"]> } {
  return exchange.response !== undefined;
}

/** Status of the exchange, or a description of the missing response, for messages. */
export function receivedStatus(exchange: Exchange): string {
  if (exchange.response !== undefined) return `status ${exchange.response.status}`;
  return `no response (${exchange.error?.kind ?? "unknown error"}: ${exchange.error?.message ?? ""})`;
}

/** True when the status is 2xx. */
export function isSuccess(exchange: Exchange): boolean {
  const status = exchange.response?.status;
  return status !== undefined && status >= 200 && status < 300;
}

/**
 * Returns the response body as text on one line, cut to `maxLength` characters, for messages.
 * Secrets are redacted before the cut, because a cut key no longer matches its registered value.
 */
export function bodyExcerpt(exchange: Exchange, maxLength = 160): string {
  const text = redactText(responseText(exchange)).replace(/\s+/g, " ").trim();
  if (text === "") return "an empty body";
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

import { responseJson } from "../../http/exchange.ts";
import { receivedStatus, type ContractCheck } from "../contract-check.ts";
import { failureOf } from "../../validation/contract-failure.ts";
import type { ConsistencyIntent } from "../exchange-intent.ts";

function consistencyCheck(id: string, rule: ConsistencyIntent["rule"], description: string): ContractCheck {
  return {
    id,
    family: "consistency",
    description,
    appliesTo: (_operation, _exchange, context) =>
      context.intent.kind === "consistency" && context.intent.rule === rule,
    run(operation, exchange, context) {
      if (context.intent.kind !== "consistency") return [];
      const status = exchange.response?.status;
      let mismatches: readonly string[];
      if (status === undefined || status < 200 || status >= 300) {
        mismatches = [`the request received ${receivedStatus(exchange)}`];
      } else {
        const parsed = responseJson(exchange);
        mismatches = context.intent.mismatches(parsed.ok ? parsed.value : exchange.response?.body);
      }
      if (mismatches.length === 0) return [];
      return [
        failureOf(operation, id, {
          title: `Broken rule: ${description.replace(/\.$/, "")}`,
          message: `Received ${mismatches.join("; ")}; the spec documents ${context.intent.documented}. Check that both endpoints read the same data.`,
          received: mismatches.join("; "),
          documented: context.intent.documented,
        }),
      ];
    },
  };
}

export const consistencyFileContent = consistencyCheck(
  "consistency-file-content",
  "file-content",
  "A file's content equals the bytes that were uploaded.",
);
export const consistencyUsageGrowth = consistencyCheck(
  "consistency-usage-growth",
  "usage-growth",
  "Usage aggregates grow by at least the calls the suite made.",
);
export const consistencySharedAgentAnswers = consistencyCheck(
  "consistency-shared-agent-answers",
  "shared-agent-answers",
  "A published agent answers chat under the id that lists and shares give it.",
);
export const consistencyListedTarget = consistencyCheck(
  "consistency-listed-target",
  "listed-target",
  "What one endpoint creates shows up in the endpoints that list or use it.",
);

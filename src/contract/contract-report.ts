import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { redactText } from "../log/redact.ts";
import { renderContractMarkdown } from "./contract-markdown.ts";
import type { ContractSummary } from "./contract-summary.ts";

/**
 * Outcome of the whole run: failed when a check or a test failed, interrupted when SIGINT or
 * SIGTERM stopped it before every test ran.
 */
export type ContractVerdict = "passed" | "failed" | "interrupted";

/** A test that failed without a failing check, such as one that timed out or threw. */
export interface FailedTest {
  /** Suite file and test name, joined by " > ". */
  readonly name: string;
  /** First line of the test's first error. */
  readonly error: string;
}

/** Everything contract.json holds. */
export interface ContractReport {
  readonly verdict: ContractVerdict;
  readonly generatedAt: string;
  readonly target: { readonly kind: "mock" | "live"; readonly url: string };
  readonly runPrefix: string;
  readonly readOnly: boolean;
  readonly mockFaults: readonly string[];
  readonly durationMs: number;
  readonly tests: { readonly passed: number; readonly failed: number; readonly skipped: number };
  /** Failed tests that recorded no failing check, so the check tables do not show them. */
  readonly failedWithoutCheck: readonly FailedTest[];
  readonly summary: ContractSummary;
}

export const CONTRACT_JSON = "contract.json";
export const CONTRACT_MARKDOWN = "contract.md";

/**
 * Writes contract.json and contract.md into `directory` and returns their paths. Every string
 * passes through `redactText` as a last guard, so no registered key reaches a file. Curl commands
 * are the exception: renderCurl has redacted them already, and `redactText` would blank the key's
 * variable (`$MSQ_API_KEY`) that they name.
 */
export function writeContractReports(
  directory: string,
  report: ContractReport,
): { json: string; markdown: string } {
  mkdirSync(directory, { recursive: true });
  const json = join(directory, CONTRACT_JSON);
  const markdown = join(directory, CONTRACT_MARKDOWN);
  const redacted = JSON.parse(JSON.stringify(report, redactStrings)) as ContractReport;
  writeFileSync(json, `${JSON.stringify(redacted, null, 2)}\n`);
  writeFileSync(markdown, renderContractMarkdown(redacted));
  return { json, markdown };
}

/** JSON.stringify replacer that redacts every string except curl commands. */
function redactStrings(key: string, value: unknown): unknown {
  return typeof value === "string" && key !== "curl" ? redactText(value) : value;
}

import { CHECK_FAMILIES } from "./check-family.ts";
import type { ContractReport } from "./contract-report.ts";

/** Maximum failure rows in the Markdown table; the JSON report keeps them all. */
const MAX_FAILURE_ROWS = 50;

/** Maximum rows of failed tests without a failing check; the JSON report keeps them all. */
const MAX_FAILED_TEST_ROWS = 20;

/**
 * Renders the contract report as GitHub-flavoured Markdown, short enough for
 * `$GITHUB_STEP_SUMMARY`: the verdict, coverage per family, the failures with their curl
 * reproductions, and the skip reasons.
 */
export function renderContractMarkdown(report: ContractReport): string {
  const { summary } = report;
  const lines: string[] = [];
  lines.push(`## Contract report: ${report.verdict}`, "");
  lines.push(
    `Target: ${report.target.kind === "mock" ? "embedded mock" : cell(report.target.url)} · run prefix \`${report.runPrefix}\`` +
      `${report.readOnly ? " · read-only" : ""} · ${count(report.tests.passed, "test")} passed, ${report.tests.failed} failed, ` +
      `${report.tests.skipped} skipped · ${(report.durationMs / 1000).toFixed(1)} s`,
    "",
  );
  lines.push(
    `${summary.operationsCovered} of ${summary.operations} operations checked. ` +
      `Operation × check results: ${summary.totals.pass} pass, ${summary.totals.fail} fail, ${summary.totals.skip} skip.`,
    "",
  );

  lines.push("| Family | Operations checked | Pass | Fail | Skip |", "| --- | ---: | ---: | ---: | ---: |");
  for (const family of CHECK_FAMILIES) {
    const coverage = summary.byFamily[family];
    lines.push(
      `| ${family} | ${coverage.operationsChecked} | ${coverage.pass} | ${coverage.fail} | ${coverage.skip} |`,
    );
  }
  lines.push("");

  const failing = summary.entries.filter((entry) => entry.outcome === "fail");
  if (failing.length > 0) {
    lines.push(
      "### Failures",
      "",
      "| Operation | Check | Received | Documented | Basis |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const entry of failing.slice(0, MAX_FAILURE_ROWS)) {
      const first = entry.failures[0];
      lines.push(
        `| \`${entry.operationId}\` ${entry.method} ${cell(entry.path)} | ${entry.check} | ${cell(first?.received ?? first?.title ?? "")} ` +
          `| ${cell(first?.documented ?? "")} | ${entry.basis} |`,
      );
    }
    if (failing.length > MAX_FAILURE_ROWS)
      lines.push("", `${failing.length - MAX_FAILURE_ROWS} more failures are listed in contract.json.`);
    lines.push("");
    for (const entry of failing.slice(0, MAX_FAILURE_ROWS)) {
      const first = entry.failures[0];
      if (first === undefined) continue;
      lines.push(
        `<details><summary><code>${entry.operationId}</code> ${escapeHtml(entry.check)}: ${escapeHtml(first.title)}</summary>`,
        "",
        escapeHtml(first.message),
        "",
        "```sh",
        first.curl,
        "```",
        "</details>",
        "",
      );
    }
  }

  if (report.failedWithoutCheck.length > 0) {
    lines.push(
      "### Failed tests without a check failure",
      "",
      "These tests failed before a check could judge the response, for example by timing out or on a " +
        "response the suite could not read. The test output shows each error in full.",
      "",
      "| Test | Error |",
      "| --- | --- |",
    );
    for (const test of report.failedWithoutCheck.slice(0, MAX_FAILED_TEST_ROWS)) {
      lines.push(`| ${cell(test.name)} | ${cell(test.error)} |`);
    }
    if (report.failedWithoutCheck.length > MAX_FAILED_TEST_ROWS) {
      lines.push(
        "",
        `${report.failedWithoutCheck.length - MAX_FAILED_TEST_ROWS} more failed tests are listed in contract.json.`,
      );
    }
    lines.push("");
  }

  const skipped = summary.entries.filter((entry) => entry.outcome === "skip");
  if (skipped.length > 0) {
    const reasons = new Map<string, Set<string>>();
    for (const entry of skipped) {
      for (const reason of entry.skipReasons.length > 0 ? entry.skipReasons : ["no reason given"]) {
        reasons.set(reason, (reasons.get(reason) ?? new Set()).add(entry.operationId));
      }
    }
    lines.push("### Skipped", "", "| Reason | Operations |", "| --- | --- |");
    for (const [reason, operations] of reasons) {
      const list = [...operations].sort();
      lines.push(
        `| ${cell(reason)} | ${list
          .slice(0, 8)
          .map((id) => `\`${id}\``)
          .join(", ")}${list.length > 8 ? ` and ${list.length - 8} more` : ""} |`,
      );
    }
    lines.push("");
  }
  if (summary.uncovered.length > 0) {
    lines.push(
      `### Not checked`,
      "",
      `${count(summary.uncovered.length, "operation")} had no check that ran: ` +
        summary.uncovered
          .slice(0, 30)
          .map((operation) => `\`${operation.operationId}\``)
          .join(", ") +
        (summary.uncovered.length > 30
          ? `, and ${summary.uncovered.length - 30} more (see contract.json)`
          : "") +
        ".",
      "",
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Makes text safe inside a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Counts a noun in words: "1 test", "2 tests". */
function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? "" : "s"}`;
}

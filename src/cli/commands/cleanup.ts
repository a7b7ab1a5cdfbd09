import type { Command } from "commander";
import { ConfigError } from "../../config/config-error.ts";
import { addConfigOptions, flagValues } from "../../config/config-flags.ts";
import { resolveConfig } from "../../config/resolve-config.ts";
import { liveTarget } from "../../contract/contract-target.ts";
import { redactText } from "../../log/redact.ts";
import { loadSpec } from "../../spec/load-spec.ts";
import { ValidatorRegistry } from "../../validation/validator-registry.ts";
import { cleanupByPrefix } from "../../../suites/runner/cleanup-by-prefix.ts";

/** A run prefix: 3 to 32 lowercase letters, digits and hyphens, from a letter to a letter or digit. */
const PREFIX_PATTERN = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;

/** Registers `msq-harness cleanup`: removes resources left by earlier runs on a live deployment. */
export function registerCleanupCommand(program: Command): void {
  const command = program
    .command("cleanup")
    .description("Delete the resources whose names start with a run prefix, in every configured account")
    .requiredOption(
      "--prefix <PREFIX>",
      "run prefix of the resources to delete, as printed by msq-harness test",
    )
    .option("--dry-run", "list what would be deleted without deleting it");
  addConfigOptions(command, ["target", "reportDir", "specPath", "requestTimeoutMs", "connectTimeoutMs"]);
  command.action(async (options: Record<string, unknown>) => {
    const prefix = String(options["prefix"]);
    if (!PREFIX_PATTERN.test(prefix)) {
      throw new ConfigError(
        `Invalid --prefix: received ${JSON.stringify(prefix)}. Give the run prefix of the resources to delete: 3 to 32 ` +
          "lowercase letters, digits and hyphens that ends in a letter or digit, such as msqh-lzx3k0-a1b2.",
      );
    }
    const config = resolveConfig({
      flags: flagValues(options),
      configFlag: options["config"] as string | undefined,
    });
    if (config.target === undefined) {
      throw new ConfigError(
        "cleanup needs a target: set --target or MSQ_BASE_URL, and the keys in MSQ_API_KEY (and MSQ_API_KEY_2, " +
          "MSQ_API_KEY_3 for the other accounts). The embedded mock keeps nothing between runs.",
      );
    }
    const target = liveTarget(config, undefined);
    const validators = new ValidatorRegistry(await loadSpec(config.specPath));
    const outcomes = await cleanupByPrefix(target, validators, {
      prefix,
      dryRun: options["dryRun"] === true,
      reportDir: config.reportDir,
    });
    for (const outcome of outcomes) {
      const subject = [outcome.name, outcome.detail === "" ? "" : `(${outcome.detail})`]
        .filter((part) => part !== "")
        .join(" ");
      const line = `${outcome.result.padEnd(12)} ${outcome.account.padEnd(9)} ${outcome.kind.padEnd(16)} ${subject}`;
      process.stdout.write(`${redactText(line)}\n`);
    }
    const matched = outcomes.filter((outcome) => outcome.result !== "list-failed").length;
    const failed = outcomes.filter((outcome) => outcome.result === "failed").length;
    const unlisted = outcomes.filter((outcome) => outcome.result === "list-failed").length;
    let summary = `${matched === 0 ? "Nothing" : matched} matched ${prefix} on ${redactText(target.root)}`;
    if (failed > 0) summary += `; ${failed} could not be deleted`;
    if (unlisted > 0) {
      summary +=
        `; ${unlisted} lists could not be read, so resources of those kinds may remain. Check that the ` +
        "target and its keys are right and that it answers within --timeout-ms, then run cleanup again";
    }
    process.stdout.write(`${summary}.\n`);
    process.exitCode = failed > 0 || unlisted > 0 ? 1 : 0;
  });
}

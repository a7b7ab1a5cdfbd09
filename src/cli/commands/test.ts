import type { Command } from "commander";
import { ConfigError } from "../../config/config-error.ts";
import { addConfigOptions, flagValues } from "../../config/config-flags.ts";
import { resolveConfig } from "../../config/resolve-config.ts";
import { createLogger } from "../../log/logger.ts";
import { runContractSuites } from "../../../suites/runner/run-contract-suites.ts";
import { runMutationCheck } from "../../../suites/runner/run-mutation-check.ts";

/** Registers `msq-harness test`: runs the contract suites against a target or the embedded mock. */
export function registerTestCommand(program: Command): void {
  const command = program
    .command("test")
    .description(
      "Run the contract suites against a deployment or the embedded mock; exit 0 when all pass, " +
        "1 when a check fails, 2 on a configuration error",
    )
    .argument(
      "[filters...]",
      "run only suite files whose path contains one of these words, such as auth or chat",
    )
    .option("--mutation", "run the suites once per mock fault and require every fault to be caught")
    .option(
      "--mutation-workers <N>",
      "vitest worker threads of the mutation check (default: the CPU count, at most 4)",
    );
  addConfigOptions(command);
  command.action(async (filters: string[], options: Record<string, unknown>) => {
    const config = resolveConfig({
      flags: flagValues(options),
      configFlag: options["config"] as string | undefined,
    });
    const logger = createLogger();
    if (options["mutationWorkers"] !== undefined && options["mutation"] !== true) {
      throw new ConfigError(
        "--mutation-workers sets the worker threads of the mutation check and applies only with --mutation. " +
          "Add --mutation, or drop --mutation-workers.",
      );
    }
    if (options["mutation"] === true && filters.length > 0 && config.mockFaults.length === 0) {
      throw new ConfigError(
        `--mutation with the filters ${filters.join(" ")} would check every mock fault with only ` +
          "those suites, so the faults of other areas could not be caught. Drop the filters, or name the " +
          "faults to check with --mock-fault (or MSQ_MOCK_FAULTS).",
      );
    }
    if (options["mutation"] === true) {
      const result = await runMutationCheck(config, {
        filters,
        logger,
        workers: parseWorkers(options["mutationWorkers"]),
      });
      process.exitCode = result.exitCode;
      return;
    }
    const result = await runContractSuites(config, { filters, logger });
    process.exitCode = result.exitCode;
  });
}

function parseWorkers(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const workers = Number(value);
  if (!Number.isInteger(workers) || workers < 1 || workers > 32) {
    throw new ConfigError(
      `Invalid --mutation-workers: received ${JSON.stringify(value)}. Give an integer from 1 to 32, the number of ` +
        "suite workers the mutation check runs at once.",
    );
  }
  return workers;
}

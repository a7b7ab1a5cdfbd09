import type { Command } from "commander";

/** Registers `msq-harness bench ...`: load benchmarks, comparison and shard merging. */
export function registerBenchCommands(program: Command): void {
  program.command("bench").description("Run a load benchmark scenario from bench/");
}

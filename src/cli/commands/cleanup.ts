import type { Command } from "commander";

/** Registers `msq-harness cleanup`: removes resources left by earlier runs on a live deployment. */
export function registerCleanupCommand(program: Command): void {
  program.command("cleanup").description("Delete resources whose names carry a run prefix");
}

import { readFile } from "node:fs/promises";
import { Command, InvalidArgumentError } from "commander";
import { ConfigError } from "../../config/config-error.ts";
import { createLogger } from "../../log/logger.ts";
import { createFaultRegistry } from "../../mock/deployment.ts";
import type { FaultDefinition } from "../../mock/fault-registry.ts";
import { startMock } from "../../mock/server.ts";
import { parseTimingModel, type TimingModel } from "../../mock/timing-model.ts";

/** Environment variable with comma-separated fault names, added to the `--fault` options. */
export const FAULTS_ENV = "MSQ_MOCK_FAULTS";

interface MockCommandOptions {
  port: number;
  host: string;
  fault: string[];
  timing?: string;
  listFaults?: boolean;
}

/** Registers `msq-harness mock`: serves the embedded mock deployment over HTTP. */
export function registerMockCommand(program: Command): void {
  program
    .command("mock")
    .description("Serve the embedded mock MissionSquad deployment over HTTP until SIGINT or SIGTERM")
    .option("--port <port>", "TCP port to listen on; 0 picks a free port", parsePort, 4010)
    .option("--host <address>", "loopback address to listen on (127.0.0.1, ::1 or localhost)", "127.0.0.1")
    .option(
      "--fault <name>",
      `break one documented rule; repeatable, added to the comma-separated names in ${FAULTS_ENV}`,
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      "--timing <file>",
      "JSON timing model, durations in ms: latencyMs by operationId, chat.ttftMs, chat.interTokenMs, " +
        "...; fields in src/mock/README.md (default: no delays)",
    )
    .option("--list-faults", "print every fault with the rule it breaks, then exit")
    .action(async (options: MockCommandOptions) => {
      if (options.listFaults === true) {
        process.stdout.write(formatFaultList(createFaultRegistry().list()));
        return;
      }
      await serveUntilSignal(options);
    });
}

async function serveUntilSignal(options: MockCommandOptions): Promise<void> {
  const faults = [...options.fault, ...faultsFromEnvironment()];
  // Checked here as well as in startMock, so the error names the options the user set.
  createFaultRegistry().activate(faults, `--fault / ${FAULTS_ENV}`);
  const timing = options.timing === undefined ? undefined : await readTimingModel(options.timing);
  const logger = createLogger(process.env["MSQ_LOG_LEVEL"] ?? "info");
  const mock = await startMock({
    host: options.host,
    port: options.port,
    faults,
    logger,
    ...(timing === undefined ? {} : { timing }),
  });

  process.stdout.write(`MissionSquad mock deployment listening\n  base URL: ${mock.baseUrl}\n`);
  if (faults.length > 0) process.stdout.write(`  faults:   ${faults.join(", ")}\n`);
  process.stdout.write("  seeded accounts (test keys that only this mock accepts):\n");
  for (const account of mock.accounts) {
    process.stdout.write(`    ${account.username.padEnd(6)} ${account.email.padEnd(20)} ${account.apiKey}\n`);
  }
  process.stdout.write("Press Ctrl+C to stop.\n");

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  logger.info({ signal }, "stopping the mock deployment");
  await mock.close();
}

function faultsFromEnvironment(): string[] {
  const value = process.env[FAULTS_ENV];
  if (value === undefined) return [];
  return value
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

async function readTimingModel(file: string): Promise<TimingModel> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`--timing: cannot read ${file} (${reason}). Pass the path of a JSON timing model.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`--timing: ${file} is not valid JSON (${reason}).`);
  }
  return parseTimingModel(value, `--timing ${file}`);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError(`expected an integer from 0 to 65535, received "${value}".`);
  }
  return port;
}

/** Formats the fault list as aligned columns: name, area, kind, and the rule each fault breaks. */
export function formatFaultList(faults: readonly FaultDefinition[]): string {
  const nameWidth = Math.max(...faults.map((fault) => fault.name.length), 4);
  const areaWidth = Math.max(...faults.map((fault) => fault.area.length), 4);
  const kindWidth = Math.max(...faults.map((fault) => fault.kind.length), 4);
  const row = (name: string, area: string, kind: string, rule: string): string =>
    `${name.padEnd(nameWidth)}  ${area.padEnd(areaWidth)}  ${kind.padEnd(kindWidth)}  ${rule}\n`;
  let text = row("NAME", "AREA", "KIND", "RULE IT BREAKS");
  for (const fault of faults) text += row(fault.name, fault.area, fault.kind, fault.rule);
  return `${text}${faults.length} faults. Activate with --fault NAME (repeatable) or ${FAULTS_ENV}=NAME,NAME.\n`;
}

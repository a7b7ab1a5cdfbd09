import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigError } from "../config/config-error.ts";
import type { Logger } from "../log/logger.ts";
import { createRequestListener } from "./adapters/node-http.ts";
import { MockDeployment } from "./deployment.ts";
import { SEEDED_ACCOUNTS, type SeededAccount } from "./seeded-accounts.ts";
import type { TimingModel } from "./timing-model.ts";
import type { DriftSummary } from "./timing-scheduler.ts";

export type { SeededAccount } from "./seeded-accounts.ts";
export type { DriftSummary } from "./timing-scheduler.ts";

export interface MockOptions {
  /** Loopback address to listen on: 127.0.0.1 (default), another 127.x.x.x address, ::1 or localhost. */
  host?: string;
  /** TCP port; 0 (default) picks an ephemeral port. */
  port?: number;
  /** Fault names from the fault registry; an unknown name throws a ConfigError listing the valid ones. */
  faults?: readonly string[];
  /** Where the fault names came from, named in the error for an unknown one; `startMock({ faults })` by default. */
  faultSource?: string;
  /** Timing model; `ZERO_TIMING` (no delays) by default. */
  timing?: TimingModel;
  logger?: Logger;
}

export interface RunningMock {
  /** `http://<host>:<port>/v1`, the base URL clients such as the OpenAI SDK take. */
  baseUrl: string;
  /** `http://<host>:<port>`. */
  origin: string;
  accounts: readonly SeededAccount[];
  /** How late real sends were against the timing model, in ms. */
  timingDrift(): DriftSummary;
  /** The deployment behind the server, for tests that inspect or prepare its store. */
  deployment: MockDeployment;
  close(): Promise<void>;
}

/**
 * Starts the mock deployment on a `node:http` server bound to a loopback address.
 * @throws ConfigError for a non-loopback host, an invalid or busy port or an unknown fault name.
 */
export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  checkLoopbackHost(host);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(
      `mock port must be an integer from 0 to 65535 (0 picks a free port), received ${port}.`,
    );
  }

  const deployment = await MockDeployment.create({
    ...(options.faults === undefined
      ? {}
      : { faults: options.faults, faultSource: options.faultSource ?? "startMock({ faults })" }),
    ...(options.timing === undefined ? {} : { timing: options.timing }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const server = createServer(createRequestListener(deployment));
  await listen(server, host, port);

  const address = server.address() as AddressInfo;
  const hostPart = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const origin = `http://${hostPart}:${address.port}`;
  deployment.logger.info({ origin, faults: deployment.faults.names }, "mock deployment started");

  let closed: Promise<void> | undefined;
  return {
    baseUrl: `${origin}/v1`,
    origin,
    accounts: SEEDED_ACCOUNTS,
    deployment,
    timingDrift: () => deployment.scheduler.drift(),
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error !== undefined) reject(error);
          else {
            deployment.logger.info({ origin }, "mock deployment stopped");
            resolve();
          }
        });
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

const LOOPBACK_HOSTS = new Set(["::1", "[::1]", "localhost"]);

function checkLoopbackHost(host: string): void {
  const ipv4Loopback = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  const valid =
    LOOPBACK_HOSTS.has(host) ||
    (ipv4Loopback !== null && ipv4Loopback.slice(1).every((part) => Number(part) <= 255));
  if (!valid) {
    throw new ConfigError(
      `mock host must be a loopback address (127.0.0.1, another 127.x.x.x address, ::1 or localhost), ` +
        `received "${host}". The mock serves test keys and must not be reachable from other machines.`,
    );
  }
}

/** Error codes of listen() that a different host or port fixes, with the reason in words. */
const LISTEN_PROBLEMS: Readonly<Record<string, string>> = {
  EADDRINUSE: "is already in use",
  EACCES: "needs privileges this process lacks",
  EADDRNOTAVAIL: "is not available on this machine",
};

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const problem = error.code === undefined ? undefined : LISTEN_PROBLEMS[error.code];
      if (problem === undefined) {
        reject(error);
        return;
      }
      reject(
        new ConfigError(
          `Cannot start the mock: ${host} port ${port} ${problem} (${error.code}). Stop the program that ` +
            "listens there, or pick another port (option --port of msq-harness mock; 0 picks a free port).",
        ),
      );
    };
    server.once("error", onError);
    server.listen(port, host === "[::1]" ? "::1" : host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

import { isIP } from "node:net";
import { ConfigError } from "../config/config-error.ts";
import type { EmbeddedMock } from "./mock-process.ts";

/** The deployment a benchmark loads. */
export interface BenchTarget {
  /** Base URL of the API, such as "http://127.0.0.1:8080/v1", without a trailing slash. */
  readonly baseUrl: string;
  /** Scheme, host and port. */
  readonly origin: string;
  /** Path of the base URL, such as "/v1"; request paths are appended to it. */
  readonly basePath: string;
  /** Sent as `x-api-key`; never printed or written to a report. */
  readonly apiKey: string;
  /** True when the harness started the embedded mock for this run. */
  readonly embeddedMock: boolean;
}

/** Path of the OpenAI-compatible API below the server root; scenario paths are relative to it. */
const API_BASE_PATH = "/v1";

/**
 * Returns true for hosts on this machine: `localhost`, 127.0.0.0/8 and ::1. A name other than
 * `localhost` counts as remote even when it resolves to a loopback address, because its DNS
 * answer can change between the check and the run.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || host === "0:0:0:0:0:0:0:1";
  return false;
}

/** The resolved settings a user-given target is built from. */
export interface TargetSettings {
  /** Server root as `resolveConfig` returns it: an http(s) URL without credentials and without `/v1`. */
  readonly target: string;
  /** API key of the first account, already registered as a secret by `resolveConfig`. */
  readonly apiKey: string | undefined;
}

/**
 * Builds the target of a user-given deployment and rejects it unless it is on loopback or
 * `allowRemote` (`--allow-remote`) is set, so that a typo or a shared config file cannot send
 * sustained load to a production system.
 * @throws ConfigError for a remote target without `allowRemote`, or a target without an API key.
 */
export function userTarget(settings: TargetSettings, allowRemote: boolean): BenchTarget {
  const root = new URL(settings.target);
  if (!isLoopbackHost(root.hostname) && !allowRemote) {
    throw new ConfigError(
      `Target ${root.host} (option --target, environment variable MSQ_BASE_URL or config file key ` +
        '"target") is not a loopback address. A benchmark sends sustained load, so a remote target ' +
        "needs --allow-remote. Check that the deployment may be loaded before adding it.",
    );
  }
  if (settings.apiKey === undefined) {
    throw new ConfigError(
      `A target is set (${settings.target}) but no API key: set the environment variable MSQ_API_KEY ` +
        '(or the config file key "apiKey"), or drop --target / MSQ_BASE_URL to benchmark the embedded mock.',
    );
  }
  const basePath = `${root.pathname.replace(/\/+$/, "")}${API_BASE_PATH}`;
  return {
    baseUrl: `${root.origin}${basePath}`,
    origin: root.origin,
    basePath,
    apiKey: settings.apiKey,
    embeddedMock: false,
  };
}

/** Builds the target of an embedded mock started for the run. */
export function embeddedMockTarget(mock: EmbeddedMock): BenchTarget {
  const url = new URL(mock.baseUrl);
  const basePath = url.pathname.replace(/\/+$/, "");
  return {
    baseUrl: `${url.origin}${basePath}`,
    origin: url.origin,
    basePath,
    apiKey: mock.apiKey,
    embeddedMock: true,
  };
}

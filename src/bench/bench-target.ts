import { isIP } from "node:net";
import { ConfigError } from "../config/config-error.ts";
import { registerSecret } from "../log/redact.ts";

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

export interface TargetInput {
  /** `--target`, else `MSQ_BASE_URL`. */
  readonly target: string;
  /** `MSQ_API_KEY`. */
  readonly apiKey: string | undefined;
  readonly allowRemote: boolean;
}

/**
 * Checks a user-given target: an http(s) URL, on loopback unless `--allow-remote` is given, and
 * an API key. Load goes only to this address, so a typo cannot load a production system.
 */
export function resolveTarget(input: TargetInput): BenchTarget {
  let url: URL;
  try {
    url = new URL(input.target);
  } catch {
    throw new ConfigError(
      `--target (MSQ_BASE_URL): invalid URL "${input.target}". Give the API base URL, for example ` +
        "http://127.0.0.1:8080/v1.",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`--target (MSQ_BASE_URL): expected an http or https URL, received "${url.protocol}".`);
  }
  if (!isLoopbackHost(url.hostname) && !input.allowRemote) {
    throw new ConfigError(
      `--target (MSQ_BASE_URL): ${url.host} is not a loopback address. A benchmark sends sustained load, so ` +
        "a remote target needs --allow-remote; check that the deployment may be loaded before adding it.",
    );
  }
  if (input.apiKey === undefined || input.apiKey === "") {
    throw new ConfigError(
      "MSQ_API_KEY: missing. Set MSQ_API_KEY to an API key of the target account, or leave out --target " +
        "to benchmark the embedded mock.",
    );
  }
  registerSecret(input.apiKey);
  const basePath = url.pathname.replace(/\/+$/, "");
  return {
    baseUrl: `${url.origin}${basePath}`,
    origin: url.origin,
    basePath,
    apiKey: input.apiKey,
    embeddedMock: false,
  };
}

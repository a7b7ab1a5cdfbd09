import { ConfigError } from "../../src/config/config-error.ts";
import type { ContractTarget } from "../../src/contract/contract-target.ts";
import { HttpClient } from "../../src/http/http-client.ts";
import { redactText } from "../../src/log/redact.ts";

/**
 * Sends one `GET /v1/models` with the primary key before a live run, so that a wrong target or key
 * ends the run with one configuration error (exit 2) instead of hundreds of failed checks. Only a
 * failed connection and a 401 stop the run, because the checks judge every other response.
 */
export async function checkLiveTarget(target: ContractTarget): Promise<void> {
  const http = new HttpClient({
    root: target.root,
    requestTimeoutMs: target.requestTimeoutMs,
    connectTimeoutMs: target.connectTimeoutMs,
  });
  try {
    const exchange = await http.send({
      method: "GET",
      path: "/v1/models",
      credential: { scheme: "x-api-key", key: target.primary.apiKey, variable: target.primary.keyVariable },
    });
    const root = redactText(target.root);
    if (exchange.response === undefined) {
      const reason =
        exchange.error === undefined ? "no response" : `${exchange.error.kind}: ${exchange.error.message}`;
      throw new ConfigError(
        `The target ${root} failed to respond to GET /v1/models (${redactText(reason)}). Check the URL in --target ` +
          '(or MSQ_BASE_URL, config key "target") and that the deployment is running, or raise --connect-timeout-ms and --timeout-ms.',
      );
    }
    if (exchange.response.status === 401) {
      throw new ConfigError(
        `The target ${root} returned 401 to GET /v1/models with the key in ${target.primary.keyVariable}, so ` +
          'every check would fail on authentication. Set MSQ_API_KEY (or config key "apiKey") to a key of ' +
          "this deployment.",
      );
    }
  } finally {
    await http.close();
  }
}

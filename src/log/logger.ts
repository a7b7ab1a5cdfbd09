import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Creates the harness logger: JSON lines on stderr through pino, silent unless `level` or the
 * `MSQ_LOG_LEVEL` environment variable (trace, debug, info, warn, error) turns it on. Secret
 * headers and fields are censored by pino's `redact` on every record.
 */
export function createLogger(level: string = process.env["MSQ_LOG_LEVEL"] ?? "silent"): Logger {
  return pino(
    {
      level,
      base: { name: "msq-harness" },
      redact: {
        paths: [
          "headers['x-api-key']",
          "headers.authorization",
          "headers['x-webhook-secret']",
          "req.headers['x-api-key']",
          "req.headers.authorization",
          "*.apiKey",
          "apiKey",
        ],
        censor: "***",
      },
    },
    pino.destination(2),
  );
}

/**
 * Redaction of secrets in anything the harness prints or writes: headers, URLs, curl commands,
 * report text. API keys travel in `x-api-key` and `Authorization`; provider keys in `apiKey`
 * fields; webhook secrets in `X-Webhook-Secret`.
 */

export const REDACTED = "***";

/** Header names whose values are secrets, lowercase. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  "x-api-key",
  "authorization",
  "proxy-authorization",
  "x-webhook-secret",
  "x-hub-signature-256",
  "cookie",
  "set-cookie",
]);

/** Body and query field names whose values are secrets, lowercase. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  "apikey",
  "api_key",
  "secret",
  "clientsecret",
  "client_secret",
  "password",
  "token",
  "accesstoken",
  "access_token",
  "refreshtoken",
  "refresh_token",
]);

const registeredSecrets = new Set<string>();

/** Length below which a registered secret is not redacted; configuration rejects shorter keys. */
export const MIN_SECRET_LENGTH = 8;

/**
 * Registers a secret value (an API key read from configuration) so that `redactText` removes it
 * wherever it appears, also inside messages that do not come from a header or a field.
 * Values shorter than `MIN_SECRET_LENGTH` are ignored, because replacing them would garble ordinary text.
 */
export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= MIN_SECRET_LENGTH) registeredSecrets.add(value);
}

/** Returns a copy of `headers` with secret header values replaced by `***`. */
export function redactHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : String(value);
    result[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : redactText(text);
  }
  return result;
}

/** Returns a deep copy of a JSON value with secret fields replaced by `***`. */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value !== null && typeof value === "object") {
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const secret = SECRET_FIELDS.has(key.toLowerCase()) && typeof inner === "string" && inner !== "";
      result[key] = secret ? REDACTED : redactJson(inner);
    }
    return result;
  }
  return typeof value === "string" ? redactText(value) : value;
}

// An unregistered key shaped like `msq-` plus at least 16 key characters. The project's own name,
// `msq-harness`, and short model names such as `msq-mock-chat` stay readable.
const KEY_PATTERN = /\bmsq-(?!harness\b)[A-Za-z0-9_-]{16,}/g;
// A credential passed as a URL query parameter, such as `?api_key=...` or `&token=...`.
const QUERY_SECRET_PATTERN = /([?&](?:api[_-]?key|key|token|access_token|secret)=)[^&#\s"']+/gi;
const BEARER_PATTERN = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
// A secret header written as `name: value` or `"name": "value"`; the value runs to the next quote,
// comma, closing brace or line end, so `Authorization: Bearer <token>` is covered whole. A shell
// variable reference such as `$MSQ_API_KEY` (how curl reproductions name the key) is left as is.
const HEADER_LINE_PATTERN =
  /\b(x-api-key|authorization|x-webhook-secret)("?\s*[:=]\s*)("?)(?!\$[A-Z_][A-Z0-9_]*\b)(?!Bearer \$[A-Z_][A-Z0-9_]*\b)[^'"\s,}][^'"\r\n,}]*/gi;

/**
 * Removes secrets from free text: registered secret values, anything shaped like an `msq-` key,
 * Bearer tokens, `x-api-key: value` pairs and credentials in URL query parameters.
 */
export function redactText(text: string): string {
  let result = text;
  for (const secret of registeredSecrets) result = result.split(secret).join(REDACTED);
  return result
    .replace(HEADER_LINE_PATTERN, `$1$2$3${REDACTED}`)
    .replace(QUERY_SECRET_PATTERN, `$1${REDACTED}`)
    .replace(KEY_PATTERN, REDACTED)
    .replace(BEARER_PATTERN, `$1 ${REDACTED}`);
}

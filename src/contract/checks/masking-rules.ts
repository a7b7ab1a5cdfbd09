import { createHash } from "node:crypto";
import { responseJson, responseText } from "../../http/exchange.ts";
import { registerSecret } from "../../log/redact.ts";
import type { ContractFailure } from "../../validation/contract-failure.ts";
import { type ContractCheck } from "../contract-check.ts";
import { failureOf } from "../../validation/contract-failure.ts";

/** Field names that hold credentials in read responses, lowercase. */
const CREDENTIAL_FIELDS = new Set([
  "apikey",
  "api_key",
  "secret",
  "clientsecret",
  "client_secret",
  "password",
  "accesstoken",
  "refreshtoken",
]);
/** Characters a masked value shows in place of the hidden part. */
const MASK_MARKERS = /[*•…]|\.\.\./;

/** The share of a stored secret that, found in a body, counts as revealing it. */
const REVEALING_SHARE = 0.75;

/** A stored secret does not come back in reads: not whole, not mostly, and not as its SHA-256 digest. */
export const maskingStoredSecretHidden: ContractCheck = {
  id: "masking-stored-secret-hidden",
  family: "masking",
  description:
    "Reads never return a stored credential, whole, with most of it visible, or as its SHA-256 digest.",
  appliesTo: (_operation, exchange, context) =>
    context.intent.kind === "masking" && exchange.response !== undefined,
  run(operation, exchange, context) {
    if (context.intent.kind !== "masking") return [];
    const text = responseText(exchange);
    const failures: ContractFailure[] = [];
    const lower = text.toLowerCase();
    for (const secret of context.intent.secrets) {
      const part = Math.ceil(secret.length * REVEALING_SHARE);
      const digest = createHash("sha256").update(secret).digest("hex");
      const inClear = text.includes(secret.slice(0, part)) || text.includes(secret.slice(-part));
      if (!inClear && !lower.includes(digest)) continue;
      const form = inClear
        ? `at least ${part} of its ${secret.length} characters in clear`
        : "its SHA-256 digest";
      failures.push(
        failureOf(operation, "masking-stored-secret-hidden", {
          title: inClear ? "Stored credential returned unmasked" : "Digest of a stored credential returned",
          message:
            `The response contains a stored credential (${form}); the spec documents that credentials and their ` +
            "digests never appear in reads. Leave the value out, or mask it.",
          received: `a stored credential with ${form}`,
          documented: "masked credentials",
        }),
      );
    }
    return failures;
  },
};

/** Every credential-named field of a read shows a masked value. */
export const maskingCredentialFieldsMasked: ContractCheck = {
  id: "masking-credential-fields-masked",
  family: "masking",
  description: "Credential fields (apiKey, secret, ...) of read responses are empty or masked.",
  appliesTo: (_operation, exchange, context) =>
    context.intent.kind === "masking" && exchange.response !== undefined,
  run(operation, exchange) {
    const parsed = responseJson(exchange);
    if (!parsed.ok) return [];
    const unmasked = findUnmaskedCredentials(parsed.value);
    if (unmasked.length === 0) return [];
    const fields = unmasked.slice(0, 5).map((field) => `${field.path} (${field.length} characters)`);
    return [
      failureOf(operation, "masking-credential-fields-masked", {
        title: "Credential field not masked",
        message:
          `${unmasked.length} credential field(s) hold values without a mask: ${fields.join(", ")}; the spec documents ` +
          "masked credentials in every read, such as sk-...3456. Mask these fields.",
        received: fields.join(", "),
        documented: "masked values such as sk-...3456",
      }),
    ];
  },
};

/**
 * Returns the JSON path and length of each credential-named field that contains an unmasked value,
 * and registers each such value as a secret, so that no later output of this process prints it.
 */
export function findUnmaskedCredentials(body: unknown): { path: string; length: number }[] {
  const unmasked: { path: string; length: number }[] = [];
  visit(body, "", (path, key, value) => {
    if (!CREDENTIAL_FIELDS.has(key.toLowerCase()) || typeof value !== "string" || value === "") return;
    if (MASK_MARKERS.test(value) || value.length <= 4) return;
    registerSecret(value);
    unmasked.push({ path, length: value.length });
  });
  return unmasked;
}

function visit(
  value: unknown,
  path: string,
  onField: (path: string, key: string, value: unknown) => void,
): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => visit(item, `${path}/${index}`, onField));
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [key, inner] of Object.entries(value)) {
    const innerPath = `${path}/${key}`;
    onField(innerPath, key, inner);
    visit(inner, innerPath, onField);
  }
}

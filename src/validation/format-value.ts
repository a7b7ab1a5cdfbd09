import { redactText } from "../log/redact.ts";

/** Maximum length, in characters, of a received or documented value kept in a failure. */
export const MAX_VALUE_LENGTH = 200;

/** Renders a value as compact JSON (bytes as a length), cut to `maxLength` characters with an ellipsis. */
export function formatValue(value: unknown, maxLength: number = MAX_VALUE_LENGTH): string {
  let text: string;
  if (value instanceof Uint8Array) text = `<${value.byteLength} bytes>`;
  else if (value instanceof ArrayBuffer) text = `<${value.byteLength} bytes>`;
  else if (value === undefined) text = "undefined";
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  // Secrets are redacted before the cut, because a cut key no longer matches its registered value.
  text = redactText(text);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

import { redactJson, redactText } from "../log/redact.ts";
import type { ExchangeRequest } from "./exchange.ts";

/** Maximum characters of a JSON body written into a curl command; longer bodies are cut. */
const MAX_BODY_CHARS = 4_000;

/**
 * Renders a request as a curl command that reproduces it in a POSIX shell. The key is never
 * written: the credential header refers to its environment variable (`$MSQ_API_KEY`), or shows
 * `***` for a made-up probe key. Secret fields of JSON bodies are redacted, and file parts of a
 * multipart body refer to a local file of the same name, which the reader must supply.
 */
export function renderCurl(request: ExchangeRequest): string {
  const parts = ["curl", "-sS"];
  if (isStreaming(request)) parts.push("-N");
  parts.push("-X", request.method, singleQuote(redactText(request.url)));

  const credential = credentialHeader(request);
  if (credential !== undefined) parts.push("-H", credential);
  for (const [name, value] of Object.entries(request.headers)) {
    if (request.body.kind === "multipart" && name === "content-type") continue;
    parts.push("-H", singleQuote(`${name}: ${redactText(value)}`));
  }

  switch (request.body.kind) {
    case "none":
      break;
    case "json": {
      let text = JSON.stringify(redactJson(request.body.value));
      if (text.length > MAX_BODY_CHARS) text = `${text.slice(0, MAX_BODY_CHARS)}...(cut)`;
      parts.push("--data-binary", singleQuote(text));
      break;
    }
    case "bytes":
      parts.push("--data-binary", "@body.bin");
      break;
    case "multipart":
      for (const field of request.body.fields) {
        const text =
          "value" in field
            ? `${field.name}=${redactText(field.value)}`
            : `${field.name}=@${field.filename};type=${field.contentType}`;
        parts.push("-F", singleQuote(text));
      }
      break;
  }
  return parts.join(" ");
}

function credentialHeader(request: ExchangeRequest): string | undefined {
  const { scheme, variable } = request.credential;
  if (scheme === "none") return undefined;
  const value = variable === undefined ? "***" : `$${variable}`;
  // Double quotes, so that the shell expands the variable.
  return scheme === "x-api-key" ? `"x-api-key: ${value}"` : `"Authorization: Bearer ${value}"`;
}

function isStreaming(request: ExchangeRequest): boolean {
  if (request.headers["accept"]?.includes("text/event-stream") === true) return true;
  if (request.body.kind !== "json") return /\/stream$/.test(request.path);
  const value = request.body.value;
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)["stream"] === true;
}

/** Quotes a word for a POSIX shell: inside single quotes, a quote is written as '\''. */
export function singleQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

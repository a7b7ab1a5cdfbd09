/** Media type matching for response content types, as RFC 9110 section 8.3 defines them. */

/** Returns the lowercase `type/subtype` of a Content-Type value, without parameters. */
export function essenceOf(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

/**
 * Picks the documented media type that covers `received`: an exact match first, then `type/*`,
 * then `*\/*`. Parameters such as `; charset=utf-8` are ignored on both sides.
 */
export function matchMediaType(documented: readonly string[], received: string): string | undefined {
  const essence = essenceOf(received);
  const [type] = essence.split("/");
  const exact = documented.find((candidate) => essenceOf(candidate) === essence);
  if (exact !== undefined) return exact;
  const range = documented.find((candidate) => essenceOf(candidate) === `${type}/*`);
  if (range !== undefined) return range;
  return documented.find((candidate) => essenceOf(candidate) === "*/*");
}

/** True for `application/json` and structured `+json` types such as `application/problem+json`. */
export function isJsonMediaType(mediaType: string): boolean {
  const essence = essenceOf(mediaType);
  return essence === "application/json" || essence.endsWith("+json");
}

const BINARY_FAMILIES = ["audio/", "video/", "image/"];
const BINARY_TYPES = new Set(["application/octet-stream", "application/pdf", "application/zip"]);

/** True for media types whose bodies are bytes rather than text or JSON. */
export function isBinaryMediaType(mediaType: string): boolean {
  const essence = essenceOf(mediaType);
  return BINARY_TYPES.has(essence) || BINARY_FAMILIES.some((family) => essence.startsWith(family));
}

/** JSON Pointer (RFC 6901) helpers for locations inside the OpenAPI document. */

export function escapePointerSegment(segment: string | number): string {
  return String(segment).replaceAll("~", "~0").replaceAll("/", "~1");
}

export function unescapePointerSegment(segment: string): string {
  return segment.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** Builds a pointer such as `/paths/~1v1~1models/get` from raw segments. */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((segment) => `/${escapePointerSegment(segment)}`).join("");
}

/**
 * Splits a pointer into raw segments. Accepts the plain form (`/a/b`), the URI fragment form
 * (`#/a/b`, percent-decoded as in `$ref` values) and the empty pointer.
 */
export function parsePointer(pointer: string): string[] {
  let text = pointer.startsWith("#") ? pointer.slice(1) : pointer;
  if (pointer.startsWith("#")) {
    try {
      text = decodeURIComponent(text);
    } catch {
      // A lone `%` is kept as written; the pointer is then matched literally.
    }
  }
  if (text === "") return [];
  return text.replace(/^\//, "").split("/").map(unescapePointerSegment);
}

/** Returns the value at `segments` inside `root`, or undefined when a segment is missing. */
export function getAtPath(root: unknown, segments: readonly string[]): unknown {
  let node = root;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      node = node[Number(segment)];
    } else if (node !== null && typeof node === "object") {
      node = (node as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return node;
}

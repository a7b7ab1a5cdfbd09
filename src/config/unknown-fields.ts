import { closest, distance } from "fastest-levenshtein";
import { ConfigError } from "./config-error.ts";

/** Edit distance up to which a known name counts as the probably intended one. */
const MAX_SUGGESTION_DISTANCE = 3;

/**
 * Returns the known name closest to `name` when it is at most 3 edits away, so that an error can
 * ask "Did you mean ...?", and undefined when no known name is that close.
 */
export function closestKnownName(name: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const suggestion = closest(name, [...known]);
  return distance(name, suggestion) <= MAX_SUGGESTION_DISTANCE ? suggestion : undefined;
}

/**
 * Raises a ConfigError for the first key of `input` that is not in `allowed`, so that a misspelt
 * field is not silently ignored. The message names `source`, the key with `prefix` (such as
 * "chat."), the closest known field and every known field.
 */
export function rejectUnknownFields(
  input: Record<string, unknown>,
  allowed: readonly string[],
  source: string,
  prefix: string,
): void {
  for (const key of Object.keys(input)) {
    if (allowed.includes(key)) continue;
    const suggestion = closestKnownName(key, allowed);
    const hint = suggestion === undefined ? "" : ` Did you mean ${prefix}${suggestion}?`;
    const known = allowed.map((name) => `${prefix}${name}`).join(", ");
    throw new ConfigError(`${source}: unknown field ${prefix}${key}.${hint} Known fields: ${known}.`);
  }
}

import { isJsonObject, parseHttpUrl, type JsonObject } from "../../request-fields.ts";
import { scrapedPageText } from "../utilities/scraped-text.ts";

/** The documented default separator between a helper selector and its data key. */
export const DEFAULT_DELIMITER = "|#|";

/** A helper token `<selector|#|dataKey>` in a workflow's main prompt. */
export interface HelperToken {
  /** The whole token, as it appears in the prompt. */
  readonly token: string;
  readonly selector: string;
  readonly dataKey: string;
  /** Position of the token among the prompt's helper tokens, from 0. */
  readonly patternIndex: number;
}

/** A `{{ path }}` template named a path that the data payload lacks. */
export class DataInterpolationError extends Error {
  override readonly name = "DataInterpolationError";
  constructor(readonly dataPath: string) {
    super(
      `The data payload has no value at ${dataPath}. ` +
        "Add it to dataPayload or fix the template in mainPrompt.",
    );
  }
}

const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Finds the helper tokens of `prompt`, in order. */
export function parseHelperTokens(prompt: string, delimiter: string): HelperToken[] {
  return [...prompt.matchAll(helperTokenPattern(delimiter))].map((match, patternIndex) => ({
    token: match[0],
    selector: (match[1] as string).trim(),
    dataKey: (match[2] as string).trim(),
    patternIndex,
  }));
}

/**
 * Renders a main prompt: every `{{ path }}` gets its value from `data`, and every helper token is
 * replaced by `helperOutput` of that token. Helper outputs are inserted last, so templates inside
 * them stay as they are.
 * @throws DataInterpolationError for the first path that `data` lacks.
 */
export function renderMainPrompt(
  prompt: string,
  delimiter: string,
  data: JsonObject,
  helperOutput: (patternIndex: number) => string,
): string {
  let patternIndex = 0;
  const marked = prompt.replace(helperTokenPattern(delimiter), () => `\u0000${patternIndex++}\u0000`);
  const rendered = renderDataTemplates(marked, data);
  return rendered.replace(/\u0000(\d+)\u0000/g, (_marker, index: string) => helperOutput(Number(index)));
}

function helperTokenPattern(delimiter: string): RegExp {
  return new RegExp(`<([^<>]+?)${escapeRegExp(delimiter)}([^<>]*)>`, "g");
}

/**
 * Replaces every `{{ path }}` in `text` with its value in `data`: text as is, objects and arrays
 * as pretty-printed JSON.
 * @throws DataInterpolationError for the first path that `data` lacks.
 */
export function renderDataTemplates(text: string, data: JsonObject): string {
  return text.replace(TEMPLATE, (_template, path: string) => valueText(lookupDataPath(data, path), path));
}

/**
 * Resolves a helper's data key into the helper's input. The key may be a `{{ path }}` template, a
 * top-level data key, a literal, a comma-separated list of those, or a JSON object with a
 * `scrape_url`. A data value that is such an object is replaced by the page text too.
 * @throws DataInterpolationError when a template names a missing path.
 */
export function resolveHelperInput(dataKey: string, data: JsonObject): string {
  const scrapeTarget = scrapeUrlOf(parseJsonObject(dataKey));
  if (scrapeTarget !== undefined) return scrapeTarget;
  return dataKey
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      if (part.includes("{{")) return renderDataTemplates(part, data);
      if (!Object.hasOwn(data, part)) return part;
      const value = data[part];
      return scrapeUrlOf(value) ?? valueText(value, part);
    })
    .join("\n");
}

/**
 * Looks up `path` in `data`: first as one top-level key, then as a dotted path whose segments may
 * be array indices (`sources.0.title`).
 */
function lookupDataPath(data: JsonObject, path: string): unknown {
  if (Object.hasOwn(data, path)) return data[path];
  let current: unknown = data;
  for (const segment of path.split(".")) {
    if (Array.isArray(current) && /^\d+$/.test(segment) && Number(segment) < current.length) {
      current = current[Number(segment)];
    } else if (isJsonObject(current) && Object.hasOwn(current, segment)) {
      current = current[segment];
    } else {
      throw new DataInterpolationError(path);
    }
  }
  return current;
}

function valueText(value: unknown, path: string): string {
  if (value === undefined) throw new DataInterpolationError(path);
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object") return JSON.stringify(value, null, 2);
  return String(value);
}

function scrapeUrlOf(value: unknown): string | undefined {
  if (!isJsonObject(value) || typeof value["scrape_url"] !== "string") return undefined;
  const url = parseHttpUrl(value["scrape_url"]);
  return url === undefined ? undefined : scrapedPageText(url);
}

function parseJsonObject(text: string): JsonObject | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

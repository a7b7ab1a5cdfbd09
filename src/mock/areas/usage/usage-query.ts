import { InvalidRequestError } from "../../request-fields.ts";
import type { LLMUsageMetric } from "../../usage-recording.ts";

/** The time range and filters shared by every usage route. */
export interface UsageQuery {
  /** Range start and end, Unix time in ms; rows whose `startTime` lies in [start, end] count. */
  readonly start: number;
  readonly end: number;
  readonly modelName: string | undefined;
  readonly chatId: string | undefined;
  readonly tools: boolean | undefined;
}

const WINDOW_UNITS_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const WINDOW = /^(\d+)([smhd])$/;
const DIGITS = /^\d+$/;
/** An ISO 8601 date or date-time, as `Date.parse` reads it. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

export interface RangeOptions {
  /** Accept a range whose end is not after its start; only a fault sets it. */
  readonly acceptEmptyRange?: boolean;
}

/**
 * Reads the time range and the shared filters. A valid `start`/`end` pair wins; otherwise `last`
 * (`<n><unit>`, unit s, m, h or d) sets a range that ends at `now`.
 * @throws InvalidRequestError when neither is valid, when `end` is not after `start`, or for an
 * invalid `tools` value.
 */
export function parseUsageQuery(query: URLSearchParams, now: number, options: RangeOptions = {}): UsageQuery {
  const range = parseRange(query, now);
  if (range.end <= range.start && options.acceptEmptyRange !== true) {
    throw new InvalidRequestError(
      `end must be later than start, received start ${new Date(range.start).toISOString()} ` +
        `and end ${new Date(range.end).toISOString()}.`,
      "end",
    );
  }
  return {
    ...range,
    modelName: nonEmpty(query.get("modelName")),
    chatId: nonEmpty(query.get("chatId")),
    tools: parseTools(query.get("tools")),
  };
}

/** Returns the rows of `rows` that fall in the range and pass the filters. */
export function selectRows(rows: Iterable<LLMUsageMetric>, query: UsageQuery): LLMUsageMetric[] {
  const selected: LLMUsageMetric[] = [];
  for (const row of rows) {
    if (row.startTime < query.start || row.startTime > query.end) continue;
    if (query.modelName !== undefined && row.modelName !== query.modelName) continue;
    if (query.chatId !== undefined && row.chatId !== query.chatId) continue;
    if (query.tools !== undefined && row.tools !== query.tools) continue;
    selected.push(row);
  }
  return selected;
}

function parseRange(query: URLSearchParams, now: number): { start: number; end: number } {
  const start = parseTimestamp(query.get("start"));
  const end = parseTimestamp(query.get("end"));
  if (start !== undefined && end !== undefined) return { start, end };

  const window = WINDOW.exec(query.get("last")?.trim() ?? "");
  if (window !== null) {
    const length = Number(window[1]) * (WINDOW_UNITS_MS[window[2] as string] as number);
    return { start: now - length, end: now };
  }
  throw new InvalidRequestError(
    "The time range is missing or invalid. Send start and end (Unix ms or ISO 8601 date-times), " +
      "or last (a window such as 24h or 7d, with unit s, m, h or d).",
  );
}

/** Reads Unix milliseconds or an ISO 8601 date-time; anything else is undefined. */
function parseTimestamp(value: string | null): number | undefined {
  const text = value?.trim() ?? "";
  if (DIGITS.test(text)) return Number(text);
  if (!ISO_DATE_TIME.test(text)) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

function parseTools(value: string | null): boolean | undefined {
  if (value === null || value === "") return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  throw new InvalidRequestError(
    `tools must be true or false, received ${JSON.stringify(value.slice(0, 40))}.`,
    "tools",
  );
}

function nonEmpty(value: string | null): string | undefined {
  return value === null || value === "" ? undefined : value;
}

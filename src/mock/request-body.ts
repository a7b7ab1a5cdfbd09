import type { MultipartForm } from "./mock-request.ts";

/**
 * Body size limits of the mock.
 * NOTE: the reference pages give no limits; these are estimates large enough for chat histories
 * and audio uploads, and small enough that an oversized-body test stays fast.
 */
export const BODY_LIMITS = {
  /** Maximum JSON or raw body, in bytes. */
  jsonBytes: 5 * 1024 * 1024,
  /** Maximum multipart body, in bytes (all parts together). */
  multipartBytes: 25 * 1024 * 1024,
  /** Maximum number of files in one multipart body. */
  multipartFiles: 10,
} as const;

/** The request body as an adapter provides it; read at most once. */
export interface BodySource {
  /** The Content-Type header, if any. */
  readonly contentType: string | undefined;
  /** Reads the whole body, rejecting with `BodyTooLargeError` past `limit` bytes. */
  bytes(limit: number): Promise<Uint8Array>;
  /** Parses a `multipart/form-data` body; rejects with `BodyTooLargeError` or `MalformedBodyError`. */
  multipart(limits: { bytes: number; files: number }): Promise<MultipartForm>;
}

export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
  constructor(readonly limit: number) {
    super(`The request body is larger than the mock's limit of ${limit} bytes.`);
  }
}

export class MalformedBodyError extends Error {
  override readonly name = "MalformedBodyError";
}

/** The media type of a Content-Type header value, lowercase, without parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const end = contentType.indexOf(";");
  const type = (end === -1 ? contentType : contentType.slice(0, end)).trim().toLowerCase();
  return type === "" ? undefined : type;
}

/** Whether a media type is JSON (`application/json` or a `+json` suffix type). */
export function isJsonMediaType(type: string | undefined): boolean {
  return type === "application/json" || (type !== undefined && type.endsWith("+json"));
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses a JSON body. An empty body yields `undefined`, so handlers report the missing fields.
 * @throws MalformedBodyError for invalid UTF-8 or invalid JSON, with the parser's message.
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new MalformedBodyError("The request body is not valid UTF-8.");
  }
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MalformedBodyError(`The request body is not valid JSON: ${reason}.`);
  }
}

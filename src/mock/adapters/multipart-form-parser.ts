import {
  MaxFileSizeExceededError,
  MaxTotalSizeExceededError,
  MultipartParseError,
  MultipartParser,
  getMultipartBoundary,
  type MultipartPart,
} from "@remix-run/multipart-parser";
import type { MultipartForm, UploadedFile } from "../mock-request.ts";
import { BodyTooLargeError, MalformedBodyError } from "../request-body.ts";

/**
 * Media type of a file part without a Content-Type header. RFC 7578 names text/plain as the
 * default of a part, but browsers and undici label an untyped file application/octet-stream, and
 * so does the mock.
 */
export const UNTYPED_FILE_MEDIA_TYPE = "application/octet-stream";

/** Size and count limits of one multipart body. */
export interface MultipartLimits {
  /** Maximum bytes of all part contents together, and so of any one part. */
  readonly bytes: number;
  /** Maximum number of file parts. */
  readonly files: number;
}

/**
 * Collects a `multipart/form-data` body, fed chunk by chunk, into a `MultipartForm`. Both
 * adapters use it, so they read every body alike: a file part keeps its Content-Type header
 * whole, parameters included, and a part is a file when it has a filename or the type
 * application/octet-stream. Parsing is done by @remix-run/multipart-parser.
 */
export class MultipartFormParser {
  private readonly parser: MultipartParser;
  private readonly fields = new Map<string, string[]>();
  private readonly files: UploadedFile[] = [];

  /** @throws MalformedBodyError when the Content-Type names no boundary. */
  constructor(
    contentType: string | undefined,
    private readonly limits: MultipartLimits,
  ) {
    const boundary = contentType === undefined ? null : getMultipartBoundary(contentType);
    if (boundary === null) {
      throw new MalformedBodyError(
        "The multipart Content-Type has no boundary; send multipart/form-data; boundary=<boundary>.",
      );
    }
    this.parser = new MultipartParser(boundary, { maxFileSize: limits.bytes, maxTotalSize: limits.bytes });
  }

  /** Parses the next chunk of the body. @throws BodyTooLargeError or MalformedBodyError. */
  write(chunk: Uint8Array): void {
    try {
      for (const part of this.parser.write(chunk)) this.add(part);
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** Returns the form once the whole body has been written. @throws MalformedBodyError for a truncated body. */
  finish(): MultipartForm {
    try {
      this.parser.finish();
    } catch (error) {
      throw this.translate(error);
    }
    return { fields: this.fields, files: this.files };
  }

  private add(part: MultipartPart): void {
    const name = part.name;
    // A part without a form-data name belongs to no field; browsers never send one.
    if (name === undefined) return;
    if (!part.isFile) {
      const values = this.fields.get(name) ?? [];
      values.push(part.text);
      this.fields.set(name, values);
      return;
    }
    if (this.files.length === this.limits.files) {
      throw new MalformedBodyError(`The multipart body has more than ${this.limits.files} files.`);
    }
    const contentType = part.headers["content-type"];
    this.files.push({
      field: name,
      filename: part.filename ?? "",
      mimeType: contentType === undefined || contentType === "" ? UNTYPED_FILE_MEDIA_TYPE : contentType,
      bytes: part.bytes,
    });
  }

  private translate(error: unknown): unknown {
    if (error instanceof MaxFileSizeExceededError || error instanceof MaxTotalSizeExceededError) {
      return new BodyTooLargeError(this.limits.bytes);
    }
    if (error instanceof MultipartParseError) {
      return new MalformedBodyError(`The multipart body is malformed: ${error.message}.`);
    }
    return error;
  }
}

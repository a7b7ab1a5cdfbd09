/** The request as every operation handler sees it, whichever adapter received it. */
export interface MockRequest {
  /** Uppercase HTTP method. */
  readonly method: string;
  /** Path without the query string, exactly as received (still percent-encoded). */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Header values by lowercase name; repeated headers are joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** Path parameters of the matched route template, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** Arrival time on the `performance.now()` clock, in ms; planned send times count from here. */
  readonly receivedAt: number;
  /** Arrival time as Unix time in ms, for timestamps in bodies and usage rows. */
  readonly receivedAtEpochMs: number;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /** The parsed JSON body of JSON operations; `undefined` when the request had no body. */
  readonly json: unknown;
  /** The parsed form of multipart operations. */
  readonly form: MultipartForm | undefined;
  /** The raw body bytes of operations that read the body as bytes. */
  readonly rawBody: Uint8Array | undefined;
}

/** A parsed `multipart/form-data` body. */
export interface MultipartForm {
  /** Text fields by name, in the order received; a repeated field has several values. */
  readonly fields: ReadonlyMap<string, readonly string[]>;
  readonly files: readonly UploadedFile[];
}

export interface UploadedFile {
  /** Name of the form field that carried the file. */
  readonly field: string;
  readonly filename: string;
  /** The part's Content-Type header as sent, parameters included; `application/octet-stream` if it has none. */
  readonly mimeType: string;
  readonly bytes: Uint8Array;
}

/** Returns the first value of a form field, or `undefined` if the field is absent. */
export function formField(form: MultipartForm, name: string): string | undefined {
  return form.fields.get(name)?.[0];
}

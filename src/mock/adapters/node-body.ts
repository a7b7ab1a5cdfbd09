import type { IncomingMessage } from "node:http";
import busboy from "busboy";
import type { MultipartForm, UploadedFile } from "../mock-request.ts";
import { BodyTooLargeError, MalformedBodyError, type BodySource } from "../request-body.ts";

/** Reads the body of a `node:http` request: buffered for JSON and raw bodies, busboy for multipart. */
export class NodeBodySource implements BodySource {
  /**
   * True when reading stopped before the end of the body (it was too large or malformed). The rest
   * of such a body is never read, so the connection must close after the response.
   */
  abandoned = false;

  constructor(private readonly request: IncomingMessage) {}

  get contentType(): string | undefined {
    return this.request.headers["content-type"];
  }

  bytes(limit: number): Promise<Uint8Array> {
    const request = this.request;
    const declared = Number(request.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      this.abandoned = true;
      return Promise.reject(new BodyTooLargeError(limit));
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let length = 0;
      const onData = (chunk: Buffer): void => {
        length += chunk.length;
        if (length > limit) {
          cleanup();
          this.abandoned = true;
          reject(new BodyTooLargeError(limit));
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = (): void => {
        cleanup();
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length));
      };
      const onError = (error: Error): void => {
        cleanup();
        this.abandoned = true;
        reject(new MalformedBodyError(`The request body could not be read: ${error.message}.`));
      };
      const cleanup = (): void => {
        request.off("data", onData);
        request.off("end", onEnd);
        request.off("error", onError);
      };
      request.on("data", onData);
      request.on("end", onEnd);
      request.on("error", onError);
    });
  }

  multipart(limits: { bytes: number; files: number }): Promise<MultipartForm> {
    const request = this.request;
    const declared = Number(request.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limits.bytes) {
      this.abandoned = true;
      return Promise.reject(new BodyTooLargeError(limits.bytes));
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        // Browsers and undici send UTF-8 filenames unencoded; busboy's default would read them as latin1.
        defParamCharset: "utf8",
        limits: { fileSize: limits.bytes, files: limits.files, fieldSize: limits.bytes },
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return Promise.reject(new MalformedBodyError(`The multipart body could not be parsed: ${reason}.`));
    }
    return new Promise((resolve, reject) => {
      const fields = new Map<string, string[]>();
      const files: UploadedFile[] = [];
      const pending: Promise<void>[] = [];
      let total = 0;
      let failed = false;
      const fail = (error: Error): void => {
        if (failed) return;
        failed = true;
        this.abandoned = true;
        request.unpipe(parser);
        request.resume();
        reject(error);
      };

      parser.on("field", (name, value) => {
        total += value.length;
        if (total > limits.bytes) return fail(new BodyTooLargeError(limits.bytes));
        const values = fields.get(name) ?? [];
        values.push(value);
        fields.set(name, values);
      });
      parser.on("file", (field, stream, info) => {
        const chunks: Buffer[] = [];
        pending.push(
          new Promise<void>((done) => {
            stream.on("data", (chunk: Buffer) => {
              total += chunk.length;
              chunks.push(chunk);
            });
            stream.on("limit", () => fail(new BodyTooLargeError(limits.bytes)));
            stream.on("close", () => {
              files.push({
                field,
                filename: info.filename ?? "",
                mimeType: info.mimeType === "" ? "application/octet-stream" : info.mimeType,
                bytes: Buffer.concat(chunks),
              });
              done();
            });
          }),
        );
      });
      parser.on("filesLimit", () =>
        fail(new MalformedBodyError(`The multipart body has more than ${limits.files} files.`)),
      );
      parser.on("error", (error: Error) =>
        fail(new MalformedBodyError(`The multipart body is malformed: ${error.message}.`)),
      );
      parser.on("close", () => {
        void Promise.all(pending).then(() => {
          if (failed) return;
          if (total > limits.bytes) return fail(new BodyTooLargeError(limits.bytes));
          resolve({ fields, files });
        });
      });
      request.on("error", (error) =>
        fail(new MalformedBodyError(`The request body could not be read: ${error.message}.`)),
      );
      request.pipe(parser);
    });
  }
}

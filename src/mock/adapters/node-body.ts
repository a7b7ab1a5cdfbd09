import type { IncomingMessage } from "node:http";
import type { MultipartForm } from "../mock-request.ts";
import { BodyTooLargeError, MalformedBodyError, type BodySource } from "../request-body.ts";
import { MultipartFormParser, type MultipartLimits } from "./multipart-form-parser.ts";

/** Reads the body of a `node:http` request: buffered for JSON and raw bodies, parsed as it arrives for multipart. */
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
    if (this.declaredLengthExceeds(limit)) return Promise.reject(new BodyTooLargeError(limit));
    return new Promise((resolve, reject) => {
      new BodyReading(this.request, new ByteCollector(limit), this, resolve, reject).start();
    });
  }

  multipart(limits: MultipartLimits): Promise<MultipartForm> {
    if (this.declaredLengthExceeds(limits.bytes)) return Promise.reject(new BodyTooLargeError(limits.bytes));
    let parser: MultipartFormParser;
    try {
      parser = new MultipartFormParser(this.contentType, limits);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return new Promise((resolve, reject) => {
      new BodyReading(this.request, parser, this, resolve, reject).start();
    });
  }

  private declaredLengthExceeds(limit: number): boolean {
    const declared = Number(this.request.headers["content-length"]);
    if (!Number.isFinite(declared) || declared <= limit) return false;
    this.abandoned = true;
    return true;
  }
}

/** Receives the chunks of a body and builds its value; `write` throws to stop reading. */
interface ChunkConsumer<T> {
  write(chunk: Buffer): void;
  finish(): T;
}

/** Buffers a body up to `limit` bytes. */
class ByteCollector implements ChunkConsumer<Uint8Array> {
  private readonly chunks: Buffer[] = [];
  private length = 0;

  constructor(private readonly limit: number) {}

  write(chunk: Buffer): void {
    this.length += chunk.length;
    if (this.length > this.limit) throw new BodyTooLargeError(this.limit);
    this.chunks.push(chunk);
  }

  finish(): Uint8Array {
    const chunks = this.chunks;
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.length);
  }
}

/**
 * Feeds the chunks of a request body to a consumer and settles once. The listeners are arrow
 * functions assigned in the constructor, not named closures, to keep the per-request cost low
 * (see `node-http.ts`). When the consumer rejects a chunk, the rest of the body is discarded
 * and the body source is marked abandoned.
 */
class BodyReading<T> {
  private readonly onData: (chunk: Buffer) => void;
  private readonly onEnd: () => void;
  private readonly onError: (error: Error) => void;

  constructor(
    private readonly request: IncomingMessage,
    private readonly consumer: ChunkConsumer<T>,
    private readonly source: NodeBodySource,
    private readonly resolve: (value: T) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    this.onData = (chunk) => this.data(chunk);
    this.onEnd = () => this.end();
    this.onError = (error) =>
      this.fail(new MalformedBodyError(`The request body could not be read: ${error.message}.`));
  }

  start(): void {
    this.request.on("data", this.onData);
    this.request.on("end", this.onEnd);
    this.request.on("error", this.onError);
  }

  private data(chunk: Buffer): void {
    try {
      this.consumer.write(chunk);
    } catch (error) {
      this.fail(error);
    }
  }

  private end(): void {
    this.stop();
    try {
      this.resolve(this.consumer.finish());
    } catch (error) {
      this.reject(error);
    }
  }

  private fail(error: unknown): void {
    this.stop();
    this.source.abandoned = true;
    // Keep the stream flowing, so the rest of the body is discarded until the connection closes.
    this.request.resume();
    this.reject(error);
  }

  private stop(): void {
    this.request.off("data", this.onData);
    this.request.off("end", this.onEnd);
    this.request.off("error", this.onError);
  }
}

import type { MultipartForm } from "../mock-request.ts";
import { BodyTooLargeError, MalformedBodyError, type BodySource } from "../request-body.ts";
import { MultipartFormParser, type MultipartLimits } from "./multipart-form-parser.ts";

/** Reads the body of a Fetch API `Request` (the msw adapter). */
export class FetchBodySource implements BodySource {
  constructor(private readonly request: Request) {}

  get contentType(): string | undefined {
    return this.request.headers.get("content-type") ?? undefined;
  }

  async bytes(limit: number): Promise<Uint8Array> {
    this.checkDeclaredLength(limit);
    const bytes = new Uint8Array(await this.request.arrayBuffer());
    if (bytes.length > limit) throw new BodyTooLargeError(limit);
    return bytes;
  }

  async multipart(limits: MultipartLimits): Promise<MultipartForm> {
    this.checkDeclaredLength(limits.bytes);
    const parser = new MultipartFormParser(this.contentType, limits);
    const body = this.request.body;
    if (body !== null) {
      const reader = body.getReader();
      try {
        for (let next = await reader.read(); !next.done; next = await reader.read()) parser.write(next.value);
      } catch (error) {
        await reader.cancel().catch(() => undefined);
        if (error instanceof BodyTooLargeError || error instanceof MalformedBodyError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new MalformedBodyError(`The request body could not be read: ${reason}.`);
      }
    }
    return parser.finish();
  }

  private checkDeclaredLength(limit: number): void {
    const declared = Number(this.request.headers.get("content-length"));
    if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  }
}

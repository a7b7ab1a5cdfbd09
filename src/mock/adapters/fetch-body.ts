import type { MultipartForm, UploadedFile } from "../mock-request.ts";
import { BodyTooLargeError, MalformedBodyError, type BodySource } from "../request-body.ts";

/** Reads the body of a Fetch API `Request` (the msw adapter); multipart through `request.formData()`. */
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

  async multipart(limits: { bytes: number; files: number }): Promise<MultipartForm> {
    this.checkDeclaredLength(limits.bytes);
    let data: FormData;
    try {
      data = await this.request.formData();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new MalformedBodyError(`The multipart body is malformed: ${reason}.`);
    }
    const fields = new Map<string, string[]>();
    const files: UploadedFile[] = [];
    let total = 0;
    const entries: [string, FormDataEntryValue][] = [];
    data.forEach((value, name) => entries.push([name, value]));
    for (const [name, value] of entries) {
      if (typeof value === "string") {
        total += value.length;
        const values = fields.get(name) ?? [];
        values.push(value);
        fields.set(name, values);
        continue;
      }
      const bytes = new Uint8Array(await value.arrayBuffer());
      total += bytes.length;
      files.push({
        field: name,
        filename: value.name,
        mimeType: value.type === "" ? "application/octet-stream" : value.type,
        bytes,
      });
    }
    if (total > limits.bytes) throw new BodyTooLargeError(limits.bytes);
    if (files.length > limits.files) {
      throw new MalformedBodyError(`The multipart body has more than ${limits.files} files.`);
    }
    return { fields, files };
  }

  private checkDeclaredLength(limit: number): void {
    const declared = Number(this.request.headers.get("content-length"));
    if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  }
}

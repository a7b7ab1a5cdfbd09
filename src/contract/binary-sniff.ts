import { fileTypeFromBuffer } from "file-type";
import type { Exchange } from "../http/exchange.ts";

/** Format of the bytes of a binary body, detected from their signature by file-type 21. */
export interface SniffedType {
  /** File extension of the detected format, such as `wav`; undefined when no signature matched. */
  readonly ext: string | undefined;
  readonly mime: string | undefined;
  /** True when the bytes are UTF-8 text that starts like JSON, such as an error body. */
  readonly looksLikeJson: boolean;
}

/** Detects the format of a response body. Async because file-type reads through a tokenizer. */
export async function sniffResponseBody(exchange: Exchange): Promise<SniffedType> {
  const body = exchange.response?.body ?? new Uint8Array();
  const detected = body.byteLength === 0 ? undefined : await fileTypeFromBuffer(body);
  const head = new TextDecoder("utf-8", { fatal: false }).decode(body.subarray(0, 64)).trimStart();
  return {
    ext: detected?.ext,
    mime: detected?.mime,
    looksLikeJson: head.startsWith("{") || head.startsWith("["),
  };
}

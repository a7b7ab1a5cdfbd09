import type { ExchangeResponse, Exchange } from "../../src/http/exchange.ts";

/**
 * Joins the base64 `b64` fields of the `audio_chunk` events of a recorded SSE stream into the
 * audio bytes they carry, as a response whose body is those bytes (for `sniffResponseBody`).
 */
export function streamAudio(exchange: Exchange): { response: ExchangeResponse; bytes: number } {
  const pieces: Buffer[] = [];
  for (const event of exchange.response?.sse?.events ?? []) {
    try {
      const payload = JSON.parse(event.data) as { type?: unknown; b64?: unknown };
      if (payload.type === "audio_chunk" && typeof payload.b64 === "string")
        pieces.push(Buffer.from(payload.b64, "base64"));
    } catch {
      // Not JSON: the framing checks report it.
    }
  }
  const body = new Uint8Array(Buffer.concat(pieces));
  return { response: { status: exchange.response?.status ?? 0, headers: {}, body }, bytes: body.byteLength };
}

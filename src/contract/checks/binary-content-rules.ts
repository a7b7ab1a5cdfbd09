import { essenceOf } from "../../validation/media-type.ts";
import { type ContractCheck } from "../contract-check.ts";
import { failureOf } from "../../validation/contract-failure.ts";

/**
 * File extensions that file-type 21 reports for each documented audio type. `null` marks a raw
 * format without a signature (PCM), which matches when no signature is found.
 */
const EXPECTED_EXTENSIONS: Readonly<Record<string, readonly (string | null)[]>> = {
  "audio/mpeg": ["mp3"],
  "audio/mp3": ["mp3"],
  "audio/wav": ["wav"],
  "audio/x-wav": ["wav"],
  "audio/wave": ["wav"],
  "audio/opus": ["opus", "ogg"],
  "audio/ogg": ["ogg", "opus", "oga"],
  "audio/aac": ["aac", "m4a"],
  "audio/flac": ["flac"],
  "audio/l16": [null],
  "audio/webm": ["webm"],
};

/** The bytes of a binary response are in the format its Content-Type declares. */
export const binaryContentMatchesType: ContractCheck = {
  id: "binary-content-matches-type",
  family: "binary-content",
  description: "The bytes of a binary response are non-empty and in the format its Content-Type declares.",
  appliesTo: (_operation, exchange, context) =>
    context.intent.kind === "binary-content" && exchange.response !== undefined,
  run(operation, exchange, context) {
    if (context.intent.kind !== "binary-content" || exchange.response === undefined) return [];
    const { sniffed } = context.intent;
    const declared = essenceOf(exchange.response.headers["content-type"] ?? "");
    const size = exchange.response.body.byteLength;
    const fail = (title: string, received: string, documented: string) => [
      failureOf(operation, "binary-content-matches-type", {
        title,
        message:
          `The body is declared as ${declared || "nothing"} but received ${received}; the spec documents ` +
          `${documented}. Send the audio in the format the Content-Type names, or name the real format.`,
        received,
        documented,
      }),
    ];
    if (size === 0) return fail("Binary body is empty", "0 bytes", `non-empty ${declared} bytes`);
    if (sniffed.looksLikeJson && sniffed.ext === undefined) {
      return fail("Binary body is JSON", `${size} bytes of JSON text`, `${declared} bytes`);
    }
    const expected = EXPECTED_EXTENSIONS[declared];
    if (expected === undefined) {
      const family = declared.split("/")[0];
      if (sniffed.mime === undefined || sniffed.mime.startsWith(`${family}/`)) return [];
      return fail(
        "Binary body in another format",
        `${size} bytes detected as ${sniffed.mime}`,
        `${declared} bytes`,
      );
    }
    if (expected.includes(sniffed.ext ?? null)) return [];
    const received =
      sniffed.ext === undefined
        ? `${size} bytes with no known signature`
        : `${size} bytes detected as ${sniffed.mime ?? sniffed.ext}`;
    return fail(
      "Binary body does not match its Content-Type",
      received,
      `${declared} bytes (${expected.map((ext) => ext ?? "raw").join(" or ")})`,
    );
  },
};

/** The bytes of a download equal the bytes that were uploaded. */
export const binaryContentMatchesUpload: ContractCheck = {
  id: "binary-content-matches-upload",
  family: "binary-content",
  description: "A download returns exactly the bytes that were uploaded.",
  appliesTo: (_operation, exchange, context) =>
    context.intent.kind === "binary-content" &&
    context.intent.expectedBytes !== undefined &&
    exchange.response !== undefined,
  run(operation, exchange, context) {
    if (context.intent.kind !== "binary-content" || context.intent.expectedBytes === undefined) return [];
    const expected = Buffer.from(context.intent.expectedBytes);
    const received = Buffer.from(exchange.response?.body ?? new Uint8Array());
    if (expected.equals(received)) return [];
    let offset = 0;
    while (offset < Math.min(expected.length, received.length) && expected[offset] === received[offset])
      offset += 1;
    const difference = `${received.length} bytes that differ from the ${expected.length} uploaded bytes at offset ${offset}`;
    return [
      failureOf(operation, "binary-content-matches-upload", {
        title: "Download differs from the upload",
        message: `The download returned ${difference}; the spec documents the uploaded bytes unchanged. Store and serve the bytes as received.`,
        received: difference,
        documented: `the ${expected.length} uploaded bytes`,
      }),
    ];
  },
};

/** The joined audio chunks of a stream form a file of the requested format. */
export const streamAudioMatchesFormat: ContractCheck = {
  id: "stream-audio-matches-format",
  family: "binary-content",
  description: "The base64 audio chunks of a stream join into a file of the requested format.",
  appliesTo: (_operation, _exchange, context) => context.intent.kind === "stream-audio",
  run(operation, _exchange, context) {
    if (context.intent.kind !== "stream-audio") return [];
    const { mediaType, sniffed, bytes } = context.intent;
    const expected = EXPECTED_EXTENSIONS[mediaType.toLowerCase()];
    if (bytes > 0 && (expected === undefined || expected.includes(sniffed.ext ?? null))) return [];
    const received =
      bytes === 0 ? "no audio bytes" : `${bytes} bytes detected as ${sniffed.mime ?? "no known format"}`;
    return [
      failureOf(operation, "stream-audio-matches-format", {
        title: "Streamed audio is not the requested format",
        message:
          `The joined audio_chunk events hold ${received}; the spec documents ${mediaType} for the requested format. ` +
          "Stream the bytes of one file in the requested format.",
        received,
        documented: mediaType,
      }),
    ];
  },
};

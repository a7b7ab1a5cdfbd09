import type { FaultDefinition } from "../../fault-registry.ts";

function eventType(data: unknown): unknown {
  return typeof data === "object" && data !== null ? (data as Record<string, unknown>)["type"] : undefined;
}

export const AUDIO_FAULTS = {
  contentTypeMismatch: {
    name: "tts-content-type-mismatch",
    area: "audio",
    kind: "binary-content",
    rule: "TTS audio bytes are in the format that the response's Content-Type names.",
  },
  wavHeaderCorrupt: {
    name: "tts-wav-header-corrupt",
    area: "audio",
    kind: "binary-content",
    rule: "A wav TTS response is a valid RIFF/WAVE file.",
    operations: ["createSpeech"],
    transformResponse: (response) => {
      if (response.kind !== "binary" || response.contentType !== "audio/wav") return response;
      const corrupt = Uint8Array.from(response.body);
      corrupt.set([0x57, 0x41, 0x56, 0x58], 8); // "WAVX" where "WAVE" belongs
      return { ...response, body: corrupt };
    },
  },
  chunkNotBase64: {
    name: "tts-stream-chunk-not-base64",
    area: "audio",
    kind: "body-schema",
    rule: "Each audio_chunk event carries base64 audio in b64.",
    operations: ["streamSpeech"],
    createFrameTransform: () => (frame) =>
      eventType(frame.data) === "audio_chunk"
        ? [{ ...frame, data: { type: "audio_chunk", b64: "not base64 !!" } }]
        : [frame],
  },
  doneMissing: {
    name: "tts-stream-done-missing",
    area: "audio",
    kind: "sse-framing",
    rule: "A TTS stream ends with data: [DONE].",
    operations: ["streamSpeech"],
    createFrameTransform: () => (frame) => (frame.data === "[DONE]" ? [] : [frame]),
  },
  stopBeforeChunks: {
    name: "tts-stream-stop-before-chunks",
    area: "audio",
    kind: "sse-order",
    rule: "The audio_stop event follows the last audio_chunk event of a TTS stream.",
    operations: ["streamSpeech"],
    createFrameTransform: () => {
      let stopSent = false;
      return (frame) => {
        const type = eventType(frame.data);
        if (type === "audio_stop") return stopSent ? [] : [frame];
        if (type === "audio_chunk" && !stopSent) {
          stopSent = true;
          return [{ ...frame, data: { type: "audio_stop" } }, frame];
        }
        return [frame];
      };
    },
  },
  unsupportedMimeAccepted: {
    name: "stt-unsupported-mime-accepted",
    area: "audio",
    kind: "status-code",
    rule: "Transcription rejects files that are not audio/mpeg, audio/wav, audio/ogg or audio/webm with 400.",
  },
  transcriptTextMissing: {
    name: "stt-text-missing",
    area: "audio",
    kind: "body-schema",
    rule: "A transcription carries its text.",
    operations: ["createTranscription"],
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status !== 200) return response;
      const { text: _text, ...rest } = response.body as Record<string, unknown>;
      return { ...response, body: rest };
    },
  },
} satisfies Record<string, FaultDefinition>;

import type { MockArea, OperationContext } from "../../area.ts";
import type { MockResponse, SseFrame } from "../../mock-response.ts";
import { InvalidRequestError } from "../../request-fields.ts";
import { checkTtsProvider } from "../voices/index.ts";
import { AUDIO_PROVIDERS } from "../voices/voice-records.ts";
import { AUDIO_FAULTS } from "./audio-faults.ts";
import { AUDIO_CONTENT_TYPES, encodeSpeech, type AudioFormat } from "./audio-formats.ts";
import { parseSpeechRequest, type SpeechRequest } from "./speech-request.ts";
import { transcribe } from "./transcription.ts";

/** Raw audio bytes per `audio_chunk` event, before base64. */
const STREAM_CHUNK_BYTES = 16 * 1024;

/** Groq's TTS produces WAV whatever format was asked for. */
function outputFormat(speech: SpeechRequest): AudioFormat {
  return speech.providerKey === "groq" ? "wav" : speech.format;
}

function createSpeech(context: OperationContext): MockResponse {
  const speech = parseSpeechRequest(context);
  checkTtsProvider(context, speech.providerKey, speech.apiKey);
  const format = outputFormat(speech);
  if (context.faults.has(AUDIO_FAULTS.contentTypeMismatch)) {
    // Bytes of one format labelled as another: WAV bytes, or MP3 bytes when WAV was asked for.
    const actual: AudioFormat = format === "wav" ? "mp3" : "wav";
    return {
      kind: "binary",
      status: 200,
      contentType: AUDIO_CONTENT_TYPES[format],
      body: encodeSpeech(speech.text, speech.speed, actual),
    };
  }
  return {
    kind: "binary",
    status: 200,
    contentType: AUDIO_CONTENT_TYPES[format],
    body: encodeSpeech(speech.text, speech.speed, format),
  };
}

function streamSpeech(context: OperationContext): MockResponse {
  const speech = parseSpeechRequest(context);
  let failure: string | undefined;
  try {
    checkTtsProvider(context, speech.providerKey, speech.apiKey);
    if (!AUDIO_PROVIDERS.ttsStreaming.has(speech.providerKey)) {
      failure = `Provider ${speech.providerKey} does not support streaming TTS; use openai or elevenlabs.`;
    }
  } catch (error) {
    if (!(error instanceof InvalidRequestError)) throw error;
    failure = error.message;
  }

  function* frames(): Generator<SseFrame> {
    if (failure !== undefined) {
      yield { data: { type: "error", message: failure } };
      yield { data: "[DONE]" };
      return;
    }
    const audio = encodeSpeech(speech.text, speech.speed, outputFormat(speech));
    for (let offset = 0; offset < audio.length; offset += STREAM_CHUNK_BYTES) {
      const piece = audio.subarray(offset, offset + STREAM_CHUNK_BYTES);
      yield { data: { type: "audio_chunk", b64: Buffer.from(piece).toString("base64") } };
    }
    yield { data: { type: "audio_stop" } };
    yield { data: "[DONE]" };
  }
  return { kind: "sse", status: 200, frames };
}

function createTranscription(context: OperationContext): MockResponse {
  return transcribe(context, { acceptAnyMimeType: context.faults.has(AUDIO_FAULTS.unsupportedMimeAccepted) });
}

/**
 * Text-to-speech as audio bytes or an SSE stream of base64 chunks, and speech-to-text from
 * multipart uploads.
 */
export const audioArea: MockArea = {
  name: "audio",
  operations: [
    { operationId: "createSpeech", method: "POST", path: "/v1/core/audio/tts", handle: createSpeech },
    { operationId: "streamSpeech", method: "POST", path: "/v1/core/audio/tts/stream", handle: streamSpeech },
    {
      operationId: "createTranscription",
      method: "POST",
      path: "/v1/core/audio/stt",
      requestBody: "multipart",
      handle: createTranscription,
    },
  ],
  faults: Object.values(AUDIO_FAULTS),
};

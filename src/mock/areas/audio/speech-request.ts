import type { OperationContext } from "../../area.ts";
import {
  InvalidRequestError,
  optionalNumber,
  optionalObject,
  optionalString,
  requireBodyObject,
  requiredString,
} from "../../request-fields.ts";
import { findVoice } from "../voices/voice-records.ts";
import { optionalAudioFormat, type AudioFormat } from "./audio-formats.ts";

/** A validated TTS request with its voice resolved. */
export interface SpeechRequest {
  readonly text: string;
  readonly providerKey: string;
  readonly voice: string;
  readonly format: AudioFormat;
  readonly speed: number;
  /** Request `apiKey`, or the saved voice's temporary key (ElevenLabs without a saved provider). */
  readonly apiKey: string | undefined;
}

/** Output format when neither the request nor the saved voice names one (OpenAI's default). */
const DEFAULT_FORMAT: AudioFormat = "mp3";

/**
 * Validates a TTS body and resolves its voice: `voiceName` (a saved voice) or `providerKey` with
 * `voice`. Provider support is checked by the caller, because the streaming route reports it
 * in-band. Throws `InvalidRequestError` naming the invalid field.
 */
export function parseSpeechRequest(context: OperationContext): SpeechRequest {
  const body = requireBodyObject(context.request.json);
  const text = requiredString(body, "text");
  const voiceName = optionalString(body, "voiceName");
  const requestFormat = optionalAudioFormat(body["responseFormat"], "responseFormat");
  const requestSpeed = optionalNumber(body, "speed", { minimum: 0.25, maximum: 4 });
  optionalString(body, "model");
  optionalObject(body, "ttsOptions");
  optionalString(body, "url");
  const apiKey = optionalString(body, "apiKey");

  if (voiceName !== undefined && voiceName !== "") {
    const saved = findVoice(context.store, context.account, voiceName);
    if (saved === undefined) {
      throw new InvalidRequestError(
        `No saved voice is named ${voiceName}. List them with GET /v1/core/voices.`,
        "voiceName",
      );
    }
    return {
      text,
      providerKey: saved.providerKey,
      voice: saved.voiceId,
      format: requestFormat ?? saved.responseFormat ?? DEFAULT_FORMAT,
      speed: requestSpeed ?? saved.speed ?? 1,
      apiKey: apiKey ?? saved.temporaryApiKey,
    };
  }
  const providerKey = optionalString(body, "providerKey");
  const voice = optionalString(body, "voice");
  if (providerKey === undefined || providerKey === "" || voice === undefined || voice === "") {
    throw new InvalidRequestError(
      "No voice given; send voiceName, or providerKey together with voice.",
      "voiceName",
    );
  }
  return {
    text,
    providerKey,
    voice,
    format: requestFormat ?? DEFAULT_FORMAT,
    speed: requestSpeed ?? 1,
    apiKey,
  };
}

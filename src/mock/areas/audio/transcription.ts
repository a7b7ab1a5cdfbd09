import type { OperationContext } from "../../area.ts";
import { formField, type MultipartForm, type UploadedFile } from "../../mock-request.ts";
import type { MockResponse } from "../../mock-response.ts";
import { mediaType } from "../../request-body.ts";
import { InvalidRequestError, booleanOrBooleanString, isJsonObject } from "../../request-fields.ts";
import { fnv1a32, mulberry32 } from "../../seeded-random.ts";
import { FAILING_PROVIDER_MODEL } from "../models/model-records.ts";
import { findProvider } from "../providers/provider-records.ts";
import { AUDIO_PROVIDERS } from "../voices/voice-records.ts";
import { readWav } from "./containers/wav.ts";

/** Upload MIME types the API accepts for transcription. */
export const TRANSCRIPTION_MIME_TYPES: ReadonlySet<string> = new Set([
  "audio/mpeg",
  "audio/wav",
  "audio/ogg",
  "audio/webm",
]);

const RESPONSE_FORMATS = new Set(["json", "text", "srt", "verbose_json", "vtt"]);
const GRANULARITIES = new Set(["word", "segment"]);
const DEFAULT_MODELS: Readonly<Record<string, string>> = {
  openai: "whisper-1",
  groq: "whisper-large-v3",
  elevenlabs: "scribe_v1",
};

export interface TranscriptionOptions {
  /** Fault switch: skip the MIME type check. */
  readonly acceptAnyMimeType: boolean;
}

/**
 * Transcribes an uploaded file. A WAV file made by the mock's TTS carries its text, which comes
 * back as the transcript; other audio gets a deterministic placeholder derived from its bytes.
 */
export function transcribe(context: OperationContext, options: TranscriptionOptions): MockResponse {
  const form = context.request.form as MultipartForm;
  const file = form.files.find((candidate) => candidate.field === "file");
  if (file === undefined || file.bytes.length === 0) {
    throw new InvalidRequestError(
      "file is missing or empty; upload the audio in the form field file.",
      "file",
    );
  }
  const providerKey = formField(form, "providerKey");
  if (providerKey === undefined || providerKey.trim() === "") {
    throw new InvalidRequestError("providerKey is missing; send openai, groq or elevenlabs.", "providerKey");
  }
  const mimeType = mediaType(file.mimeType) ?? "";
  if (!TRANSCRIPTION_MIME_TYPES.has(mimeType) && !options.acceptAnyMimeType) {
    throw new InvalidRequestError(
      `The file's MIME type is ${file.mimeType}; upload audio/mpeg, audio/wav, audio/ogg or audio/webm.`,
      "file",
    );
  }
  const responseFormat = formField(form, "responseFormat") ?? formField(form, "response_format") ?? "json";
  if (!RESPONSE_FORMATS.has(responseFormat)) {
    throw new InvalidRequestError(
      `response_format must be json, text, srt, verbose_json or vtt, received ${JSON.stringify(responseFormat)}.`,
      "response_format",
    );
  }
  const granularities = parseGranularities(form.fields.get("timestampGranularities"));
  booleanOrBooleanString(formField(form, "diarize"), "diarize");
  booleanOrBooleanString(formField(form, "tagAudioEvents"), "tagAudioEvents");
  parseJsonObjectField(form, "extraParams");
  parseJsonObjectField(form, "extra_params");
  checkSttProvider(context, providerKey, formField(form, "apiKey"));

  const model = formField(form, "model") ?? DEFAULT_MODELS[providerKey] ?? "whisper-1";
  if (model === FAILING_PROVIDER_MODEL) {
    return context.error(500, "Transcription failed at the upstream provider (simulated by the mock).");
  }
  return {
    kind: "json",
    status: 200,
    body: transcript(file, model, formField(form, "language"), responseFormat, granularities),
  };
}

function transcript(
  file: UploadedFile,
  model: string,
  language: string | undefined,
  responseFormat: string,
  granularities: ReadonlySet<string>,
): Record<string, unknown> {
  const wav = readWav(file.bytes);
  const text = wav?.comment ?? placeholderText(file.bytes);
  // Without a WAV header the length is estimated at 16 kB of audio per second.
  const duration = Math.round((wav?.durationSeconds ?? file.bytes.length / 16_000) * 1000) / 1000;
  const body: Record<string, unknown> = { text, model, language: language ?? "en", duration };
  if (responseFormat !== "verbose_json") return body;

  const words = text.split(/\s+/).filter((word) => word !== "");
  const step = words.length === 0 ? 0 : duration / words.length;
  if (granularities.size === 0 || granularities.has("segment")) {
    body["segments"] = [{ id: 0, start: 0, end: duration, text }];
  }
  if (granularities.has("word")) {
    body["words"] = words.map((word, index) => ({
      word,
      start: Math.round(index * step * 1000) / 1000,
      end: Math.round((index + 1) * step * 1000) / 1000,
    }));
  }
  return body;
}

function placeholderText(bytes: Uint8Array): string {
  const random = mulberry32(fnv1a32(Buffer.from(bytes.subarray(0, 4096)).toString("latin1")) ^ bytes.length);
  const words = ["hello", "mission", "squad", "testing", "audio", "upload", "one", "two", "three", "done"];
  const picked = Array.from({ length: 6 }, () => words[Math.floor(random() * words.length)] as string);
  return `${picked.join(" ")}.`.replace(/^./, (first) => first.toUpperCase());
}

/** Reads `timestampGranularities` as repeated fields, a JSON array string or a comma-separated string. */
function parseGranularities(values: readonly string[] | undefined): Set<string> {
  const result = new Set<string>();
  for (const value of values ?? []) {
    let items: unknown[];
    const trimmed = value.trim();
    if (trimmed.startsWith("[")) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        items = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        throw new InvalidRequestError(
          `timestampGranularities is not a valid JSON array: ${trimmed.slice(0, 60)}.`,
          "timestampGranularities",
        );
      }
    } else {
      items = trimmed.split(",").map((item) => item.trim());
    }
    for (const item of items) {
      if (typeof item !== "string" || !GRANULARITIES.has(item)) {
        throw new InvalidRequestError(
          `timestampGranularities must contain only word or segment, received ${JSON.stringify(item)}.`,
          "timestampGranularities",
        );
      }
      result.add(item);
    }
  }
  return result;
}

function parseJsonObjectField(form: MultipartForm, name: string): void {
  const value = formField(form, name);
  if (value === undefined) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidRequestError(
      `${name} must be a JSON object string, and its text is not valid JSON.`,
      name,
    );
  }
  if (!isJsonObject(parsed)) throw new InvalidRequestError(`${name} must be a JSON object string.`, name);
}

function checkSttProvider(context: OperationContext, providerKey: string, apiKey: string | undefined): void {
  if (!AUDIO_PROVIDERS.stt.has(providerKey)) {
    throw new InvalidRequestError(
      `Provider ${providerKey} does not support speech-to-text; use openai, groq or elevenlabs.`,
      "providerKey",
    );
  }
  const configured = findProvider(context.store, context.account, providerKey) !== undefined;
  if (!configured && !(providerKey === "elevenlabs" && apiKey !== undefined && apiKey !== "")) {
    throw new InvalidRequestError(
      `Provider ${providerKey} is not configured for this account; add it with POST /v1/core/add/provider` +
        (providerKey === "elevenlabs" ? " or send apiKey in the form." : "."),
      "providerKey",
    );
  }
}

import { InvalidRequestError, typeName } from "../../request-fields.ts";
import { encodeSilentAdts } from "./containers/adts-aac.ts";
import { encodeFlac } from "./containers/flac.ts";
import { encodeSilentMp3 } from "./containers/mp3.ts";
import { encodeSilentOggOpus } from "./containers/ogg-opus.ts";
import { encodeWav } from "./containers/wav.ts";
import { SPEECH_SAMPLE_RATE, synthesizeSpeech } from "./speech-synthesis.ts";

export const AUDIO_FORMATS = ["mp3", "opus", "aac", "flac", "wav", "pcm"] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

/** The documented Content-Type of each TTS output format. */
export const AUDIO_CONTENT_TYPES: Readonly<Record<AudioFormat, string>> = {
  mp3: "audio/mpeg",
  opus: "audio/opus",
  aac: "audio/aac",
  flac: "audio/flac",
  wav: "audio/wav",
  pcm: "audio/L16",
};

export function isAudioFormat(value: unknown): value is AudioFormat {
  return typeof value === "string" && (AUDIO_FORMATS as readonly string[]).includes(value);
}

/**
 * Reads an optional TTS output format (`responseFormat` of speech requests, voices and agents).
 * `path` names the field in the message, and `param` is the request field reported at fault.
 */
export function optionalAudioFormat(
  value: unknown,
  path: string,
  param: string = path,
): AudioFormat | undefined {
  if (value === undefined) return undefined;
  if (!isAudioFormat(value)) {
    throw new InvalidRequestError(
      `${path} must be mp3, opus, aac, flac, wav or pcm, received ${typeName(value)}.`,
      param,
    );
  }
  return value;
}

/**
 * Synthesizes `text` and encodes it as `format`. WAV, FLAC and PCM carry the synthesized tones;
 * MP3, Opus (in Ogg) and AAC (in ADTS) carry valid frames of silence of the same length.
 * PCM is 16-bit little-endian mono at 24 kHz, as OpenAI sends it, although `audio/L16` names
 * big-endian samples in RFC 2586.
 */
export function encodeSpeech(text: string, speed: number, format: AudioFormat): Uint8Array {
  const samples = synthesizeSpeech(text, speed);
  const seconds = samples.length / SPEECH_SAMPLE_RATE;
  switch (format) {
    case "wav":
      return encodeWav(samples, SPEECH_SAMPLE_RATE, text);
    case "flac":
      return encodeFlac(samples, SPEECH_SAMPLE_RATE);
    case "pcm":
      return littleEndianPcm(samples);
    case "mp3":
      return encodeSilentMp3(seconds);
    case "opus":
      return encodeSilentOggOpus(seconds, SPEECH_SAMPLE_RATE);
    case "aac":
      return encodeSilentAdts(seconds, SPEECH_SAMPLE_RATE);
  }
}

function littleEndianPcm(samples: Int16Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < samples.length; index += 1)
    view.setInt16(index * 2, samples[index] as number, true);
  return bytes;
}

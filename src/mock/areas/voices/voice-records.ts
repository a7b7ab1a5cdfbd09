import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";
import type { AudioFormat } from "../audio/audio-formats.ts";

/** A provider voice saved under a name. `temporaryApiKey` is never part of a read. */
export interface SavedVoiceRecord {
  readonly id: string;
  readonly name: string;
  readonly providerKey: string;
  readonly voiceId: string;
  readonly description?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly responseFormat?: AudioFormat;
  readonly speed?: number;
  readonly ttsOptions?: Readonly<Record<string, unknown>>;
  /** ElevenLabs key sent with the save, for use without a saved provider configuration. */
  readonly temporaryApiKey?: string;
}

/** Each account's saved voices by name. */
export const VOICES = defineAccountSlot("voices", () => new Map<string, SavedVoiceRecord>());

export function findVoice(store: MockStore, account: Account, name: string): SavedVoiceRecord | undefined {
  return store.slot(account, VOICES).get(name);
}

/** Providers with TTS and STT support, from the audio reference page's support table. */
export const AUDIO_PROVIDERS = {
  tts: new Set(["openai", "groq", "elevenlabs"]),
  ttsStreaming: new Set(["openai", "elevenlabs"]),
  stt: new Set(["openai", "groq", "elevenlabs"]),
} as const;

/**
 * The voices each provider offers, with the details the provider returns for them.
 * Custom ElevenLabs voices are not listed, so only these ids have details.
 */
export const PROVIDER_VOICES: Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>> = {
  openai: Object.fromEntries(
    ["alloy", "ash", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer"].map((id) => [
      id,
      { voice_id: id, name: id, provider: "openai" },
    ]),
  ),
  groq: {
    "Arista-PlayAI": { voice_id: "Arista-PlayAI", name: "Arista", provider: "groq" },
    "Fritz-PlayAI": { voice_id: "Fritz-PlayAI", name: "Fritz", provider: "groq" },
  },
  elevenlabs: {
    "21m00Tcm4TlvDq8ikWAM": {
      voice_id: "21m00Tcm4TlvDq8ikWAM",
      name: "Rachel",
      category: "premade",
      labels: { accent: "american" },
    },
    pNInz6obpgDQGcFmaJgB: {
      voice_id: "pNInz6obpgDQGcFmaJgB",
      name: "Adam",
      category: "premade",
      labels: { accent: "american" },
    },
  },
};

/** The model ids the mock's providers list when asked to discover their models. */
const CATALOG: Readonly<Record<string, readonly string[]>> = {
  openai: ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small", "text-embedding-3-large", "whisper-1", "tts-1"],
  anthropic: ["claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5"],
  google: ["gemini-2.5-pro", "gemini-2.5-flash", "text-embedding-004"],
  groq: ["llama-3.3-70b-versatile", "whisper-large-v3", "playai-tts"],
  elevenlabs: ["eleven_multilingual_v2", "eleven_flash_v2_5", "scribe_v1"],
};

/** Catalog of a custom or self-hosted provider. */
const CUSTOM_CATALOG: readonly string[] = ["llama3.1:8b", "nomic-embed-text-v1.5"];

/** Returns the models a provider offers, in the OpenAI listing shape. */
export function discoverProviderModels(
  providerKey: string,
): { id: string; object: string; owned_by: string }[] {
  const ids = CATALOG[providerKey] ?? CUSTOM_CATALOG;
  return ids.map((id) => ({ id, object: "model", owned_by: providerKey }));
}

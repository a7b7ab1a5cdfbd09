import type { TestContext } from "vitest";
import type { TargetResources } from "../../src/contract/contract-target.ts";
import type { AccountClient } from "./account-client.ts";
import type { Harness } from "./harness.ts";
import { skipChecks, type Coverage } from "./verify.ts";

/** The option that names each target resource, for skip reasons. */
const RESOURCE_OPTIONS: Readonly<Record<keyof TargetResources, string>> = {
  chatModel: "--chat-model / MSQ_CHAT_MODEL",
  embeddingModel: "--embedding-model / MSQ_EMBEDDING_MODEL",
  ttsProvider: "--tts-provider / MSQ_TTS_PROVIDER",
  ttsVoice: "--tts-voice / MSQ_TTS_VOICE",
  sttProvider: "--stt-provider / MSQ_STT_PROVIDER",
};

const RESOURCE_WORDS: Readonly<Record<keyof TargetResources, string>> = {
  chatModel: "chat model",
  embeddingModel: "embedding model",
  ttsProvider: "TTS provider",
  ttsVoice: "TTS voice",
  sttProvider: "STT provider",
};

/** Returns the named target resource, or skips the test with the option that would set it. */
export function requireResource(
  context: TestContext,
  harness: Harness,
  resource: keyof TargetResources,
  covers: readonly Coverage[],
): string {
  const value = harness.target.resources[resource];
  if (value !== undefined) return value;
  return skipChecks(
    context,
    harness,
    `no ${RESOURCE_WORDS[resource]} named for the target; set ${RESOURCE_OPTIONS[resource]}`,
    covers,
  );
}

/** Skips the test in a read-only run, because it creates, changes or deletes data. */
export function requireWrites(context: TestContext, harness: Harness, covers: readonly Coverage[]): void {
  if (harness.target.readOnly)
    skipChecks(context, harness, "read-only run: the test creates or changes data", covers);
}

/** Returns the second account's client, or skips the test naming MSQ_API_KEY_2. */
export function requireSecondAccount(
  context: TestContext,
  harness: Harness,
  covers: readonly Coverage[],
): AccountClient {
  if (harness.secondary !== undefined) return harness.secondary;
  return skipChecks(
    context,
    harness,
    "no second account; set MSQ_API_KEY_2 to a key of another account",
    covers,
  );
}

/** Returns the third account's client, or skips the test naming MSQ_API_KEY_3. */
export function requireThirdAccount(
  context: TestContext,
  harness: Harness,
  covers: readonly Coverage[],
): AccountClient {
  if (harness.third !== undefined) return harness.third;
  return skipChecks(
    context,
    harness,
    "no third account; set MSQ_API_KEY_3 to a key of a third account",
    covers,
  );
}

/** Skips a test that needs a behaviour only the embedded mock offers on demand. */
export function requireMockFeatures(
  context: TestContext,
  harness: Harness,
  what: string,
  covers: readonly Coverage[],
): void {
  if (!harness.target.mockFeatures)
    skipChecks(context, harness, `needs ${what}, which only the embedded mock offers on demand`, covers);
}

/** Builds a coverage entry: the operation and the checks a test would have run on it. */
export function covers(operationId: string, ...checks: string[]): Coverage {
  return {
    operationId,
    checks: checks.length > 0 ? checks : ["status-code-conformance", "response-schema-conformance"],
  };
}

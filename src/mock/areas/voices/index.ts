import type { MockArea, OperationContext } from "../../area.ts";
import type { FaultDefinition } from "../../fault-registry.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import {
  InvalidRequestError,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalStringRecord,
  requireBodyObject,
  requiredString,
} from "../../request-fields.ts";
import { optionalAudioFormat } from "../audio/audio-formats.ts";
import { findProvider } from "../providers/provider-records.ts";
import {
  AUDIO_PROVIDERS,
  PROVIDER_VOICES,
  VOICES,
  findVoice,
  type SavedVoiceRecord,
} from "./voice-records.ts";

export const VOICE_FAULTS = {
  duplicateAnswered200: {
    name: "voice-duplicate-answered-200",
    area: "voices",
    kind: "status-code",
    rule: "Saving a voice under an existing name without overwrite returns 409.",
    operations: ["addVoice"],
    transformResponse: (response) =>
      response.status === 409
        ? { kind: "json", status: 200, body: { status: "success", message: "Voice saved" } }
        : response,
  },
  otherAccountsListed: {
    name: "voices-listed-across-accounts",
    area: "voices",
    kind: "namespacing",
    rule: "An account sees only its own saved voices.",
  },
  temporaryKeyReturned: {
    name: "voice-temporary-key-returned",
    area: "voices",
    kind: "masking",
    rule: "A temporary ElevenLabs key sent with a saved voice never appears in reads.",
  },
} satisfies Record<string, FaultDefinition>;

function voiceView(context: OperationContext, voice: SavedVoiceRecord): Record<string, unknown> {
  const { temporaryApiKey, ...view } = voice;
  if (temporaryApiKey !== undefined && context.faults.has(VOICE_FAULTS.temporaryKeyReturned)) {
    return { ...view, apiKey: temporaryApiKey };
  }
  return view;
}

function listVoices(context: OperationContext): MockResponse {
  const accounts = context.faults.has(VOICE_FAULTS.otherAccountsListed)
    ? context.store.accounts()
    : [context.account];
  const data = accounts.flatMap((account) =>
    [...context.store.slot(account, VOICES).values()].map((voice) => voiceView(context, voice)),
  );
  return jsonResponse(200, { data });
}

function getVoice(context: OperationContext): MockResponse {
  const name = context.request.params["name"] ?? "";
  const voice = findVoice(context.store, context.account, name);
  if (voice === undefined)
    return context.error(404, `No saved voice is named ${name}. List them with GET /v1/core/voices.`);
  return jsonResponse(200, { data: voiceView(context, voice) });
}

/**
 * Checks that `providerKey` can synthesize speech for the account: it must support TTS, and be
 * configured unless it is ElevenLabs with a request `apiKey`.
 */
export function checkTtsProvider(
  context: OperationContext,
  providerKey: string,
  apiKey: string | undefined,
): void {
  if (!AUDIO_PROVIDERS.tts.has(providerKey)) {
    throw new InvalidRequestError(
      `Provider ${providerKey} does not support text-to-speech; use openai, groq or elevenlabs.`,
      "providerKey",
    );
  }
  const configured = findProvider(context.store, context.account, providerKey) !== undefined;
  if (!configured && !(providerKey === "elevenlabs" && apiKey !== undefined)) {
    throw new InvalidRequestError(
      `Provider ${providerKey} is not configured for this account; add it with POST /v1/core/add/provider` +
        (providerKey === "elevenlabs" ? " or send apiKey with the request." : "."),
      "providerKey",
    );
  }
}

function addVoice(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const name = requiredString(body, "name");
  const providerKey = requiredString(body, "providerKey");
  const voiceId = requiredString(body, "voiceId");
  const description = optionalString(body, "description");
  const overwrite = optionalBoolean(body, "overwrite") ?? false;
  const speed = optionalNumber(body, "speed", { minimum: 0.25, maximum: 4 });
  const ttsOptions = optionalObject(body, "ttsOptions");
  const apiKey = optionalString(body, "apiKey");
  optionalString(body, "url");
  const responseFormat = optionalAudioFormat(body["responseFormat"], "responseFormat");
  const labels = optionalStringRecord(body["labels"], "labels");
  checkTtsProvider(context, providerKey, apiKey);

  const voices = context.store.slot(context.account, VOICES);
  const existing = voices.get(name);
  if (existing !== undefined && !overwrite) {
    return context.error(409, `A voice named ${name} exists; send overwrite: true to replace it.`);
  }
  voices.set(name, {
    id: existing?.id ?? context.store.nextId("voice"),
    name,
    providerKey,
    voiceId,
    ...(description === undefined ? {} : { description }),
    ...(labels === undefined ? {} : { labels }),
    ...(responseFormat === undefined ? {} : { responseFormat }),
    ...(speed === undefined ? {} : { speed }),
    ...(ttsOptions === undefined ? {} : { ttsOptions }),
    ...(apiKey === undefined ? {} : { temporaryApiKey: apiKey }),
  });
  return jsonResponse(200, { status: "success", message: "Voice saved" });
}

function deleteVoice(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const name = requiredString(body, "name");
  if (!context.store.slot(context.account, VOICES).delete(name)) {
    return context.error(404, `No saved voice is named ${name}. List them with GET /v1/core/voices.`);
  }
  return jsonResponse(200, { status: "success", message: "Voice deleted" });
}

function providerVoiceDetails(
  context: OperationContext,
  providerKey: string,
  voiceId: string,
  apiKey: string | undefined,
): MockResponse {
  checkTtsProvider(context, providerKey, apiKey);
  const details = PROVIDER_VOICES[providerKey]?.[voiceId];
  if (details === undefined) {
    return context.error(404, `Provider ${providerKey} has no voice with id ${voiceId}.`);
  }
  return jsonResponse(200, { data: details });
}

function getVoiceDetails(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const providerKey = requiredString(body, "providerKey");
  const voiceId = requiredString(body, "voiceId");
  optionalString(body, "url");
  return providerVoiceDetails(context, providerKey, voiceId, optionalString(body, "apiKey"));
}

function getSavedVoiceDetails(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const name = requiredString(body, "name");
  optionalString(body, "url");
  const voice = findVoice(context.store, context.account, name);
  if (voice === undefined)
    return context.error(404, `No saved voice is named ${name}. List them with GET /v1/core/voices.`);
  const apiKey = optionalString(body, "apiKey") ?? voice.temporaryApiKey;
  return providerVoiceDetails(context, voice.providerKey, voice.voiceId, apiKey);
}

/** Saved TTS voices and provider voice details. Seeds a `narrator` voice on OpenAI's `alloy`. */
export const voicesArea: MockArea = {
  name: "voices",
  operations: [
    { operationId: "listVoices", method: "GET", path: "/v1/core/voices", handle: listVoices },
    { operationId: "getVoice", method: "GET", path: "/v1/core/voices/{name}", handle: getVoice },
    { operationId: "addVoice", method: "POST", path: "/v1/core/add/voice", handle: addVoice },
    { operationId: "deleteVoice", method: "POST", path: "/v1/core/delete/voice", handle: deleteVoice },
    {
      operationId: "getVoiceDetails",
      method: "POST",
      path: "/v1/core/voice/details",
      handle: getVoiceDetails,
    },
    {
      operationId: "getSavedVoiceDetails",
      method: "POST",
      path: "/v1/core/voice/details/saved",
      handle: getSavedVoiceDetails,
    },
  ],
  faults: Object.values(VOICE_FAULTS),
  seed(store, account) {
    store.slot(account, VOICES).set("narrator", {
      id: `voice_${account.username}_narrator`,
      name: "narrator",
      providerKey: "openai",
      voiceId: "alloy",
      description: "Seeded voice of the mock deployment",
      responseFormat: "wav",
      speed: 1,
    });
  },
};

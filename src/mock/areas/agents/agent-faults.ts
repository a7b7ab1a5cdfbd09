import type { FaultDefinition } from "../../fault-registry.ts";
import type { SseFrame } from "../../mock-response.ts";

function isAudioChunk(frame: SseFrame): frame is SseFrame & { data: { type: "audio_chunk"; b64: string } } {
  const data = frame.data as Record<string, unknown> | undefined;
  return (
    typeof data === "object" &&
    data !== null &&
    data["type"] === "audio_chunk" &&
    typeof data["b64"] === "string"
  );
}

/** Faults that break the documented rules of the agent routes. */
export const AGENT_FAULTS = {
  listedAcrossAccounts: {
    name: "agents-listed-across-accounts",
    area: "agents",
    kind: "namespacing",
    rule: "GET /v1/core/agents lists only the caller's own agents.",
  },
  duplicateSaved: {
    name: "agent-duplicate-saved-without-overwrite",
    area: "agents",
    kind: "status-code",
    rule: "Creating an agent under an existing name without overwrite returns 409.",
  },
  listAsArray: {
    name: "agent-list-as-array",
    area: "agents",
    kind: "body-schema",
    rule: "GET /v1/core/agents returns a map keyed by agent name under data, not an array.",
    operations: ["listAgents"],
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status !== 200) return response;
      const data = (response.body as { data: Record<string, unknown> }).data;
      return { ...response, body: { data: Object.values(data) } };
    },
  },
  publishRecordWithoutSlug: {
    name: "publish-record-without-slug",
    area: "agents",
    kind: "body-schema",
    rule: "Every publish record carries its public slug.",
    operations: ["publishAgent", "listPublishedAgents"],
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status !== 200) return response;
      const body = response.body as { data: Record<string, unknown> | Record<string, unknown>[] };
      const dropSlug = ({ slug: _slug, ...rest }: Record<string, unknown>): Record<string, unknown> => rest;
      const data = Array.isArray(body.data) ? body.data.map(dropSlug) : dropSlug(body.data);
      return { ...response, body: { ...body, data } };
    },
  },
  sharesNotNormalized: {
    name: "agent-shares-not-normalized",
    area: "agents",
    kind: "body-schema",
    rule: "Share recipients are stored and listed in lowercase.",
  },
  unknownRecipientAccepted: {
    name: "share-unknown-username-accepted",
    area: "agents",
    kind: "status-code",
    rule: "Sharing with a username that does not exist returns 404.",
  },
  shareOfOtherOwnerAllowed: {
    name: "share-of-other-owner-allowed",
    area: "agents",
    kind: "auth",
    rule: "The share routes return 403 when :username is not the caller's username.",
  },
  reachableAfterRevoke: {
    name: "shared-agent-reachable-after-revoke",
    area: "agents",
    kind: "auth",
    rule: "A revoked recipient loses access to the agent on chat and the public agent routes.",
  },
  fieldNotEditableAccepted: {
    name: "shared-config-field-not-editable-accepted",
    area: "agents",
    kind: "status-code",
    rule:
      "A recipient who sends name, model, modelId, responseProcessorAgent, temperature or maxTokens " +
      "gets 400 FIELD_NOT_EDITABLE.",
  },
  ownerVoiceKeyReturned: {
    name: "owner-voices-key-returned",
    area: "agents",
    kind: "masking",
    rule: "The owner-voices route never returns the temporary provider key of a saved voice.",
  },
  speakDoneMissing: {
    name: "agent-speak-done-missing",
    area: "agents",
    kind: "sse-framing",
    rule: "An agent speak stream ends with data: [DONE].",
    operations: ["streamAgentSpeech"],
    createFrameTransform: () => (frame) => (frame.data === "[DONE]" ? [] : [frame]),
  },
  speakAudioBeforeText: {
    name: "agent-speak-audio-before-text",
    area: "agents",
    kind: "sse-order",
    rule: "On an agent speak stream, message_stop ends the text before the first audio_chunk.",
    operations: ["streamAgentSpeech"],
    createFrameTransform: () => {
      // Delays message_stop until after the first audio chunk.
      let delayedStop: SseFrame | undefined;
      return (frame) => {
        const type = (frame.data as Record<string, unknown> | undefined)?.["type"];
        if (type === "message_stop") {
          delayedStop = frame;
          return [];
        }
        if (delayedStop !== undefined && isAudioChunk(frame)) {
          const released = delayedStop;
          delayedStop = undefined;
          return [frame, released];
        }
        return [frame];
      };
    },
  },
  speakAudioCorrupt: {
    name: "agent-speak-audio-header-corrupt",
    area: "agents",
    kind: "binary-content",
    rule: "The audio chunks of a speak stream join into a file of the requested format.",
    operations: ["streamAgentSpeech", "streamPublicAgentSpeech"],
    createFrameTransform: () => {
      let first = true;
      return (frame) => {
        if (!first || !isAudioChunk(frame)) return [frame];
        first = false;
        const bytes = Buffer.from(frame.data.b64, "base64");
        bytes.fill(0, 0, Math.min(12, bytes.length));
        return [{ ...frame, data: { ...frame.data, b64: bytes.toString("base64") } }];
      };
    },
  },
} satisfies Record<string, FaultDefinition>;

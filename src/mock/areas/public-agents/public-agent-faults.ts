import type { FaultDefinition } from "../../fault-registry.ts";
import type { SseFrame } from "../../mock-response.ts";

/** Operations under `/v1/public/agent/{username}/{slug}`, which return 403 OWNER_OR_SHARED_ONLY. */
export const PUBLIC_AGENT_OPERATIONS = [
  "getPublicAgent",
  "createPublicAgentChatCompletion",
  "streamPublicAgentSpeech",
  "listPublicAgentSessions",
  "savePublicAgentSession",
  "getPublicAgentSession",
  "deletePublicAgentSession",
  "updatePublicAgentSessionTitle",
];

const STREAMS = ["createPublicAgentChatCompletion", "streamPublicAgentSpeech"];

/** Faults that break the documented rules of the public agent and public run routes. */
export const PUBLIC_AGENT_FAULTS = {
  forbiddenAs200: {
    name: "public-agent-forbidden-answered-200",
    area: "public-agents",
    kind: "status-code",
    rule: "A caller that neither owns the agent nor has a share of it gets 403 OWNER_OR_SHARED_ONLY.",
    operations: PUBLIC_AGENT_OPERATIONS,
    transformResponse: (response) => (response.status === 403 ? { ...response, status: 200 } : response),
  },
  sessionVisibleToOthers: {
    name: "public-session-visible-to-other-viewer",
    area: "public-agents",
    kind: "namespacing",
    rule: "A saved public agent session is visible only to the viewer who saved it.",
  },
  deleteMissingAs404: {
    name: "public-session-delete-missing-answered-404",
    area: "public-agents",
    kind: "status-code",
    rule: "Deleting a session that does not exist returns 200 with success false and message Not found.",
    operations: ["deletePublicAgentSession"],
    transformResponse: (response) => {
      if (response.kind !== "json" || response.status !== 200) return response;
      const body = response.body as Record<string, unknown>;
      return body["message"] === "Not found" ? { ...response, status: 404 } : response;
    },
  },
  runIdHeaderMissing: {
    name: "public-stream-run-id-missing",
    area: "public-agents",
    kind: "header",
    rule: "Public agent chat and speak streams carry the X-Run-Id response header.",
    operations: STREAMS,
    transformResponse: (response) => {
      if (response.kind !== "sse" || response.headers === undefined) return response;
      const { "x-run-id": _runId, ...headers } = response.headers;
      return { ...response, headers };
    },
  },
  runEventNotFirst: {
    name: "public-speak-run-event-not-first",
    area: "public-agents",
    kind: "sse-order",
    rule: "A public agent speak stream opens with the run event.",
    operations: ["streamPublicAgentSpeech"],
    createFrameTransform: () => {
      // Delays the run event until after the first status event.
      let delayedRun: SseFrame | undefined;
      return (frame) => {
        const type = (frame.data as Record<string, unknown> | undefined)?.["type"];
        if (type === "run") {
          delayedRun = frame;
          return [];
        }
        if (delayedRun !== undefined && type === "status") {
          const released = delayedRun;
          delayedRun = undefined;
          return [frame, released];
        }
        return [frame];
      };
    },
  },
  chatDoneMissing: {
    name: "public-chat-stream-done-missing",
    area: "public-agents",
    kind: "sse-framing",
    rule: "A public agent chat stream ends with data: [DONE].",
    operations: ["createPublicAgentChatCompletion"],
    createFrameTransform: () => (frame) => (frame.data === "[DONE]" ? [] : [frame]),
  },
  runVisibleToOthers: {
    name: "public-run-visible-to-other-account",
    area: "public-agents",
    kind: "namespacing",
    rule: "A public run is visible only to the account that started it and the agent's owner.",
  },
} satisfies Record<string, FaultDefinition>;

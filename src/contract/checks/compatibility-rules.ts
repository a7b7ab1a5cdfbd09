import { type ContractCheck } from "../contract-check.ts";
import { failureOf } from "../../validation/contract-failure.ts";
import type { SdkCallIntent } from "../exchange-intent.ts";

const CALL_WORDING: Readonly<Record<SdkCallIntent["call"], string>> = {
  chat: "client.chat.completions.create()",
  "chat-stream": "client.chat.completions.create({ stream: true })",
  "chat-tools": "client.chat.completions.create({ tools })",
  embeddings: "client.embeddings.create()",
};

function sdkCheck(id: string, call: SdkCallIntent["call"], description: string): ContractCheck {
  return {
    id,
    family: "compatibility",
    description,
    appliesTo: (_operation, _exchange, context) =>
      context.intent.kind === "sdk-call" && context.intent.call === call,
    run(operation, _exchange, context) {
      if (context.intent.kind !== "sdk-call" || context.intent.problems.length === 0) return [];
      const received = context.intent.problems.join("; ");
      return [
        failureOf(operation, id, {
          title: `openai SDK ${CALL_WORDING[call]} failed`,
          message:
            `The official openai SDK call ${CALL_WORDING[call]} reported: ${received}; the spec documents OpenAI ` +
            "compatibility for this route. Compare the response with the OpenAI API reference.",
          received,
          documented: "a response the openai SDK accepts",
        }),
      ];
    },
  };
}

export const compatibilitySdkChat = sdkCheck(
  "compatibility-openai-sdk-chat",
  "chat",
  "The openai SDK completes a chat.",
);
export const compatibilitySdkChatStream = sdkCheck(
  "compatibility-openai-sdk-chat-stream",
  "chat-stream",
  "The openai SDK streams a chat completion to the end.",
);
export const compatibilitySdkChatTools = sdkCheck(
  "compatibility-openai-sdk-chat-tools",
  "chat-tools",
  "The openai SDK receives a tool call with parsable arguments.",
);
export const compatibilitySdkEmbeddings = sdkCheck(
  "compatibility-openai-sdk-embeddings",
  "embeddings",
  "The openai SDK receives embeddings.",
);

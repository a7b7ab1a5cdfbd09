import type { Exchange } from "../../http/exchange.ts";
import type { ContractFailure } from "../../validation/contract-failure.ts";
import { formatValue } from "../../validation/format-value.ts";
import type { OperationInfo } from "../../validation/validator-registry.ts";
import { type ContractCheck } from "../contract-check.ts";
import { failureOf } from "../../validation/contract-failure.ts";
import { streamView, type StreamView } from "../stream-view.ts";

/** Schema name of the chunk payload; streams whose x-sse lists it follow the chat stream rules. */
const CHUNK_SCHEMA = "ChatCompletionChunk";

interface Chunk {
  readonly index: number;
  readonly id: unknown;
  readonly created: unknown;
  readonly usage: unknown;
  readonly choices: readonly Record<string, unknown>[];
}

/** Returns the chat chunks of a stream in order, leaving out payloads that are not chunk objects. */
function chunksOf(view: StreamView): Chunk[] {
  const chunks: Chunk[] = [];
  for (const event of view.events) {
    const payload = event.payload as Record<string, unknown> | undefined;
    if (payload === null || typeof payload !== "object" || payload["object"] !== "chat.completion.chunk")
      continue;
    const choices = Array.isArray(payload["choices"])
      ? (payload["choices"] as unknown[]).filter(
          (choice): choice is Record<string, unknown> => choice !== null && typeof choice === "object",
        )
      : [];
    chunks.push({
      index: event.index,
      id: payload["id"],
      created: payload["created"],
      usage: payload["usage"],
      choices,
    });
  }
  return chunks;
}

function hasErrorEvent(view: StreamView): boolean {
  return view.events.some((event) => event.name !== undefined && event.name === view.rules.errorEvent);
}

function chatCheck(
  id: string,
  description: string,
  run: (operation: OperationInfo, chunks: Chunk[], view: StreamView, exchange: Exchange) => ContractFailure[],
): ContractCheck {
  return {
    id,
    family: "sse-order",
    description,
    appliesTo(operation, exchange, context) {
      const view = streamView(operation, exchange, context.validators);
      return view !== undefined && view.rules.events.some((event) => event.schema === CHUNK_SCHEMA);
    },
    run(operation, exchange, context) {
      const view = streamView(operation, exchange, context.validators);
      return view === undefined ? [] : run(operation, chunksOf(view), view, exchange);
    },
  };
}

function deltaOf(choice: Record<string, unknown>): Record<string, unknown> {
  const delta = choice["delta"];
  return delta !== null && typeof delta === "object" ? (delta as Record<string, unknown>) : {};
}

function choiceIndex(choice: Record<string, unknown>): number {
  return typeof choice["index"] === "number" ? choice["index"] : 0;
}

export const chatStreamRoleFirst = chatCheck(
  "chat-stream-role-first",
  "The first delta of each choice carries role: assistant, and no later delta carries a role.",
  (operation, chunks) => {
    const seen = new Set<number>();
    for (const chunk of chunks) {
      for (const choice of chunk.choices) {
        const index = choiceIndex(choice);
        const role = deltaOf(choice)["role"];
        const first = !seen.has(index);
        seen.add(index);
        if (first && role !== "assistant") {
          return [
            failureOf(operation, "chat-stream-role-first", {
              title: "First delta without role",
              message:
                `The first delta of choice ${index} (event ${chunk.index}) has role ${formatValue(role)}; the spec ` +
                'documents role: "assistant" in the first delta of each choice. Send the role in the first delta.',
              received: formatValue(deltaOf(choice)),
              documented: '{"role":"assistant"} in the first delta',
            }),
          ];
        }
        if (!first && role !== undefined && role !== null) {
          return [
            failureOf(operation, "chat-stream-role-first", {
              title: "Role repeated in a later delta",
              message:
                `A later delta of choice ${index} (event ${chunk.index}) has role ${formatValue(role)}; the spec ` +
                "documents the role in the first delta only. Leave role out of later deltas.",
              received: formatValue(deltaOf(choice)),
              documented: "role in the first delta only",
            }),
          ];
        }
      }
    }
    return [];
  },
);

export const chatStreamStableIdentity = chatCheck(
  "chat-stream-stable-identity",
  "Every chunk of a stream has the same id and the same created time.",
  (operation, chunks) => {
    const first = chunks[0];
    if (first === undefined) return [];
    for (const field of ["id", "created"] as const) {
      const changed = chunks.find((chunk) => chunk[field] !== first[field]);
      if (changed === undefined) continue;
      return [
        failureOf(operation, "chat-stream-stable-identity", {
          title: `Chunk ${field} changes within the stream`,
          message:
            `Event ${changed.index} has ${field} ${formatValue(changed[field])} but the first chunk had ` +
            `${formatValue(first[field])}; the spec documents one ${field} for all chunks of a completion. ` +
            `Send the same ${field} in every chunk.`,
          received: formatValue(changed[field]),
          documented: formatValue(first[field]),
        }),
      ];
    }
    return [];
  },
);

export const chatStreamSingleFinishReason = chatCheck(
  "chat-stream-single-finish-reason",
  "Each choice sets finish_reason exactly once, on its last delta.",
  (operation, chunks, view) => {
    const finishes = new Map<number, number[]>();
    const lastDelta = new Map<number, number>();
    for (const chunk of chunks) {
      for (const choice of chunk.choices) {
        const index = choiceIndex(choice);
        lastDelta.set(index, chunk.index);
        const reason = choice["finish_reason"];
        if (reason !== null && reason !== undefined)
          finishes.set(index, [...(finishes.get(index) ?? []), chunk.index]);
      }
    }
    const failures: ContractFailure[] = [];
    for (const [index, last] of lastDelta) {
      const events = finishes.get(index) ?? [];
      if (events.length === 0 && hasErrorEvent(view)) continue;
      if (events.length === 1 && events[0] === last) continue;
      const received =
        events.length === 0
          ? "no finish_reason"
          : events.length > 1
            ? `finish_reason in events ${events.join(", ")}`
            : `finish_reason in event ${events[0] ?? ""} and a later delta in event ${last}`;
      failures.push(
        failureOf(operation, "chat-stream-single-finish-reason", {
          title:
            events.length > 1 ? "finish_reason sent more than once" : "finish_reason missing or not last",
          message:
            `Choice ${index} has ${received}; the spec documents exactly one finish_reason per choice, on its last ` +
            "delta. Send finish_reason once, after the last content of the choice.",
          received,
          documented: "one finish_reason per choice, on its last delta",
        }),
      );
    }
    return failures;
  },
);

export const chatStreamToolCallDeltas = chatCheck(
  "chat-stream-tool-call-deltas",
  "Tool-call deltas carry distinct indexes per call, start with id and name, and their joined arguments parse as JSON.",
  (operation, chunks) => {
    const calls = new Map<string, { id: unknown; name: unknown; args: string }>();
    const failures: ContractFailure[] = [];
    const fail = (title: string, received: string, documented: string, advice: string): void => {
      failures.push(
        failureOf(operation, "chat-stream-tool-call-deltas", {
          title,
          message: `${received}; the spec documents ${documented}. ${advice}`,
          received,
          documented,
        }),
      );
    };
    for (const chunk of chunks) {
      for (const choice of chunk.choices) {
        const toolCalls = deltaOf(choice)["tool_calls"];
        if (!Array.isArray(toolCalls)) continue;
        const indexesInDelta = new Set<unknown>();
        for (const call of toolCalls as Record<string, unknown>[]) {
          const index = call["index"];
          if (typeof index !== "number") {
            fail(
              "Tool-call delta without index",
              `Event ${chunk.index} has a tool-call delta with index ${formatValue(index)}`,
              "an integer index on every tool-call delta",
              "Send the index of the call in every delta.",
            );
            continue;
          }
          if (indexesInDelta.has(index)) {
            fail(
              "Tool-call index repeated in one delta",
              `Event ${chunk.index} has two tool-call deltas with index ${index}`,
              "distinct indexes for the calls of one delta",
              "Give each call of a delta its own index.",
            );
          }
          indexesInDelta.add(index);
          const key = `${choiceIndex(choice)}:${index}`;
          const fn = (call["function"] ?? {}) as Record<string, unknown>;
          const known = calls.get(key);
          if (known === undefined) {
            if (typeof call["id"] !== "string" || typeof fn["name"] !== "string") {
              fail(
                "First tool-call delta without id or name",
                `Event ${chunk.index} starts tool call ${index} with id ${formatValue(call["id"])} and name ${formatValue(fn["name"])}`,
                "id and function.name in the first delta of each call",
                "Send the id and the function name in the call's first delta.",
              );
            }
            calls.set(key, {
              id: call["id"],
              name: fn["name"],
              args: typeof fn["arguments"] === "string" ? fn["arguments"] : "",
            });
            continue;
          }
          if (typeof call["id"] === "string" && call["id"] !== known.id) {
            fail(
              "Tool calls share an index",
              `Event ${chunk.index} sends call id ${formatValue(call["id"])} with index ${index}, which call ${formatValue(known.id)} already uses`,
              "a distinct index for each tool call",
              "Give each tool call its own index.",
            );
          }
          if (typeof fn["arguments"] === "string") known.args += fn["arguments"];
        }
      }
    }
    for (const [key, call] of calls) {
      try {
        JSON.parse(call.args);
      } catch (error) {
        fail(
          "Tool-call arguments are not JSON",
          `The joined arguments of tool call ${key.split(":")[1] ?? key} (${formatValue(call.name)}) are ${formatValue(call.args)}, ` +
            `which does not parse (${error instanceof Error ? error.message : String(error)})`,
          "arguments whose concatenation is a JSON object",
          "Stream the arguments as pieces of one JSON text.",
        );
      }
    }
    return failures;
  },
);

/** The OpenAI-compatible route, where usage follows stream_options.include_usage; other chat streams may always send it. */
const INCLUDE_USAGE_OPERATION = "createChatCompletion";

export const chatStreamUsagePlacement = chatCheck(
  "chat-stream-usage-placement",
  "Usage comes once, in the last chunk; on /v1/chat/completions only when stream_options.include_usage is true, with empty choices.",
  (operation, chunks, view, exchange) => {
    const body =
      exchange.request.body.kind === "json" ? (exchange.request.body.value as Record<string, unknown>) : {};
    const options = body["stream_options"] as Record<string, unknown> | undefined;
    const openAiRoute = operation.operationId === INCLUDE_USAGE_OPERATION;
    const requested = options?.["include_usage"] === true;
    const withUsage = chunks.filter((chunk) => chunk.usage !== undefined && chunk.usage !== null);
    const fail = (title: string, received: string, documented: string, advice: string): ContractFailure[] => [
      failureOf(operation, "chat-stream-usage-placement", {
        title,
        message: `${received}; the spec documents ${documented}. ${advice}`,
        received,
        documented,
      }),
    ];
    if (!openAiRoute) {
      const last = chunks.at(-1);
      if (withUsage.length === 0 || (withUsage.length === 1 && withUsage[0] === last)) return [];
      return fail(
        "Usage not only in the last chunk",
        `Events ${withUsage.map((chunk) => chunk.index).join(", ")} carry usage`,
        "usage at most once, in the last chunk",
        "Send usage once, in the final chunk.",
      );
    }
    if (!requested) {
      const first = withUsage[0];
      if (first === undefined) return [];
      return fail(
        "Usage sent without include_usage",
        `Event ${first.index} carries usage although the request did not set stream_options.include_usage`,
        "usage only when stream_options.include_usage is true",
        "Leave usage out (or null) unless the request asks for it.",
      );
    }
    if (hasErrorEvent(view)) return [];
    if (withUsage.length === 0) {
      return fail(
        "Usage missing",
        "The request set stream_options.include_usage but no chunk carries usage",
        "one usage chunk at the end of the stream",
        "Send a final chunk with empty choices and the usage.",
      );
    }
    if (withUsage.length > 1) {
      return fail(
        "Usage sent more than once",
        `Events ${withUsage.map((chunk) => chunk.index).join(", ")} carry usage`,
        "usage in the last chunk only, null before it",
        "Send usage once, in the final chunk.",
      );
    }
    const usageChunk = withUsage[0] as Chunk;
    const lastChunk = chunks.at(-1);
    if (usageChunk !== lastChunk || usageChunk.choices.length > 0) {
      return fail(
        "Usage not in the final chunk",
        `Event ${usageChunk.index} carries usage with ${usageChunk.choices.length} choices, and ` +
          `${chunks.length - 1 - chunks.indexOf(usageChunk)} chunks follow it`,
        "usage in the last chunk, whose choices list is empty",
        "Send usage in a final chunk with empty choices, right before the terminator.",
      );
    }
    return [];
  },
);

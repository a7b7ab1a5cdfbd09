import type { ContractFailure } from "../../validation/contract-failure.ts";
import { formatValue } from "../../validation/format-value.ts";
import { resolveReference, type SchemaObject } from "../../spec/openapi-document.ts";
import { type ContractCheck } from "../contract-check.ts";
import { failureOf } from "../../validation/contract-failure.ts";
import { streamView } from "../stream-view.ts";

/** Content events and the stop event that must follow the last of them, as the speak and TTS streams document. */
const STOP_PAIRS: readonly { readonly content: string; readonly stop: string }[] = [
  { content: "audio_chunk", stop: "audio_stop" },
  { content: "text_delta", stop: "message_stop" },
];

/** A stop event follows the last content event of its kind, once. */
export const streamStopAfterContent: ContractCheck = {
  id: "stream-stop-after-content",
  family: "sse-order",
  description:
    "audio_stop follows the last audio_chunk, and message_stop the last text_delta, exactly once; text ends before audio starts.",
  appliesTo(operation, exchange, context) {
    const view = streamView(operation, exchange, context.validators);
    return (
      view !== undefined &&
      view.rules.events.some((event) => STOP_PAIRS.some((pair) => pair.stop === event.name))
    );
  },
  run(operation, exchange, context) {
    const view = streamView(operation, exchange, context.validators);
    if (view === undefined) return [];
    const failed = view.events.some(
      (event) => event.name !== undefined && event.name === view.rules.errorEvent,
    );
    const failures: ContractFailure[] = [];
    for (const pair of STOP_PAIRS) {
      if (!view.rules.events.some((event) => event.name === pair.stop)) continue;
      const stops = view.events.filter((event) => event.name === pair.stop).map((event) => event.index);
      const contents = view.events.filter((event) => event.name === pair.content).map((event) => event.index);
      const lastContent = contents.at(-1);
      let received: string | undefined;
      if (stops.length > 1) received = `${pair.stop} ${stops.length} times (events ${stops.join(", ")})`;
      else if (stops.length === 0 && !failed && contents.length > 0)
        received = `${contents.length} ${pair.content} events and no ${pair.stop}`;
      else if (stops[0] !== undefined && lastContent !== undefined && stops[0] < lastContent) {
        received = `${pair.stop} at event ${stops[0]} before the ${pair.content} at event ${lastContent}`;
      }
      if (received === undefined) continue;
      failures.push(
        failureOf(operation, "stream-stop-after-content", {
          title: `${pair.stop} out of order`,
          message:
            `The stream sent ${received}; the spec documents one ${pair.stop} after the last ${pair.content}. ` +
            `Send ${pair.stop} once, after all ${pair.content} events.`,
          received,
          documented: `one ${pair.stop} after the last ${pair.content}`,
        }),
      );
    }
    const messageStop = view.events.find((event) => event.name === "message_stop");
    const firstAudio = view.events.find((event) => event.name === "audio_chunk");
    if (messageStop !== undefined && firstAudio !== undefined && firstAudio.index < messageStop.index) {
      const received = `audio_chunk at event ${firstAudio.index} before message_stop at event ${messageStop.index}`;
      failures.push(
        failureOf(operation, "stream-stop-after-content", {
          title: "Audio starts before the text ends",
          message:
            `The stream sent ${received}; the spec documents that message_stop ends the text before the first ` +
            "audio_chunk on speak streams. Finish the text before streaming audio.",
          received,
          documented: "message_stop before the first audio_chunk",
        }),
      );
    }
    return failures;
  },
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/** String properties that an event schema marks `contentEncoding: base64` hold valid base64. */
export const sseBase64Content: ContractCheck = {
  id: "sse-base64-content",
  family: "body-schema",
  description: "Event properties documented with contentEncoding: base64 hold valid base64 text.",
  appliesTo: (operation, exchange, context) =>
    streamView(operation, exchange, context.validators) !== undefined,
  run(operation, exchange, context) {
    const view = streamView(operation, exchange, context.validators);
    if (view === undefined) return [];
    const schemas = context.validators.spec.document.components?.schemas ?? {};
    for (const event of view.events) {
      const rule = view.rules.events.find((candidate) => candidate.name === event.name);
      const schema = rule === undefined ? undefined : schemas[rule.schema];
      if (schema === undefined || event.payload === null || typeof event.payload !== "object") continue;
      const properties =
        resolveReference<SchemaObject>(context.validators.spec.document, schema).properties ?? {};
      for (const [name, property] of Object.entries(properties)) {
        const resolved = resolveReference<SchemaObject>(context.validators.spec.document, property);
        if ((resolved as Record<string, unknown>)["contentEncoding"] !== "base64") continue;
        const value = (event.payload as Record<string, unknown>)[name];
        if (typeof value !== "string" || BASE64.test(value)) continue;
        return [
          failureOf(operation, "sse-base64-content", {
            title: `${rule?.name ?? "event"}.${name} is not base64`,
            message:
              `Event ${event.index} (${rule?.name ?? "unknown"}) has ${name} ${formatValue(value, 80)}, which is not base64; ` +
              `the spec documents base64 text (contentEncoding: base64). Encode the bytes as standard base64.`,
            received: formatValue(value, 80),
            documented: "base64 text",
          }),
        ];
      }
    }
    return [];
  },
};

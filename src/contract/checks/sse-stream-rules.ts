import { CHECKS } from "../../validation/contract-failure.ts";
import { formatValue } from "../../validation/format-value.ts";
import { essenceOf } from "../../validation/media-type.ts";
import { type CheckContext, type ContractCheck } from "../contract-check.ts";
import { failureOf } from "../../validation/contract-failure.ts";
import { streamView, type StreamView } from "../stream-view.ts";
import type { Exchange } from "../../http/exchange.ts";
import type { OperationInfo } from "../../validation/validator-registry.ts";
import type { ContractFailure } from "../../validation/contract-failure.ts";
import type { CheckFamily } from "../check-family.ts";

/** Defines a check that runs on SSE responses with documented `x-sse` rules. */
function streamCheck(
  id: string,
  family: CheckFamily,
  description: string,
  run: (
    operation: OperationInfo,
    view: StreamView,
    context: CheckContext,
    exchange: Exchange,
  ) => ContractFailure[],
): ContractCheck {
  return {
    id,
    family,
    description,
    appliesTo: (operation, exchange, context) =>
      streamView(operation, exchange, context.validators) !== undefined,
    run(operation, exchange, context) {
      const view = streamView(operation, exchange, context.validators);
      return view === undefined ? [] : run(operation, view, context, exchange);
    },
  };
}

export const sseEventSchemaConformance = streamCheck(
  CHECKS.sseEventSchema,
  "body-schema",
  "Every SSE data payload is valid against the schema of its documented event.",
  (_operation, view) => view.eventFailures.filter((failure) => failure.check === CHECKS.sseEventSchema),
);

export const sseEventTypeConformance = streamCheck(
  CHECKS.sseEventType,
  "body-schema",
  "Every SSE data payload is one of the event types documented in x-sse.",
  (_operation, view) => view.eventFailures.filter((failure) => failure.check === CHECKS.sseEventType),
);

export const sseCommentConformance = streamCheck(
  CHECKS.sseComment,
  "sse-framing",
  "Every SSE comment line matches a documented comment pattern, when the stream documents any.",
  (_operation, view) => view.commentFailures.slice(0, 5),
);

export const sseEventDataParsable = streamCheck(
  "sse-event-data-parsable",
  "sse-framing",
  "Each SSE event carries exactly one JSON value, so events are separated by blank lines.",
  (operation, view) => {
    const broken = view.events.find((event) => event.parseError !== undefined);
    if (broken === undefined) return [];
    const joined = broken.data.includes("\n");
    return [
      failureOf(operation, "sse-event-data-parsable", {
        title: joined ? "SSE events not separated" : "SSE data is not JSON",
        message:
          `Event ${broken.index} has data that does not parse as JSON (${broken.parseError ?? ""}): received ` +
          `${formatValue(broken.data)}; the spec documents one JSON payload per event` +
          `${joined ? ". The data has several lines, so two events were probably sent without the blank line between them" : ""}. ` +
          "End every event with a blank line and send one JSON value per event.",
        received: formatValue(broken.data),
        documented: "one JSON value per event",
      }),
    ];
  },
);

export const sseStreamComplete = streamCheck(
  "sse-stream-complete",
  "sse-framing",
  "The stream ends after a complete event and uses only the standard SSE fields.",
  (operation, view) => {
    const failures: ContractFailure[] = [];
    if (view.transcript.discardedData !== undefined) {
      failures.push(
        failureOf(operation, "sse-stream-complete", {
          title: "SSE stream ended inside an event",
          message:
            `The stream ended without the blank line that closes its last event, so a reader drops it: received ` +
            `${formatValue(view.transcript.discardedData)}; the standard documents a blank line after every event. ` +
            "End each event with a blank line before closing the stream.",
          received: formatValue(view.transcript.discardedData),
          documented: "a blank line after every event",
        }),
      );
    }
    const ignored = view.transcript.ignoredLines[0];
    if (ignored !== undefined) {
      failures.push(
        failureOf(operation, "sse-stream-complete", {
          title: "Unknown SSE field",
          message:
            `The stream has a line that SSE readers ignore (${ignored.reason}): received ${formatValue(ignored.line)}; ` +
            "the standard documents the fields data, event, id and retry, and comments starting with ':'. " +
            "Send data in data: lines.",
          received: formatValue(ignored.line),
          documented: "data, event, id, retry or a comment",
        }),
      );
    }
    return failures;
  },
);

export const sseTerminatorLast = streamCheck(
  "sse-terminator-last",
  "sse-framing",
  "A stream with a documented terminator ends with it exactly once, and nothing follows it.",
  (operation, view) => {
    const terminator = view.rules.terminator;
    if (terminator === undefined) return [];
    const positions = view.events.filter((event) => event.terminator).map((event) => event.index);
    const last = view.events.at(-1);
    const fail = (title: string, received: string, advice: string): ContractFailure[] => [
      failureOf(operation, "sse-terminator-last", {
        title,
        message: `${received}; the spec documents data: ${terminator} as the last event. ${advice}`,
        received,
        documented: `data: ${terminator} last, once`,
      }),
    ];
    if (positions.length === 0) {
      // A stream may end right after its in-band error event.
      if (last !== undefined && last.name !== undefined && last.name === view.rules.errorEvent) return [];
      return fail(
        `Stream ended without ${terminator}`,
        `Received ${view.events.length} events and no data: ${terminator}`,
        `Send data: ${terminator} after the last event.`,
      );
    }
    if (positions.length > 1) {
      return fail(
        `${terminator} sent more than once`,
        `Received data: ${terminator} ${positions.length} times`,
        "Send it once.",
      );
    }
    if (last?.terminator !== true) {
      return fail(
        `Events after ${terminator}`,
        `Received ${view.events.length - 1 - (positions[0] ?? 0)} events after data: ${terminator}`,
        `Send nothing after data: ${terminator}.`,
      );
    }
    const tail = textAfterTerminator(view.text, terminator);
    if (tail !== undefined && tail.trim() !== "") {
      return fail(
        `Bytes after ${terminator}`,
        `Received ${formatValue(tail)} after data: ${terminator}`,
        `Close the stream right after data: ${terminator}.`,
      );
    }
    return [];
  },
);

/** Returns the raw text after the line `data: <terminator>` (or `data:<terminator>`) and its blank line. */
function textAfterTerminator(text: string, terminator: string): string | undefined {
  const pattern = new RegExp(
    `(^|[\\r\\n])data: ?${terminator.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\r\\n|\\r|\\n)`,
  );
  const match = pattern.exec(text);
  if (match === null) return undefined;
  return text.slice(match.index + match[0].length).replace(/^(\r\n|\r|\n)/, "");
}

export const sseFirstEvent = streamCheck(
  "sse-first-event",
  "sse-order",
  "A stream with a documented first event (such as a snapshot) sends it before any other event.",
  (operation, view) => {
    const expected = view.rules.firstEvent;
    const first = view.events[0];
    if (expected === undefined || first === undefined || first.name === expected) return [];
    const received = first.name ?? formatValue(first.data);
    return [
      failureOf(operation, "sse-first-event", {
        title: `Stream does not start with ${expected}`,
        message:
          `The first event is ${received}; the spec documents ${expected} as the first event of the stream. ` +
          `Send ${expected} before any other event.`,
        received,
        documented: expected,
      }),
    ];
  },
);

export const sseErrorEvent = streamCheck(
  "sse-error-event",
  "sse-framing",
  "A stream carries an in-band error event only when the request is built to fail, and then it does.",
  (operation, view, context) => {
    const errorName = view.rules.errorEvent;
    const errors = view.events.filter((event) => event.name !== undefined && event.name === errorName);
    if (context.intent.kind === "stream-error") {
      if (errors.length > 0) return [];
      return [
        failureOf(operation, "sse-error-event", {
          title: "In-band error not reported",
          message:
            `The request was built to fail mid-stream, but the stream carries no ${errorName ?? "error"} event ` +
            `(received ${view.events.length} events); the spec documents an in-band ${errorName ?? "error"} event ` +
            "for failures after the 200 status. Send the error as its documented event.",
          received: `${view.events.length} events without ${errorName ?? "an error event"}`,
          documented: `an in-band ${errorName ?? "error"} event`,
        }),
      ];
    }
    const first = errors[0];
    if (first === undefined) return [];
    return [
      failureOf(operation, "sse-error-event", {
        title: "Stream reported an in-band error",
        message:
          `Event ${first.index} is an in-band ${errorName ?? "error"} event: received ${formatValue(first.data)}; ` +
          "the request is valid, so the spec documents a complete stream. Check the deployment's logs for the cause.",
        received: formatValue(first.data),
        documented: "a stream without error events",
      }),
    ];
  },
);

/** Requests that ask for a stream must get one: `stream: true` in a JSON body. */
export const sseStreamServed: ContractCheck = {
  id: "sse-stream-served",
  family: "header",
  description: "A successful request with stream: true gets a response with Content-Type: text/event-stream.",
  appliesTo(_operation, exchange) {
    const body = exchange.request.body;
    const streamRequested =
      body.kind === "json" &&
      body.value !== null &&
      typeof body.value === "object" &&
      (body.value as Record<string, unknown>)["stream"] === true;
    return streamRequested && exchange.response?.status === 200;
  },
  run(operation, exchange) {
    const contentType = exchange.response?.headers["content-type"];
    if (contentType !== undefined && essenceOf(contentType) === "text/event-stream") return [];
    const received = contentType ?? "no Content-Type";
    return [
      failureOf(operation, "sse-stream-served", {
        title: "Stream request not answered with SSE",
        message:
          `The request set stream: true and received ${received}; the spec documents text/event-stream for ` +
          "streaming requests. Serve the stream with Content-Type: text/event-stream.",
        received,
        documented: "text/event-stream",
      }),
    ];
  },
};

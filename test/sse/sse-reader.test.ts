import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { createSseReader, SseBufferOverflowError, type SseEvent } from "../../src/sse/sse-reader.ts";

interface Collected {
  events: SseEvent[];
  comments: string[];
  ignored: string[];
  retries: number[];
  discardedData: string | undefined;
}

/** Feeds `chunks` one by one, stamping chunk i with time i, and collects what the reader reports. */
function read(chunks: readonly (string | Uint8Array)[], maxBufferSize?: number): Collected {
  const collected: Collected = {
    events: [],
    comments: [],
    ignored: [],
    retries: [],
    discardedData: undefined,
  };
  const reader = createSseReader(
    {
      onEvent: (event) => collected.events.push(event),
      onComment: (comment) => collected.comments.push(comment.text),
      onIgnoredLine: (line) => collected.ignored.push(`${line.reason}:${line.line}`),
      onRetry: (retry) => collected.retries.push(retry),
    },
    maxBufferSize === undefined ? {} : { maxBufferSize },
  );
  chunks.forEach((chunk, index) => reader.push(chunk, index));
  collected.discardedData = reader.end(chunks.length).discardedData;
  return collected;
}

const data = (collected: Collected): string[] => collected.events.map((event) => event.data);

describe("createSseReader", () => {
  const lineEndingCases: [string, string, string[]][] = [
    ["LF", "data: a\n\ndata: b\n\n", ["a", "b"]],
    ["CRLF", "data: a\r\n\r\ndata: b\r\n\r\n", ["a", "b"]],
    ["lone CR", "data: a\r\rdata: b\r\r", ["a", "b"]],
    ["mixed endings", "data: a\r\n\ndata: b\r\r\ndata: c\n\r", ["a", "b", "c"]],
    ["data without space", "data:a\n\ndata:  b\n\n", ["a", " b"]],
    ["multi-line data", "data: line 1\ndata: line 2\ndata:\n\n", ["line 1\nline 2\n"]],
    ["empty data field", "data\n\n", [""]],
    ["blank lines only", "\n\n\r\n\r\r", []],
    ["event without data", "event: ping\n\n", []],
  ];

  test.each(lineEndingCases)("parses %s", (_name, text, expected) => {
    expect(data(read([text]))).toEqual(expected);
  });

  test.each(lineEndingCases)("parses %s fed one byte at a time", (_name, text, expected) => {
    const bytes = new TextEncoder().encode(text);
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(data(read(chunks))).toEqual(expected);
  });

  test("reads event name and id", () => {
    const [event] = read(["event: error\nid: 7\ndata: {}\n\n"]).events;
    expect(event?.event).toBe("error");
    expect(event?.id).toBe("7");
  });

  test("leaves event name undefined by default", () => {
    const [event] = read(["data: x\n\n"]).events;
    expect(event?.event).toBeUndefined();
  });

  test("stamps an event with the read that completed it", () => {
    const events = read(["data: a", "\n", "\ndata: b\n\n"]).events;
    expect(events.map((event) => event.receivedAt)).toEqual([2, 2]);
  });

  test("dispatches a CR-terminated event without waiting for the next read", () => {
    const events = read(["data: a\r\r", "data: b\r\r"]).events;
    expect(events.map((event) => event.receivedAt)).toEqual([0, 1]);
  });

  test("joins CRLF split across reads", () => {
    const collected = read(["data: a\r", "\n\r", "\ndata: b\r\n\r\n"]);
    expect(data(collected)).toEqual(["a", "b"]);
  });

  test("does not treat LF after a split CRLF as a blank line", () => {
    const collected = read(["data: a\r", "\ndata: b\n\n"]);
    expect(data(collected)).toEqual(["a\nb"]);
  });

  test("numbers events from zero", () => {
    const events = read(["data: a\n\ndata: b\n\n"]).events;
    expect(events.map((event) => event.index)).toEqual([0, 1]);
  });

  test("reports comments", () => {
    const collected = read([": heartbeat 1\n:no space\n:\ndata: x\n\n"]);
    expect(collected.comments).toEqual(["heartbeat 1", "no space", ""]);
  });

  test("reports unknown fields as ignored", () => {
    const collected = read(["foo: bar\ndata: x\n\n"]);
    expect(collected.ignored).toEqual(["unknown-field:foo: bar"]);
  });

  test("reports a bad retry value as ignored", () => {
    const collected = read(["retry: soon\nretry: 1500\n\n"]);
    expect(collected.ignored).toEqual(["invalid-retry:retry: soon"]);
    expect(collected.retries).toEqual([1500]);
  });

  test("strips a byte order mark split across reads", () => {
    const bytes = new TextEncoder().encode("\uFEFFdata: x\n\n");
    const collected = read([bytes.slice(0, 1), bytes.slice(1, 2), bytes.slice(2)]);
    expect(data(collected)).toEqual(["x"]);
  });

  test("decodes UTF-8 split inside a character", () => {
    const bytes = new TextEncoder().encode("data: h\u00e9llo \u{1F600}\n\n");
    const chunks = [bytes.slice(0, 8), bytes.slice(8, 16), bytes.slice(16)];
    expect(data(read(chunks))).toEqual(["h\u00e9llo \u{1F600}"]);
  });

  test("discards an event the stream did not close", () => {
    const collected = read(["data: a\n\ndata: partial\n"]);
    expect(data(collected)).toEqual(["a"]);
    expect(collected.discardedData).toBe("partial");
  });

  test("discards a final line without line ending", () => {
    const collected = read(["data: a\n\ndata: [DONE]"]);
    expect(data(collected)).toEqual(["a"]);
    expect(collected.discardedData).toBe("[DONE]");
  });

  test("keeps a complete stream's discarded data empty", () => {
    expect(read(["data: a\n\n"]).discardedData).toBeUndefined();
  });

  test("counts bytes read", () => {
    const reader = createSseReader({ onEvent: () => undefined });
    reader.push(new TextEncoder().encode("data: \u00e9\n\n"));
    expect(reader.end().bytesRead).toBe(10);
  });

  test("throws when an unfinished line outgrows the buffer", () => {
    expect(() => read(["data: " + "x".repeat(200)], 100)).toThrow(SseBufferOverflowError);
  });

  test("rejects push after end", () => {
    const reader = createSseReader({ onEvent: () => undefined });
    reader.end();
    expect(() => reader.push("data: x\n\n")).toThrow(/after end/);
  });

  test("yields the same events for any split of the bytes", () => {
    const stream =
      ": open\r\n" +
      'data: {"a":1}\r\n\r\n' +
      "event: error\rdata: two\rdata: lines\r\r" +
      "data:no-space\n\n" +
      "id: 9\ndata: \u00e9\u{1F600}\n\n" +
      "data: [DONE]\r\n\r\n";
    const bytes = new TextEncoder().encode(stream);
    const expected = data(read([bytes]));
    expect(expected).toEqual(['{"a":1}', "two\nlines", "no-space", "\u00e9\u{1F600}", "[DONE]"]);

    const cutPoints = fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 });
    fc.assert(
      fc.property(cutPoints, (cuts) => {
        const sorted = [0, ...cuts.sort((a, b) => a - b), bytes.length];
        const chunks = sorted.slice(1).map((end, i) => bytes.slice(sorted[i], end));
        expect(data(read(chunks))).toEqual(expected);
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});

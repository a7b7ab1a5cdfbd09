import { Readable } from "node:stream";
import { describe, expect, test } from "vitest";
import { readSseStream } from "../../src/sse/read-sse-stream.ts";

describe("readSseStream", () => {
  test("collects events, comments and ignored lines", async () => {
    const body = Readable.from([": hi\n", "data: a\n\nbogus\n", "data: [DONE]\n\n"]);
    const transcript = await readSseStream(body);
    expect(transcript.events.map((event) => event.data)).toEqual(["a", "[DONE]"]);
    expect(transcript.comments.map((comment) => comment.text)).toEqual(["hi"]);
    expect(transcript.ignoredLines.map((line) => line.line)).toEqual(["bogus"]);
  });

  test("orders receive times", async () => {
    const transcript = await readSseStream(Readable.from(["data: a\n\n", "data: b\n\n"]));
    const [first, second] = transcript.events;
    expect(transcript.firstByteAt).toBeLessThanOrEqual(first?.receivedAt ?? -1);
    expect(first?.receivedAt).toBeLessThanOrEqual(second?.receivedAt ?? -1);
    expect(second?.receivedAt).toBeLessThanOrEqual(transcript.endedAt);
  });

  test("reports an empty body", async () => {
    const transcript = await readSseStream(Readable.from([]));
    expect(transcript.firstByteAt).toBeUndefined();
    expect(transcript.eventCount).toBe(0);
  });
});

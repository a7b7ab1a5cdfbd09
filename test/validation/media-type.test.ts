import { describe, expect, test } from "vitest";
import {
  essenceOf,
  isBinaryMediaType,
  isJsonMediaType,
  matchMediaType,
} from "../../src/validation/media-type.ts";

describe("matchMediaType", () => {
  test.each([
    {
      documented: ["application/json"],
      received: "application/json; charset=utf-8",
      match: "application/json",
    },
    {
      documented: ["application/json; charset=utf-8"],
      received: "application/json",
      match: "application/json; charset=utf-8",
    },
    { documented: ["audio/*", "application/json"], received: "audio/mpeg", match: "audio/*" },
    { documented: ["*/*", "audio/*"], received: "audio/wav", match: "audio/*" },
    { documented: ["*/*"], received: "image/png", match: "*/*" },
    { documented: ["*/*", "image/png"], received: "image/png", match: "image/png" },
    { documented: ["audio/*"], received: "video/mp4", match: undefined },
    { documented: ["application/json"], received: "text/event-stream", match: undefined },
  ])("$received against $documented", ({ documented, received, match }) => {
    expect(matchMediaType(documented, received)).toBe(match);
  });
});

describe("media type predicates", () => {
  test.each([
    { mediaType: " Text/Event-Stream ; charset=utf-8", essence: "text/event-stream" },
    { mediaType: "application/json", essence: "application/json" },
  ])("essence of $mediaType", ({ mediaType, essence }) => {
    expect(essenceOf(mediaType)).toBe(essence);
  });

  test.each([
    { mediaType: "application/json", json: true },
    { mediaType: "application/problem+json; charset=utf-8", json: true },
    { mediaType: "text/plain", json: false },
  ])("isJsonMediaType($mediaType) is $json", ({ mediaType, json }) => {
    expect(isJsonMediaType(mediaType)).toBe(json);
  });

  test.each([
    { mediaType: "audio/mpeg", binary: true },
    { mediaType: "application/octet-stream", binary: true },
    { mediaType: "image/png", binary: true },
    { mediaType: "application/json", binary: false },
    { mediaType: "text/event-stream", binary: false },
  ])("isBinaryMediaType($mediaType) is $binary", ({ mediaType, binary }) => {
    expect(isBinaryMediaType(mediaType)).toBe(binary);
  });
});

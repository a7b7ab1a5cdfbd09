import { describe, expect, test } from "vitest";
import {
  InvalidRequestError,
  optionalOneOf,
  optionalStringList,
  optionalStringRecord,
  parseHttpUrl,
  requiredHttpUrl,
} from "../../src/mock/request-fields.ts";
import { messageRole, requiredMessageList } from "../../src/mock/message-fields.ts";

/** Runs `read` and returns the InvalidRequestError it throws, or undefined when it returns. */
function rejection(read: () => unknown): InvalidRequestError | undefined {
  try {
    read();
    return undefined;
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
}

describe("shared field readers", () => {
  test.each([
    ["string list", () => optionalStringList(["a", "b"], "tags"), ["a", "b"]],
    ["absent string list", () => optionalStringList(null, "tags"), undefined],
    ["string map", () => optionalStringRecord({ a: "1" }, "labels"), { a: "1" }],
    ["absent string map", () => optionalStringRecord(undefined, "labels"), undefined],
    ["one-of value", () => optionalOneOf("PUT", "method", ["POST", "PUT"]), "PUT"],
    ["absent one-of value", () => optionalOneOf(undefined, "method", ["POST", "PUT"]), undefined],
    ["https URL", () => requiredHttpUrl("https://example.com/a", "url").href, "https://example.com/a"],
    ["message role", () => messageRole({ role: "tool" }, "messages[0]"), "tool"],
    ["empty message list", () => requiredMessageList([], { minItems: 0 }), []],
  ])("%s is read", (_name, read, expected) => {
    expect(read()).toEqual(expected);
  });

  test.each([
    [
      "string list",
      () => optionalStringList(["a", 1], "tags"),
      "tags",
      "tags must be a list of strings, received an array.",
    ],
    [
      "string map",
      () => optionalStringRecord({ a: 1 }, "labels"),
      "labels",
      "labels must be an object of string values, received an object.",
    ],
    [
      "one-of value",
      () => optionalOneOf("GET", "method", ["POST", "PUT"]),
      "method",
      'method must be one of POST, PUT, received "GET".',
    ],
    [
      "ftp URL",
      () => requiredHttpUrl("ftp://example.com", "url"),
      "url",
      'url must be an absolute http or https URL, received "ftp://example.com".',
    ],
    [
      "relative URL",
      () => requiredHttpUrl("/a", "url"),
      "url",
      'url must be an absolute http or https URL, received "/a".',
    ],
    [
      "message role",
      () => messageRole({ role: "robot" }, "messages[1]"),
      "messages",
      'messages[1].role must be system, user, assistant or tool, received "robot".',
    ],
    [
      "missing messages",
      () => requiredMessageList(undefined, { minItems: 1 }),
      "messages",
      "messages is missing; send a non-empty list of { role, content }.",
    ],
    [
      "empty messages",
      () => requiredMessageList([], { minItems: 1 }),
      "messages",
      "messages must be a non-empty list, received an array.",
    ],
  ])("invalid %s is rejected", (_name, read, param, message) => {
    const error = rejection(read);
    expect(error?.param).toBe(param);
    expect(error?.message).toBe(message);
  });

  test("parseHttpUrl rejects other schemes", () => {
    expect(parseHttpUrl("http://127.0.0.1:4010/v1")?.port).toBe("4010");
    expect(parseHttpUrl("mailto:someone@example.com")).toBeUndefined();
    expect(parseHttpUrl("not a url")).toBeUndefined();
  });
});

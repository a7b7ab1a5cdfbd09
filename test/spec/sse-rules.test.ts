import { describe, expect, test } from "vitest";
import { matchesEvent, parseSseRules, SseRulesError } from "../../src/spec/sse-rules.ts";

const tick = { name: "tick", schema: "TickEvent", when: { property: "object", equals: "tick" } };
const error = { name: "error", schema: "StreamError", when: { property: "error", present: true } };

describe("parseSseRules", () => {
  test("parses every field", () => {
    const rules = parseSseRules({
      terminator: "[DONE]",
      comments: ["^heartbeat \\d+$"],
      errorEvent: "error",
      firstEvent: "tick",
      events: [tick, error],
    });
    expect(rules.terminator).toBe("[DONE]");
    expect(rules.comments?.[0]?.test("heartbeat 3")).toBe(true);
    expect(rules.errorEvent).toBe("error");
    expect(rules.firstEvent).toBe("tick");
    expect(rules.events).toEqual([tick, error]);
  });

  test("last event may omit when", () => {
    const rules = parseSseRules({ events: [tick, { name: "other", schema: "Other" }] });
    expect(rules.events[1]).toEqual({ name: "other", schema: "Other" });
  });

  test.each([
    { case: "not an object", value: "events", message: "x-sse must be an object" },
    { case: "no events", value: { events: [] }, message: "x-sse.events must be a non-empty list" },
    { case: "event without name", value: { events: [{ schema: "A" }] }, message: "x-sse.events[0].name" },
    { case: "event without schema", value: { events: [{ name: "a" }] }, message: "x-sse.events[0].schema" },
    {
      case: "when missing before the last event",
      value: { events: [{ name: "a", schema: "A" }, tick] },
      message: "only the last event may omit it",
    },
    {
      case: "when without equals or present",
      value: { events: [{ name: "a", schema: "A", when: { property: "type" } }] },
      message: "needs `equals`",
    },
    {
      case: "terminator not a string",
      value: { terminator: 1, events: [tick] },
      message: "terminator must be a string",
    },
    {
      case: "invalid comment pattern",
      value: { comments: ["("], events: [tick] },
      message: "not a valid regular expression",
    },
    {
      case: "unknown errorEvent",
      value: { errorEvent: "boom", events: [tick] },
      message: 'errorEvent "boom"',
    },
    {
      case: "unknown firstEvent",
      value: { firstEvent: "start", events: [tick] },
      message: 'firstEvent "start"',
    },
  ])("rejects $case", ({ value, message }) => {
    expect(() => parseSseRules(value)).toThrow(SseRulesError);
    expect(() => parseSseRules(value)).toThrow(message);
  });
});

describe("matchesEvent", () => {
  test.each([
    { rule: tick, payload: { object: "tick" }, matches: true },
    { rule: tick, payload: { object: "tock" }, matches: false },
    { rule: error, payload: { error: {} }, matches: true },
    { rule: error, payload: { object: "tick" }, matches: false },
    { rule: tick, payload: ["tick"], matches: false },
    { rule: { name: "any", schema: "Any" }, payload: 1, matches: true },
  ])("$rule.name against $payload is $matches", ({ rule, payload, matches }) => {
    expect(matchesEvent(rule, payload)).toBe(matches);
  });
});

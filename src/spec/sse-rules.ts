import { toPointer } from "./json-pointer.ts";
import {
  isReference,
  resolveReference,
  schemaComponentName,
  type MediaTypeObject,
  type OpenApiDocument,
  type ResponseObject,
} from "./openapi-document.ts";
import { listOperations } from "./operations.ts";
import type { SourceLocator } from "./source-locator.ts";
import type { SpecProblem } from "./spec-problem.ts";

export const EVENT_STREAM = "text/event-stream";

/** How a data payload selects its event: a top-level property equals a constant, or exists. */
export type SseEventCondition =
  { property: string; equals: string | number | boolean } | { property: string; present: boolean };

/** One event type of a stream: its name, the component schema of its payload and how to spot it. */
export interface SseEventRule {
  name: string;
  /** Name of the component schema, `#/components/schemas/<schema>`. */
  schema: string;
  /** Omitted on the last rule only; such a rule matches every payload that reaches it. */
  when?: SseEventCondition;
}

/** The framing rules of a `text/event-stream` response, read from its `x-sse` extension. */
export interface SseRules {
  /** The `data:` payload that ends the stream, such as `[DONE]`. */
  terminator?: string;
  /** Patterns that comment lines (the text after `:`) must match; undefined allows any comment. */
  comments?: RegExp[];
  /** Name of the in-band error event. */
  errorEvent?: string;
  /** Name of the event that must open the stream, such as a run snapshot. */
  firstEvent?: string;
  events: SseEventRule[];
}

/** Thrown by `parseSseRules` when an `x-sse` value is malformed. */
export class SseRulesError extends Error {
  override readonly name = "SseRulesError";
}

/** Parses and checks the plain-data `x-sse` extension of a media type. */
export function parseSseRules(value: unknown): SseRules {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SseRulesError("x-sse must be an object with an `events` list");
  }
  const raw = value as Record<string, unknown>;
  const rules: SseRules = { events: parseEvents(raw["events"]) };
  if (raw["terminator"] !== undefined) {
    if (typeof raw["terminator"] !== "string") throw new SseRulesError("x-sse.terminator must be a string");
    rules.terminator = raw["terminator"];
  }
  if (raw["comments"] !== undefined) rules.comments = parseComments(raw["comments"]);
  if (raw["errorEvent"] !== undefined) {
    const errorEvent = raw["errorEvent"];
    if (typeof errorEvent !== "string" || !rules.events.some((event) => event.name === errorEvent)) {
      throw new SseRulesError(`x-sse.errorEvent ${JSON.stringify(errorEvent)} must name one of the events`);
    }
    rules.errorEvent = errorEvent;
  }
  if (raw["firstEvent"] !== undefined) {
    const firstEvent = raw["firstEvent"];
    if (typeof firstEvent !== "string" || !rules.events.some((event) => event.name === firstEvent)) {
      throw new SseRulesError(`x-sse.firstEvent ${JSON.stringify(firstEvent)} must name one of the events`);
    }
    rules.firstEvent = firstEvent;
  }
  return rules;
}

function parseEvents(value: unknown): SseEventRule[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new SseRulesError("x-sse.events must be a non-empty list of { name, schema, when }");
  }
  return value.map((entry: unknown, index) => {
    const where = `x-sse.events[${index}]`;
    if (entry === null || typeof entry !== "object") throw new SseRulesError(`${where} must be an object`);
    const { name, schema, when } = entry as Record<string, unknown>;
    if (typeof name !== "string" || name === "")
      throw new SseRulesError(`${where}.name must be a non-empty string`);
    if (typeof schema !== "string" || schema === "") {
      throw new SseRulesError(`${where}.schema must name a component schema`);
    }
    if (when === undefined) {
      if (index !== value.length - 1)
        throw new SseRulesError(`${where}.when is missing; only the last event may omit it`);
      return { name, schema };
    }
    return { name, schema, when: parseCondition(when, where) };
  });
}

function parseCondition(value: unknown, where: string): SseEventCondition {
  if (value === null || typeof value !== "object") throw new SseRulesError(`${where}.when must be an object`);
  const { property, equals, present } = value as Record<string, unknown>;
  if (typeof property !== "string" || property === "") {
    throw new SseRulesError(`${where}.when.property must be a non-empty string`);
  }
  if (typeof equals === "string" || typeof equals === "number" || typeof equals === "boolean") {
    return { property, equals };
  }
  if (typeof present === "boolean") return { property, present };
  throw new SseRulesError(`${where}.when needs \`equals\` (a string, number or boolean) or \`present\``);
}

function parseComments(value: unknown): RegExp[] {
  if (!Array.isArray(value)) throw new SseRulesError("x-sse.comments must be a list of regular expressions");
  return value.map((pattern: unknown, index) => {
    if (typeof pattern !== "string") throw new SseRulesError(`x-sse.comments[${index}] must be a string`);
    try {
      return new RegExp(pattern);
    } catch (error) {
      throw new SseRulesError(`x-sse.comments[${index}] is not a valid regular expression: ${String(error)}`);
    }
  });
}

/** Returns true when `payload` satisfies the event's `when` condition (or the rule has none). */
export function matchesEvent(rule: SseEventRule, payload: unknown): boolean {
  if (rule.when === undefined) return true;
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return false;
  const record = payload as Record<string, unknown>;
  if ("equals" in rule.when) return record[rule.when.property] === rule.when.equals;
  return rule.when.property in record === rule.when.present;
}

/** Names of the component schemas listed as `oneOf` (or as the single `$ref`) of a stream's schema. */
export function streamSchemaMembers(media: MediaTypeObject): string[] | undefined {
  const schema = media.schema;
  if (schema === undefined) return undefined;
  const single = schemaComponentName(schema);
  if (single !== undefined) return [single];
  const oneOf = (schema as { oneOf?: unknown[] }).oneOf;
  if (!Array.isArray(oneOf)) return undefined;
  return oneOf.map((member) => schemaComponentName(member) ?? "(inline schema)");
}

/**
 * Checks every `text/event-stream` response: it has `x-sse`, the extension parses, each event
 * names an existing component schema, and the events and the `oneOf` members name the same schemas.
 */
export function checkSseResponses(document: OpenApiDocument, locator: SourceLocator): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const schemas = document.components?.schemas ?? {};
  for (const operation of listOperations(document)) {
    for (const [status, value] of Object.entries(operation.operation.responses ?? {})) {
      const response = resolveReference<ResponseObject>(document, value);
      const media = response.content?.[EVENT_STREAM];
      if (media === undefined) continue;
      const pointer = isReference(value)
        ? toPointer(["components", "responses", value.$ref.split("/").at(-1) ?? "", "content", EVENT_STREAM])
        : `${operation.pointer}${toPointer(["responses", status, "content", EVENT_STREAM])}`;
      const report = (message: string): void => {
        problems.push({
          ...locator.locate(pointer),
          message: `${operation.operationId} ${status}: ${message}`,
          rule: "x-sse",
          severity: "error",
        });
      };
      const raw = (media as Record<string, unknown>)["x-sse"];
      if (raw === undefined) {
        report("text/event-stream response has no x-sse; add the event list (see spec/README.md)");
        continue;
      }
      let rules: SseRules;
      try {
        rules = parseSseRules(raw);
      } catch (error) {
        report(error instanceof Error ? error.message : String(error));
        continue;
      }
      for (const event of rules.events) {
        if (!(event.schema in schemas))
          report(`x-sse event ${event.name} names schema ${event.schema}, which is not a component`);
      }
      const members = streamSchemaMembers(media);
      const eventSchemas = [...new Set(rules.events.map((event) => event.schema))].sort();
      const memberSchemas = [...new Set(members ?? [])].sort();
      if (eventSchemas.join(",") !== memberSchemas.join(",")) {
        report(
          `x-sse events name schemas [${eventSchemas.join(", ")}] but the schema's oneOf lists ` +
            `[${memberSchemas.join(", ")}]; list the same component schemas in both`,
        );
      }
    }
  }
  return problems;
}

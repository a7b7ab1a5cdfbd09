import { HTTP_METHODS, isReference, type OpenApiDocument } from "./openapi-document.ts";

/** A JSON Schema inside the bundled document and the path of segments that leads to it. */
export interface SchemaLocation {
  segments: string[];
  schema: unknown;
}

/** An example value and the path of the schema it must satisfy. */
export interface ExampleLocation {
  /** Segments of the example value itself. */
  segments: string[];
  /** Segments of the schema the example is checked against. */
  schemaSegments: string[];
  value: unknown;
}

type Visit = (value: Record<string, unknown>, segments: string[]) => void;

/**
 * Lists every schema the document declares directly: component schemas and the `schema` of
 * parameters, headers and media types. Schemas nested inside these are part of their parent.
 * A schema that is only a `$ref` is skipped because its target is listed as a component.
 */
export function listSchemaLocations(document: OpenApiDocument): SchemaLocation[] {
  const locations: SchemaLocation[] = [];
  const add = (schema: unknown, segments: string[]): void => {
    if (schema === undefined || isReference(schema)) return;
    locations.push({ segments, schema });
  };
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    add(schema, ["components", "schemas", name]);
  }
  visitSchemaHolders(document, (holder, segments) => add(holder["schema"], [...segments, "schema"]));
  return locations;
}

/**
 * Lists every example with the schema it illustrates: each item of a schema's `examples` array,
 * a schema's `example`, and the `example` or `examples[*].value` of media types and parameters.
 */
export function listExampleLocations(document: OpenApiDocument): ExampleLocation[] {
  const examples: ExampleLocation[] = [];
  for (const { segments, schema } of listSchemaLocations(document)) {
    if (schema === null || typeof schema !== "object") continue;
    const record = schema as Record<string, unknown>;
    if (Array.isArray(record["examples"])) {
      record["examples"].forEach((value, index) => {
        examples.push({
          segments: [...segments, "examples", String(index)],
          schemaSegments: segments,
          value,
        });
      });
    }
    if ("example" in record) {
      examples.push({
        segments: [...segments, "example"],
        schemaSegments: segments,
        value: record["example"],
      });
    }
  }
  visitSchemaHolders(document, (holder, segments) => {
    if (holder["schema"] === undefined) return;
    const schemaSegments = [...segments, "schema"];
    if ("example" in holder) {
      examples.push({ segments: [...segments, "example"], schemaSegments, value: holder["example"] });
    }
    const named = holder["examples"];
    if (named === null || typeof named !== "object" || Array.isArray(named)) return;
    for (const [name, example] of Object.entries(named)) {
      if (example === null || typeof example !== "object" || isReference(example) || !("value" in example))
        continue;
      examples.push({
        segments: [...segments, "examples", name, "value"],
        schemaSegments,
        value: (example as { value: unknown }).value,
      });
    }
  });
  return examples;
}

/** Calls `visit` for every parameter, header and media type object, with its segments. */
function visitSchemaHolders(document: OpenApiDocument, visit: Visit): void {
  const components = (document.components ?? {}) as Record<string, unknown>;
  eachEntry(components["parameters"], ["components", "parameters"], visit);
  eachEntry(components["headers"], ["components", "headers"], visit);
  eachEntry(components["responses"], ["components", "responses"], (response, segments) =>
    visitResponse(response, segments, visit),
  );
  eachEntry(components["requestBodies"], ["components", "requestBodies"], (body, segments) =>
    eachEntry(body["content"], [...segments, "content"], visit),
  );
  for (const [path, pathItem] of Object.entries(document.paths ?? {})) {
    const itemSegments = ["paths", path];
    const item = pathItem as Record<string, unknown>;
    eachItem(item["parameters"], [...itemSegments, "parameters"], visit);
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation === null || typeof operation !== "object") continue;
      const operationSegments = [...itemSegments, method];
      const record = operation as Record<string, unknown>;
      eachItem(record["parameters"], [...operationSegments, "parameters"], visit);
      const body = record["requestBody"];
      if (body !== null && typeof body === "object" && !isReference(body)) {
        eachEntry(
          (body as Record<string, unknown>)["content"],
          [...operationSegments, "requestBody", "content"],
          visit,
        );
      }
      eachEntry(record["responses"], [...operationSegments, "responses"], (response, segments) =>
        visitResponse(response, segments, visit),
      );
    }
  }
}

function visitResponse(response: Record<string, unknown>, segments: string[], visit: Visit): void {
  eachEntry(response["headers"], [...segments, "headers"], visit);
  eachEntry(response["content"], [...segments, "content"], visit);
}

function eachEntry(map: unknown, segments: string[], visit: Visit): void {
  if (map === null || typeof map !== "object") return;
  for (const [key, value] of Object.entries(map)) {
    if (value !== null && typeof value === "object" && !isReference(value)) {
      visit(value as Record<string, unknown>, [...segments, key]);
    }
  }
}

function eachItem(list: unknown, segments: string[], visit: Visit): void {
  if (!Array.isArray(list)) return;
  list.forEach((value: unknown, index) => {
    if (value !== null && typeof value === "object" && !isReference(value)) {
      visit(value as Record<string, unknown>, [...segments, String(index)]);
    }
  });
}

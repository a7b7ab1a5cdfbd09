import { Ajv2020, type Options } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * Schema Object fields that OpenAPI 3.1 adds to JSON Schema 2020-12. They carry no assertion,
 * so they are declared as annotation keywords.
 */
const OPENAPI_KEYWORDS = ["example", "discriminator", "xml", "externalDocs"];

/**
 * Creates an ajv instance for the document's schemas: JSON Schema 2020-12 (the OpenAPI 3.1
 * dialect) with the ajv-formats formats, which include OpenAPI's `binary`, `int32` and `int64`.
 *
 * Strict mode is on, so unknown keywords throw. `extensionKeywords` are the `x-` keywords the
 * document uses, declared so that they are known. Type and tuple strictness only log through
 * `onWarning`, because a schema that breaks them is still valid JSON Schema and must not stop
 * validation. `msq-harness spec lint` reports those warnings as errors instead.
 * `strictRequired` is off because `required` may name a property that a sibling `allOf` branch
 * defines.
 */
export function createAjv(
  extensionKeywords: Iterable<string>,
  extra: Options = {},
  onWarning: (message: string) => void = () => {},
): Ajv2020 {
  const report = (...args: unknown[]): void => onWarning(args.map(String).join(" "));
  const ajv = new Ajv2020({
    strict: true,
    strictTypes: "log",
    strictTuples: "log",
    strictRequired: false,
    allowUnionTypes: true,
    allErrors: true,
    verbose: true,
    logger: { log: () => {}, warn: report, error: report },
    ...extra,
  });
  addFormats(ajv);
  for (const keyword of new Set([...OPENAPI_KEYWORDS, ...extensionKeywords])) ajv.addKeyword(keyword);
  return ajv;
}

/** Collects every `x-` key used anywhere in `value`. */
export function collectExtensionKeywords(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) collectExtensionKeywords(item, found);
  } else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (key.startsWith("x-")) found.add(key);
      collectExtensionKeywords(inner, found);
    }
  }
  return found;
}

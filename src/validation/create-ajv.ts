import { Ajv2020, type Options } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { Logger } from "../log/logger.ts";

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * Schema Object fields that OpenAPI 3.1 adds to JSON Schema 2020-12. They carry no assertion,
 * so they are declared as annotation keywords.
 */
const OPENAPI_KEYWORDS = ["example", "discriminator", "xml", "externalDocs"];

/**
 * Creates the ajv instance that validates responses: JSON Schema 2020-12 (the OpenAPI 3.1
 * dialect), the ajv-formats formats (which include OpenAPI's `binary`, `int32` and `int64`),
 * and strict mode for everything except `strictRequired`. `extensionKeywords` are the `x-`
 * keywords used in the document; declaring them keeps strict mode's unknown-keyword check on.
 */
export function createAjv(extensionKeywords: Iterable<string>, extra: Options = {}, logger?: Logger): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    // `required` may name a property defined in a sibling `allOf` branch, which is valid JSON Schema.
    strictRequired: false,
    allowUnionTypes: true,
    allErrors: true,
    verbose: true,
    logger: logger === undefined ? false : {
      log: (...args: unknown[]) => logger.info(args.join(" ")),
      warn: (...args: unknown[]) => logger.warn(args.join(" ")),
      error: (...args: unknown[]) => logger.error(args.join(" ")),
    },
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

import { resolveReference, type ResponseObject, type SchemaObject } from "../spec/openapi-document.ts";
import { essenceOf, matchMediaType } from "../validation/media-type.ts";
import { findResponseKey } from "../validation/status-lookup.ts";
import type { OperationInfo, ValidatorRegistry } from "../validation/validator-registry.ts";

/**
 * Tells whether the documented response for a status and content type rests on inference: the
 * Response Object or the top-level schema of its media type is marked `x-inferred: true`.
 * Returns false for statuses the spec does not document.
 */
export function isResponseInferred(
  validators: ValidatorRegistry,
  operation: OperationInfo,
  status: number,
  contentType: string | undefined,
): boolean {
  const document = validators.spec.document;
  const responses = operation.operation.responses ?? {};
  const key = findResponseKey(Object.keys(responses), status);
  if (key === undefined) return false;
  const response = resolveReference<ResponseObject>(document, responses[key] ?? {});
  if (marked(response) || marked(responses[key])) return true;
  const content = response.content ?? {};
  const mediaType = contentType === undefined ? undefined : matchMediaType(Object.keys(content), contentType);
  const media = mediaType === undefined ? undefined : content[mediaType];
  if (media?.schema === undefined || essenceOf(mediaType ?? "") === "text/event-stream") return false;
  return marked(resolveReference<SchemaObject>(document, media.schema));
}

function marked(value: unknown): boolean {
  return (
    value !== null && typeof value === "object" && (value as Record<string, unknown>)["x-inferred"] === true
  );
}

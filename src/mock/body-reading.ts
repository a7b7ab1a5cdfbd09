import type { Route } from "./route-table.ts";
import type { MockResponse } from "./mock-response.ts";
import type { HandlerContext } from "./request-context.ts";
import {
  BODY_LIMITS,
  BodyTooLargeError,
  MalformedBodyError,
  isJsonMediaType,
  mediaType,
  parseJsonBody,
  type BodySource,
} from "./request-body.ts";

/**
 * Reads the request body the way the route takes it and stores it on the context's request.
 * Returns the error response for a wrong content type, an oversized body or a malformed body:
 * 413 or 415 where the spec documents them for the operation, 400 otherwise.
 */
export async function readRequestBody(
  route: Route,
  body: BodySource,
  context: HandlerContext,
): Promise<MockResponse | undefined> {
  const request = context.request;
  const type = mediaType(body.contentType);
  try {
    if (route.requestBody === "multipart") {
      if (type !== "multipart/form-data") return unsupportedMediaType(context, type, "multipart/form-data");
      request.form = await body.multipart({
        bytes: BODY_LIMITS.multipartBytes,
        files: BODY_LIMITS.multipartFiles,
      });
      return undefined;
    }
    const bytes = await body.bytes(BODY_LIMITS.jsonBytes);
    if (route.requestBody === "raw") {
      request.rawBody = bytes;
      return undefined;
    }
    if (bytes.length > 0 && !isJsonMediaType(type))
      return unsupportedMediaType(context, type, "application/json");
    request.json = parseJsonBody(bytes);
    return undefined;
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return context.error(route.statuses.has(413) ? 413 : 400, `${error.message} Send a smaller body.`);
    }
    if (error instanceof MalformedBodyError) return context.error(400, error.message);
    throw error;
  }
}

function unsupportedMediaType(
  context: HandlerContext,
  received: string | undefined,
  expected: string,
): MockResponse {
  const status = context.operation.statuses.has(415) ? 415 : 400;
  return context.error(
    status,
    `The request Content-Type is ${received ?? "missing"}, but ${context.operation.operationId} takes ${expected}. ` +
      `Send the body as ${expected}.`,
  );
}

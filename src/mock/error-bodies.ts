import { jsonResponse, type JsonResponse } from "./mock-response.ts";

/**
 * The error body shapes of the API. `msq` is `{ success: false, message, ... }` of the
 * MissionSquad routes; `openai` is `{ error: { message, type, param, code } }` of the
 * OpenAI-compatible routes (chat completions, embeddings, models); `video` is
 * `{ success: false, error: { message } }` of the video routes.
 */
export type ErrorFamily = "msq" | "openai" | "video";

/** Optional fields of an error body. Each family sends only the fields it has. */
export interface ErrorDetails {
  /** OpenAI family: the request field at fault. */
  readonly param?: string;
  /** OpenAI family `code`, or MissionSquad family `code` (such as `AUTH_REQUIRED`). */
  readonly code?: string;
  /** MissionSquad family: a documented failure name such as `WORKFLOW_MAIN_AGENT_NOT_FOUND`. */
  readonly errorCode?: string;
  /** MissionSquad family: the JSON path of the invalid value. */
  readonly dataPath?: string;
}

const OPENAI_ERROR_TYPES: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "invalid_request_error",
  409: "invalid_request_error",
  413: "invalid_request_error",
  415: "invalid_request_error",
  429: "rate_limit_error",
};

/** Builds an error response of `family` with `status` and `message`. */
export function errorResponse(
  family: ErrorFamily,
  status: number,
  message: string,
  details: ErrorDetails = {},
): JsonResponse {
  if (family === "openai") {
    const type = OPENAI_ERROR_TYPES[status] ?? "server_error";
    return jsonResponse(status, {
      error: { message, type, param: details.param ?? null, code: details.code ?? null },
    });
  }
  if (family === "video") return jsonResponse(status, { success: false, error: { message } });
  const body: Record<string, unknown> = { success: false, message };
  if (details.code !== undefined) body["code"] = details.code;
  if (details.errorCode !== undefined) body["errorCode"] = details.errorCode;
  if (details.dataPath !== undefined) body["dataPath"] = details.dataPath;
  return jsonResponse(status, body);
}

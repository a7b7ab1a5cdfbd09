import {
  InvalidRequestError,
  isJsonObject,
  optionalObject,
  optionalString,
  requireBodyObject,
  requiredString,
  typeName,
  type JsonObject,
} from "../../request-fields.ts";

export type VideoRunKind = "generic" | "video_to_workflow";

/** An output format of a model pass: text, a JSON object, or JSON that satisfies a schema. */
export type VideoResponseFormat =
  | { readonly type: "text" }
  | { readonly type: "json_object"; readonly schema?: JsonObject }
  | {
      readonly type: "json_schema";
      readonly json_schema: {
        readonly name?: string;
        readonly strict?: boolean;
        readonly schema: JsonObject;
      };
    };

/** The prompts of a generic analysis. */
export interface GenericVideoPrompt {
  readonly batchInstructions: string;
  readonly finalInstructions: string;
  readonly batchSystemPrompt?: string;
  readonly finalSystemPrompt?: string;
  readonly batchResponseFormat?: VideoResponseFormat;
  readonly finalResponseFormat?: VideoResponseFormat;
}

/** The documented bounds of an analysis; every field is optional. */
export interface VideoOptions {
  readonly clipStartSec?: number;
  readonly clipEndSec?: number;
  readonly sampleFps?: number;
  readonly maxWidth?: number;
  readonly maxHeight?: number;
  readonly framesPerBatch?: number;
  readonly maxTotalFrames?: number;
  readonly priorBatchWindow?: number | "all";
  readonly maxTokensPerBatch?: number;
  readonly maxTokensFinal?: number;
  readonly maxBatchBytes?: number;
  readonly requestTimeoutMs?: number;
  readonly maxRetries?: number;
}

/** A validated analysis request, from a JSON body or the `request` part of an upload. */
export interface VideoAnalysisRequest {
  readonly kind: VideoRunKind;
  readonly model: string;
  /** Set for the `fileId` routes; upload routes reject it. */
  readonly fileId?: string;
  readonly options?: VideoOptions;
  /** Generic analyses only; the server supplies the video-to-workflow prompt. */
  readonly prompt?: GenericVideoPrompt;
}

/** Bounds of each numeric option: the minimum, whether the minimum itself is invalid, and integers only. */
const OPTION_BOUNDS: Readonly<
  Record<
    Exclude<keyof VideoOptions, "priorBatchWindow">,
    { min: number; exclusive: boolean; integer: boolean }
  >
> = {
  clipStartSec: { min: 0, exclusive: false, integer: false },
  clipEndSec: { min: 0, exclusive: true, integer: false },
  sampleFps: { min: 0, exclusive: true, integer: false },
  maxWidth: { min: 0, exclusive: true, integer: false },
  maxHeight: { min: 0, exclusive: true, integer: false },
  framesPerBatch: { min: 1, exclusive: false, integer: true },
  maxTotalFrames: { min: 1, exclusive: false, integer: true },
  maxTokensPerBatch: { min: 1, exclusive: false, integer: true },
  maxTokensFinal: { min: 1, exclusive: false, integer: true },
  maxBatchBytes: { min: 1, exclusive: false, integer: true },
  requestTimeoutMs: { min: 0, exclusive: true, integer: false },
  maxRetries: { min: 0, exclusive: false, integer: true },
};

/**
 * Reads an analysis request. `source` is `fileId` when the body must name a stored file, or
 * `upload` when the video is uploaded and a `fileId` is rejected.
 * @throws InvalidRequestError naming the field, the value received and what is expected.
 */
export function readAnalysisRequest(
  json: unknown,
  kind: VideoRunKind,
  source: "fileId" | "upload",
): VideoAnalysisRequest {
  const body = requireBodyObject(json);
  const model = requiredString(body, "model");
  let fileId: string | undefined;
  if (source === "upload") {
    if (body["fileId"] !== undefined)
      throw new InvalidRequestError("request.fileId is not allowed on upload endpoints", "fileId");
  } else {
    fileId = requiredString(body, "fileId");
  }
  const optionsBody = optionalObject(body, "options");
  const options = optionsBody === undefined ? undefined : readOptions(optionsBody);
  const prompt = kind === "generic" ? readPrompt(body["prompt"]) : undefined;
  return {
    kind,
    model,
    ...(fileId === undefined ? {} : { fileId }),
    ...(options === undefined ? {} : { options }),
    ...(prompt === undefined ? {} : { prompt }),
  };
}

/** Parses the `request` part of an upload, which carries the request as JSON text. */
export function parseRequestPart(text: string | undefined): unknown {
  if (text === undefined || text.trim() === "") {
    throw new InvalidRequestError(
      "The request part is missing; send the analysis request as JSON text in the request field.",
      "request",
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidRequestError(`The request part is not valid JSON: ${reason}.`, "request");
  }
}

function readOptions(body: JsonObject): VideoOptions {
  const options: Record<string, number | "all"> = {};
  for (const [name, bounds] of Object.entries(OPTION_BOUNDS)) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    const kind = bounds.integer ? "an integer" : "a number";
    const comparison = bounds.exclusive ? ">" : ">=";
    const valid =
      typeof value === "number" &&
      Number.isFinite(value) &&
      (!bounds.integer || Number.isInteger(value)) &&
      (bounds.exclusive ? value > bounds.min : value >= bounds.min);
    if (!valid) {
      throw new InvalidRequestError(
        `options.${name} must be ${kind} ${comparison} ${bounds.min}, received ${typeName(value)}.`,
        `options.${name}`,
      );
    }
    options[name] = value;
  }

  const window = body["priorBatchWindow"];
  if (window !== undefined && window !== null) {
    if (window !== "all" && (typeof window !== "number" || !Number.isInteger(window) || window < 0)) {
      throw new InvalidRequestError(
        `options.priorBatchWindow must be an integer >= 0 or "all", received ${typeName(window)}.`,
        "options.priorBatchWindow",
      );
    }
    options["priorBatchWindow"] = window;
  }

  const start = options["clipStartSec"];
  const end = options["clipEndSec"];
  if (typeof start === "number" && typeof end === "number" && end <= start) {
    throw new InvalidRequestError(
      `options.clipEndSec must be greater than clipStartSec (${start}), received ${end}.`,
      "options.clipEndSec",
    );
  }
  return options as VideoOptions;
}

function readPrompt(value: unknown): GenericVideoPrompt {
  if (value === undefined || value === null) {
    throw new InvalidRequestError(
      "prompt is missing; send batchInstructions and finalInstructions.",
      "prompt",
    );
  }
  if (!isJsonObject(value))
    throw new InvalidRequestError(`prompt must be an object, received ${typeName(value)}.`, "prompt");
  const text = (name: string): Record<string, string> => {
    const field = optionalString(value, name);
    return field === undefined ? {} : { [name]: field };
  };
  const format = (name: string): Record<string, VideoResponseFormat> => {
    const field = value[name];
    return field === undefined || field === null
      ? {}
      : { [name]: readResponseFormat(field, `prompt.${name}`) };
  };
  return {
    batchInstructions: promptText(value, "batchInstructions"),
    finalInstructions: promptText(value, "finalInstructions"),
    ...text("batchSystemPrompt"),
    ...text("finalSystemPrompt"),
    ...format("batchResponseFormat"),
    ...format("finalResponseFormat"),
  };
}

function promptText(prompt: JsonObject, name: string): string {
  const value = prompt[name];
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidRequestError(
      `prompt.${name} is missing; send it as a non-empty string.`,
      `prompt.${name}`,
    );
  }
  return value;
}

function readResponseFormat(value: unknown, field: string): VideoResponseFormat {
  if (!isJsonObject(value))
    throw new InvalidRequestError(
      `${field} must be an object with a type, received ${typeName(value)}.`,
      field,
    );
  switch (value["type"]) {
    case "text":
      return { type: "text" };
    case "json_object": {
      const schema = value["schema"];
      if (schema !== undefined && !isJsonObject(schema))
        throw new InvalidRequestError(`${field}.schema must be an object.`, field);
      return schema === undefined ? { type: "json_object" } : { type: "json_object", schema };
    }
    case "json_schema": {
      const jsonSchema = value["json_schema"];
      if (!isJsonObject(jsonSchema) || !isJsonObject(jsonSchema["schema"])) {
        throw new InvalidRequestError(
          `${field}.json_schema.schema is missing; send the JSON Schema of the output.`,
          field,
        );
      }
      const name = optionalString(jsonSchema, "name");
      const strict = jsonSchema["strict"];
      if (strict !== undefined && typeof strict !== "boolean")
        throw new InvalidRequestError(`${field}.json_schema.strict must be a boolean.`, field);
      return {
        type: "json_schema",
        json_schema: {
          ...(name === undefined ? {} : { name }),
          ...(strict === undefined ? {} : { strict }),
          schema: jsonSchema["schema"],
        },
      };
    }
    default:
      throw new InvalidRequestError(
        `${field}.type must be text, json_object or json_schema, received ${typeName(value["type"])}.`,
        field,
      );
  }
}

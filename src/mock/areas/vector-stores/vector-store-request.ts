import { InvalidRequestError, isJsonObject, typeName, type JsonObject } from "../../request-fields.ts";
import type { ChunkingStrategy } from "./vector-store-records.ts";

/** Reads `chunking_strategy`: `{ type: "auto" }` or `{ type: "static", static: { ... } }`. */
export function readChunkingStrategy(body: JsonObject, name: string): ChunkingStrategy | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value))
    throw new InvalidRequestError(`${name} must be an object, received ${typeName(value)}.`, name);
  if (value["type"] === "auto") {
    if (Object.keys(value).length > 1) {
      throw new InvalidRequestError(
        `${name} of type auto takes no other fields; send { "type": "auto" }.`,
        name,
      );
    }
    return { type: "auto" };
  }
  if (value["type"] !== "static") {
    throw new InvalidRequestError(
      `${name}.type must be auto or static, received ${typeName(value["type"])}.`,
      name,
    );
  }
  const sizes = value["static"];
  if (!isJsonObject(sizes)) {
    throw new InvalidRequestError(
      `${name}.static is missing; send max_chunk_size_tokens and chunk_overlap_tokens.`,
      name,
    );
  }
  const maxChunk = sizes["max_chunk_size_tokens"];
  const overlap = sizes["chunk_overlap_tokens"];
  if (typeof maxChunk !== "number" || !Number.isInteger(maxChunk) || maxChunk < 1) {
    throw new InvalidRequestError(
      `${name}.static.max_chunk_size_tokens must be an integer >= 1, received ${typeName(maxChunk)}.`,
      name,
    );
  }
  if (typeof overlap !== "number" || !Number.isInteger(overlap) || overlap < 0) {
    throw new InvalidRequestError(
      `${name}.static.chunk_overlap_tokens must be an integer >= 0, received ${typeName(overlap)}.`,
      name,
    );
  }
  return { type: "static", static: { max_chunk_size_tokens: maxChunk, chunk_overlap_tokens: overlap } };
}

/** Reads `file_ids`: a list of non-empty strings, with repeats dropped. */
export function readFileIds(body: JsonObject): string[] {
  const value = body["file_ids"];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new InvalidRequestError(
      `file_ids must be a list of file ids, received ${typeName(value)}.`,
      "file_ids",
    );
  }
  const ids = value.map((item, index) => {
    if (typeof item !== "string" || item.trim() === "") {
      throw new InvalidRequestError(
        `file_ids[${index}] must be a non-empty file id, received ${typeName(item)}.`,
        "file_ids",
      );
    }
    return item;
  });
  return [...new Set(ids)];
}

/** Reads an optional string field that must not be blank when present. */
export function optionalNonBlank(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidRequestError(`${name} must be a non-empty string, received ${typeName(value)}.`, name);
  }
  return value;
}

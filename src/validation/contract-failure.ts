/** Standard names of the checks that produce contract failures. */
export const CHECKS = {
  statusCode: "status-code-conformance",
  contentType: "content-type-conformance",
  responseSchema: "response-schema-conformance",
  responseHeader: "response-header-conformance",
  sseEventSchema: "sse-event-schema-conformance",
  sseEventType: "sse-event-type-conformance",
  sseComment: "sse-comment-conformance",
} as const;

export type CheckName = (typeof CHECKS)[keyof typeof CHECKS];

/** One way a response differs from what the spec documents for its operation. */
export interface ContractFailure {
  operationId: string;
  /** Uppercase HTTP method. */
  method: string;
  /** Path template, such as `/v1/files/{id}`. */
  path: string;
  /** Standard kebab-case name of the check, one of `CHECKS` or a later check's name. */
  check: string;
  /** Short name of the defect, such as `Undocumented status code`. */
  title: string;
  /** Explanation of the defect: the received value, the documented one and the fix. */
  message: string;
  /** The received value, truncated. */
  received?: string;
  /** The documented value or schema fragment, truncated. */
  documented?: string;
  /** For schema failures: ajv's pointer into the received body. */
  instancePath?: string;
  /** For schema failures: pointer into the bundled document of the keyword that failed. */
  schemaPath?: string;
  /** For schema failures: the JSON Schema keyword that failed. */
  keyword?: string;
  /** True when the response or schema checked is marked `x-inferred` in the spec. */
  inferred: boolean;
}

/** The fields of a failure that describe the defect, without the operation and check. */
export type FailureFields = Omit<ContractFailure, "operationId" | "method" | "path" | "check">;

/** Builds a failure of `check` on `operation`, with `inferred` false unless `fields` sets it. */
export function failureOf(
  operation: { readonly operationId: string; readonly method: string; readonly path: string },
  check: string,
  fields: Omit<FailureFields, "inferred"> & { inferred?: boolean },
): ContractFailure {
  return {
    operationId: operation.operationId,
    method: operation.method,
    path: operation.path,
    check,
    ...fields,
    inferred: fields.inferred ?? false,
  };
}

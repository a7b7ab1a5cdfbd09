import type { FaultDefinition } from "../../fault-registry.ts";
import type { MockResponse } from "../../mock-response.ts";

export const FILE_FAULTS = {
  contentChanged: {
    name: "file-content-differs-from-upload",
    area: "files",
    kind: "binary-content",
    rule: "The content download returns exactly the bytes that were uploaded.",
    operations: ["getFileContent"],
    transformResponse: (response) => {
      if (response.kind !== "binary" || response.status !== 200) return response;
      const changed = response.body.length === 0 ? Uint8Array.of(0) : response.body.slice();
      changed[changed.length - 1] = (changed[changed.length - 1] ?? 0) ^ 0xff;
      return { ...response, body: changed };
    },
  },
  contentTypeChanged: {
    name: "file-content-type-not-preserved",
    area: "files",
    kind: "header",
    rule: "The content download carries the Content-Type the file was uploaded with.",
    operations: ["getFileContent"],
    transformResponse: (response) => {
      if (response.kind !== "binary" || response.status !== 200) return response;
      const other = response.contentType.startsWith("application/octet-stream")
        ? "text/plain; charset=utf-8"
        : "application/octet-stream";
      return { ...response, contentType: other };
    },
  },
  listedAcrossAccounts: {
    name: "files-listed-across-accounts",
    area: "files",
    kind: "namespacing",
    rule: "An account lists only the files it uploaded.",
  },
  filenameEncoded: {
    name: "file-name-returned-encoded",
    area: "files",
    kind: "body-schema",
    rule: "File objects carry the decoded filename, not the Base64 form the API stores.",
    operations: ["createFile", "getFile", "listFiles"],
    transformResponse: (response) => mapFileObjects(response, encodeName),
  },
} satisfies Record<string, FaultDefinition>;

function encodeName(file: Record<string, unknown>): Record<string, unknown> {
  return { ...file, filename: Buffer.from(String(file["filename"]), "utf8").toString("base64") };
}

/** Applies `change` to the file object of an upload or metadata read, or to each file of a list. */
function mapFileObjects(
  response: MockResponse,
  change: (file: Record<string, unknown>) => Record<string, unknown>,
): MockResponse {
  if (response.kind !== "json" || response.status !== 200) return response;
  const body = response.body as Record<string, unknown>;
  if (Array.isArray(body["data"])) {
    return { ...response, body: { ...body, data: (body["data"] as Record<string, unknown>[]).map(change) } };
  }
  return { ...response, body: change(body) };
}

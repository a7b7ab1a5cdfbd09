import type { MockArea, OperationContext } from "../../area.ts";
import { formField, type MultipartForm } from "../../mock-request.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { InvalidRequestError } from "../../request-fields.ts";
import { removeFileFromVectorStores } from "../vector-stores/vector-store-records.ts";
import { FILE_FAULTS } from "./file-faults.ts";
import { FILES, encodeFilename, fileObject, findFile, type FileRecord } from "./file-records.ts";

function notFound(context: OperationContext, id: string): MockResponse {
  return context.error(
    404,
    `No file with id ${id} exists in this account. List the account's files with GET /v1/files.`,
  );
}

function optionalFormText(form: MultipartForm, name: string): string | undefined {
  const value = formField(form, name);
  return value === undefined || value.trim() === "" ? undefined : value;
}

function createFile(context: OperationContext): MockResponse {
  const form = context.request.form as MultipartForm;
  const parts = form.files.filter((candidate) => candidate.field === "file");
  const part = parts[0];
  if (part === undefined) {
    throw new InvalidRequestError("file is missing; upload the content as a file part named file.", "file");
  }
  if (parts.length > 1) {
    throw new InvalidRequestError(
      `The form has ${parts.length} file parts named file; upload one file per request.`,
      "file",
    );
  }
  // An empty part carries no content to store or embed, so it counts as a missing file.
  if (part.bytes.length === 0) {
    throw new InvalidRequestError(`The file ${part.filename} is empty; upload a file with content.`, "file");
  }
  if (part.filename.trim() === "") {
    throw new InvalidRequestError(
      "The file part has no filename; send one in its Content-Disposition header.",
      "file",
    );
  }
  const purpose = optionalFormText(form, "purpose");
  if (purpose === undefined) {
    throw new InvalidRequestError(
      "purpose is missing; send it as a form field, for example vector_store.",
      "purpose",
    );
  }
  const relativePath = optionalFormText(form, "relativePath");
  const collectionName = optionalFormText(form, "collectionName");

  const file: FileRecord = {
    id: context.store.nextId("file"),
    encodedFilename: encodeFilename(part.filename),
    contentType: part.mimeType,
    content: part.bytes,
    purpose,
    createdAt: context.request.receivedAtEpochMs,
    ...(relativePath === undefined ? {} : { relativePath }),
    ...(collectionName === undefined ? {} : { collectionName }),
  };
  context.store.slot(context.account, FILES).set(file.id, file);
  return jsonResponse(200, fileObject(file));
}

function listFiles(context: OperationContext): MockResponse {
  const accounts = context.faults.has(FILE_FAULTS.listedAcrossAccounts)
    ? context.store.accounts()
    : [context.account];
  const data = accounts.flatMap((account) =>
    [...context.store.slot(account, FILES).values()].map(fileObject),
  );
  return jsonResponse(200, { object: "list", data });
}

function getFile(context: OperationContext): MockResponse {
  const id = context.request.params["id"] ?? "";
  const file = findFile(context.store, context.account, id);
  return file === undefined ? notFound(context, id) : jsonResponse(200, fileObject(file));
}

function deleteFile(context: OperationContext): MockResponse {
  const id = context.request.params["id"] ?? "";
  if (!context.store.slot(context.account, FILES).delete(id)) return notFound(context, id);
  removeFileFromVectorStores(context.store, context.account, id);
  return jsonResponse(200, { id, object: "file", deleted: true });
}

function getFileContent(context: OperationContext): MockResponse {
  const id = context.request.params["id"] ?? "";
  const file = findFile(context.store, context.account, id);
  if (file === undefined) return notFound(context, id);
  return { kind: "binary", status: 200, contentType: file.contentType, body: file.content };
}

/**
 * Uploaded files: multipart upload keeping the exact bytes and content type, metadata with the
 * decoded filename, the content download, and deletion together with the file's vector store
 * associations.
 */
export const filesArea: MockArea = {
  name: "files",
  operations: [
    { operationId: "listFiles", method: "GET", path: "/v1/files", handle: listFiles },
    {
      operationId: "createFile",
      method: "POST",
      path: "/v1/files",
      requestBody: "multipart",
      handle: createFile,
    },
    { operationId: "getFile", method: "GET", path: "/v1/files/{id}", handle: getFile },
    { operationId: "deleteFile", method: "DELETE", path: "/v1/files/{id}", handle: deleteFile },
    { operationId: "getFileContent", method: "GET", path: "/v1/files/{id}/content", handle: getFileContent },
  ],
  faults: Object.values(FILE_FAULTS),
};

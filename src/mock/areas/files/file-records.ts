import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";

/** A file uploaded through `POST /v1/files`. */
export interface FileRecord {
  readonly id: string;
  /** The filename as the API stores it: its UTF-8 bytes in Base64. Responses carry the decoded name. */
  readonly encodedFilename: string;
  /** The Content-Type header of the uploaded part with its parameters, returned again by the content download. */
  readonly contentType: string;
  /** The uploaded bytes, unchanged. */
  readonly content: Uint8Array;
  readonly purpose: string;
  /** Unix time of the upload, in ms. */
  readonly createdAt: number;
  /** Folder that groups the file, such as `docs/`. */
  readonly relativePath?: string;
  readonly collectionName?: string;
}

/** Each account's uploaded files by id. */
export const FILES = defineAccountSlot("files", () => new Map<string, FileRecord>());

export function findFile(store: MockStore, account: Account, id: string): FileRecord | undefined {
  return store.slot(account, FILES).get(id);
}

export function encodeFilename(filename: string): string {
  return Buffer.from(filename, "utf8").toString("base64");
}

export function decodedFilename(file: FileRecord): string {
  return Buffer.from(file.encodedFilename, "base64").toString("utf8");
}

/** Joins the file's `relativePath` folder and its filename into the path relative to the account. */
export function relativeFilePath(file: FileRecord): string {
  const folder = file.relativePath ?? "";
  if (folder === "") return decodedFilename(file);
  return folder.endsWith("/") ? `${folder}${decodedFilename(file)}` : `${folder}/${decodedFilename(file)}`;
}

/** Builds the file object of the upload result, the list and the metadata read. */
export function fileObject(file: FileRecord): Record<string, unknown> {
  return {
    id: file.id,
    object: "file",
    bytes: file.content.length,
    created_at: file.createdAt,
    filename: decodedFilename(file),
    purpose: file.purpose,
  };
}

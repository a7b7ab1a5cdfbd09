import type { TestContext } from "vitest";
import { field } from "./body-fields.ts";
import type { AccountClient } from "./account-client.ts";
import { jsonBody } from "./fixtures.ts";
import type { Harness } from "./harness.ts";
import type { ResourceTracker } from "./resource-tracker.ts";
import { verify } from "./verify.ts";

/** A file uploaded by a test. */
export interface UploadedFile {
  readonly id: string;
  readonly filename: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/**
 * Uploads a small text file whose name carries the run prefix and a non-ASCII character, tracks
 * it for teardown, and verifies the upload as a lifecycle create. Returns undefined when the
 * upload returned no id (the failure is already recorded).
 */
export async function uploadTestFile(
  context: TestContext,
  harness: Harness,
  tracker: ResourceTracker,
  client: AccountClient,
  account: "primary" | "secondary" | "third" = "primary",
): Promise<UploadedFile> {
  const filename = `${harness.uniqueName("file")}-notes-\u00e9t\u00e9.txt`;
  const contentType = "text/plain";
  const bytes = new TextEncoder().encode(`Contract test file ${filename}\nSecond line.\n`);
  const call = await client.call("createFile", {
    multipart: [
      { name: "purpose", value: "vector_store" },
      { name: "file", filename, contentType, data: bytes },
    ],
  });
  verify(context, harness, call, [
    { kind: "lifecycle", step: "create", resource: "file" },
    {
      kind: "body-rule",
      rule: "A file object carries the filename as uploaded.",
      problems: (body) =>
        field(body, "filename") === filename ? [] : [`filename ${JSON.stringify(field(body, "filename"))}`],
    },
  ]);
  const id = field(jsonBody(call), "id");
  if (typeof id !== "string") throw new Error("The upload succeeded but returned no id.");
  tracker.track("file", id, account, { operationId: "deleteFile", params: { id } });
  return { id, filename, contentType, bytes };
}

import { describe, test } from "vitest";
import { sniffResponseBody } from "../src/contract/binary-sniff.ts";
import { arrayField, field, stringsOf } from "./support/body-fields.ts";
import { uploadTestFile } from "./support/file-fixtures.ts";
import { covers, requireSecondAccount, requireWrites } from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { verify } from "./support/verify.ts";

const fileIds = (body: unknown): string[] => stringsOf(arrayField(body, "data"), "id");
const fileId = (body: unknown): string[] => {
  const id = field(body, "id");
  return typeof id === "string" ? [id] : [];
};

for (const { harness, tracker } of setupSuite(["files", "common"])) {
  describe(harness.label, () => {
    describe("files", () => {
      test("lists files", async (context) => {
        const call = await harness.primary.call("listFiles");
        verify(context, harness, call);
      });

      describe.sequential("file lifecycle", () => {
        test("upload, read, list, download, delete, gone", async (context) => {
          requireWrites(context, harness, [
            covers("createFile", "lifecycle-create-succeeds"),
            covers("deleteFile", "lifecycle-delete-succeeds"),
          ]);
          const file = await uploadTestFile(context, harness, tracker, harness.primary);
          const nameRule = {
            kind: "body-rule" as const,
            rule: "A file object carries the filename as uploaded.",
            problems: (body: unknown) =>
              field(body, "filename") === file.filename
                ? []
                : [`filename ${JSON.stringify(field(body, "filename"))}`],
          };

          const read = await harness.primary.call("getFile", { params: { id: file.id } });
          verify(context, harness, read, [
            { kind: "lifecycle", step: "read", resource: "file", id: file.id, idIn: fileId },
            nameRule,
          ]);
          const listed = await harness.primary.call("listFiles");
          verify(context, harness, listed, [
            {
              kind: "lifecycle",
              step: "list",
              resource: "file",
              id: file.id,
              expected: "present",
              listedIds: fileIds,
            },
            {
              kind: "body-rule",
              rule: "Listed file objects carry the filename as uploaded.",
              problems: (body) => {
                const entry = arrayField(body, "data").find((item) => field(item, "id") === file.id);
                return entry === undefined || field(entry, "filename") === file.filename
                  ? []
                  : [`filename ${JSON.stringify(field(entry, "filename"))}`];
              },
            },
          ]);
          const content = await harness.primary.call("getFileContent", { params: { id: file.id } });
          verify(context, harness, content, [
            {
              kind: "binary-content",
              sniffed: await sniffResponseBody(content.exchange),
              expectedBytes: file.bytes,
            },
            { kind: "header-value", header: "content-type", expected: file.contentType },
            {
              kind: "consistency",
              rule: "file-content",
              documented: "the uploaded bytes from GET /v1/files/{id}/content",
              mismatches: () => {
                const received = Buffer.from(content.exchange.response?.body ?? new Uint8Array());
                return received.equals(Buffer.from(file.bytes))
                  ? []
                  : [`${received.length} bytes that differ from the ${file.bytes.length} uploaded`];
              },
            },
          ]);

          const deleted = await harness.primary.call("deleteFile", { params: { id: file.id } });
          verify(context, harness, deleted, {
            kind: "lifecycle",
            step: "delete",
            resource: "file",
            id: file.id,
          });
          const gone = await harness.primary.call("getFile", { params: { id: file.id } });
          verify(context, harness, gone, {
            kind: "lifecycle",
            step: "read-after-delete",
            resource: "file",
            id: file.id,
          });
          const after = await harness.primary.call("listFiles");
          verify(context, harness, after, {
            kind: "lifecycle",
            step: "list",
            resource: "file",
            id: file.id,
            expected: "absent",
            listedIds: fileIds,
          });
        });
      });

      describe("file errors", () => {
        test.for([
          ["the file part is missing", [{ name: "purpose", value: "vector_store" }]],
          [
            "purpose is missing",
            [
              {
                name: "file",
                filename: "a.txt",
                contentType: "text/plain",
                data: new TextEncoder().encode("a"),
              },
            ],
          ],
        ] as const)("upload rejects when %s", async ([reason, multipart], context) => {
          requireWrites(context, harness, [covers("createFile", "documented-error-status")]);
          const call = await harness.primary.call("createFile", { multipart });
          verify(context, harness, call, { kind: "expected-status", statuses: [400], reason });
        });

        test.for(["getFile", "getFileContent", "deleteFile"] as const)(
          "%s of an unknown id gets 404",
          async (operationId, context) => {
            if (operationId === "deleteFile")
              requireWrites(context, harness, [covers(operationId, "documented-error-status")]);
            const call = await harness.primary.call(operationId, { params: { id: "file-msqh-absent" } });
            verify(context, harness, call, {
              kind: "expected-status",
              statuses: [404],
              reason: "the file does not exist",
            });
          },
        );
      });

      describe.sequential("file namespacing", () => {
        test("second account cannot list, read, download or delete the file", async (context) => {
          const checks = [
            covers("listFiles", "namespacing-foreign-list-excluded"),
            covers("getFile", "namespacing-foreign-read-rejected"),
            covers("deleteFile", "namespacing-foreign-delete-rejected"),
          ];
          requireWrites(context, harness, checks);
          const other = requireSecondAccount(context, harness, checks);
          const file = await uploadTestFile(context, harness, tracker, harness.primary);
          const list = await other.call("listFiles");
          verify(context, harness, list, {
            kind: "foreign-access",
            action: "list",
            resource: "file",
            id: file.id,
            listedIds: fileIds,
          });
          const read = await other.call("getFile", { params: { id: file.id } });
          verify(context, harness, read, {
            kind: "foreign-access",
            action: "read",
            resource: "file",
            id: file.id,
          });
          const content = await other.call("getFileContent", { params: { id: file.id } });
          verify(context, harness, content, {
            kind: "foreign-access",
            action: "read",
            resource: "file",
            id: file.id,
          });
          const removal = await other.call("deleteFile", { params: { id: file.id } });
          verify(context, harness, removal, {
            kind: "foreign-access",
            action: "delete",
            resource: "file",
            id: file.id,
          });
          const still = await harness.primary.call("getFile", { params: { id: file.id } });
          verify(context, harness, still, {
            kind: "foreign-access",
            action: "owner-read-after-foreign-delete",
            resource: "file",
            id: file.id,
          });
        });
      });
    });
  });
}

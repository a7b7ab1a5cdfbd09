import { describe, test } from "vitest";
import { arrayField, stringsOf } from "./support/body-fields.ts";
import { fakeSecret, UNREACHABLE_PROVIDER_URL } from "./support/fixtures.ts";
import { covers, requireSecondAccount, requireWrites } from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { verify } from "./support/verify.ts";

const providerKeys = (body: unknown): string[] => stringsOf(arrayField(body, "data"), "providerKey");

for (const { harness, tracker } of setupSuite(["providers", "common"])) {
  describe(harness.label, () => {
    describe("providers", () => {
      test("lists providers with masked keys", async (context) => {
        const call = await harness.primary.call("listProviders");
        verify(context, harness, call, { kind: "masking", secrets: [] });
      });

      describe.sequential("provider lifecycle", () => {
        test("add, list masked, delete, gone", async (context) => {
          requireWrites(context, harness, [
            covers("addProvider", "lifecycle-create-succeeds"),
            covers("deleteProvider", "lifecycle-delete-succeeds"),
          ]);
          const providerKey = harness.uniqueName("prov");
          const secret = fakeSecret("prov");
          const added = await harness.primary.call("addProvider", {
            json: { providerKey, apiKey: secret, url: UNREACHABLE_PROVIDER_URL },
          });
          verify(context, harness, added, { kind: "lifecycle", step: "create", resource: "provider" });
          const entry = tracker.track("provider", providerKey, "primary", {
            operationId: "deleteProvider",
            json: { providerKey },
          });

          const listed = await harness.primary.call("listProviders");
          verify(context, harness, listed, {
            kind: "lifecycle",
            step: "list",
            resource: "provider",
            id: providerKey,
            expected: "present",
            listedIds: providerKeys,
          });
          verify(context, harness, listed, { kind: "masking", secrets: [secret] });

          const deleted = await harness.primary.call("deleteProvider", { json: { providerKey } });
          verify(context, harness, deleted, {
            kind: "lifecycle",
            step: "delete",
            resource: "provider",
            id: providerKey,
          });
          tracker.forget(entry);
          const after = await harness.primary.call("listProviders");
          verify(context, harness, after, {
            kind: "lifecycle",
            step: "list",
            resource: "provider",
            id: providerKey,
            expected: "absent",
            listedIds: providerKeys,
          });
          const again = await harness.primary.call("deleteProvider", { json: { providerKey } });
          verify(context, harness, again, {
            kind: "expected-status",
            statuses: [404],
            reason: "the provider was already deleted",
          });
        });
      });

      describe("documented errors", () => {
        test("addProvider without providerKey", async (context) => {
          requireWrites(context, harness, [covers("addProvider", "documented-error-status")]);
          const call = await harness.primary.call("addProvider", { json: { apiKey: "x" } });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [400],
            reason: "providerKey is missing",
          });
        });

        test("deleteProvider without providerKey", async (context) => {
          requireWrites(context, harness, [covers("deleteProvider", "documented-error-status")]);
          const call = await harness.primary.call("deleteProvider", { json: {} });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [400],
            reason: "providerKey is missing",
          });
        });
      });

      describe.sequential("provider namespacing", () => {
        test("second account cannot see or delete the provider", async (context) => {
          const checks = [
            covers("listProviders", "namespacing-foreign-list-excluded"),
            covers("deleteProvider", "namespacing-foreign-delete-rejected"),
          ];
          requireWrites(context, harness, checks);
          const other = requireSecondAccount(context, harness, checks);
          const providerKey = harness.uniqueName("prov");
          const secret = fakeSecret("prov");
          const added = await harness.primary.call("addProvider", {
            json: { providerKey, apiKey: secret, url: UNREACHABLE_PROVIDER_URL },
          });
          verify(context, harness, added, { kind: "lifecycle", step: "create", resource: "provider" });
          tracker.track("provider", providerKey, "primary", {
            operationId: "deleteProvider",
            json: { providerKey },
          });

          const list = await other.call("listProviders");
          verify(context, harness, list, {
            kind: "foreign-access",
            action: "list",
            resource: "provider",
            id: providerKey,
            listedIds: providerKeys,
          });
          verify(context, harness, list, { kind: "masking", secrets: [secret] });
          const removal = await other.call("deleteProvider", { json: { providerKey } });
          verify(context, harness, removal, {
            kind: "foreign-access",
            action: "delete",
            resource: "provider",
            id: providerKey,
          });
          const still = await harness.primary.call("listProviders");
          verify(context, harness, still, {
            kind: "foreign-access",
            action: "owner-read-after-foreign-delete",
            resource: "provider",
            id: providerKey,
          });
          verify(context, harness, still, {
            kind: "lifecycle",
            step: "list",
            resource: "provider",
            id: providerKey,
            expected: "present",
            listedIds: providerKeys,
          });
        });
      });
    });
  });
}

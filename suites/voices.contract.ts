import { describe, test } from "vitest";
import { arrayField, field, stringsOf } from "./support/body-fields.ts";
import { fakeSecret } from "./support/fixtures.ts";
import { covers, requireResource, requireSecondAccount, requireWrites } from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { skipChecks, verify } from "./support/verify.ts";

const voiceNames = (body: unknown): string[] => stringsOf(arrayField(body, "data"), "name");
const voiceName = (body: unknown): string[] => {
  const name = field(field(body, "data"), "name");
  return typeof name === "string" ? [name] : [];
};

for (const { harness, tracker } of setupSuite(["voices", "audio", "common"])) {
  describe(harness.label, () => {
    describe("voices", () => {
      test("lists saved voices", async (context) => {
        const call = await harness.primary.call("listVoices");
        verify(context, harness, call, { kind: "masking", secrets: [] });
      });

      describe.sequential("voice lifecycle", () => {
        test("save, read, list, conflict, overwrite, delete, gone", async (context) => {
          const checks = [
            covers("addVoice", "lifecycle-create-succeeds"),
            covers("deleteVoice", "lifecycle-delete-succeeds"),
          ];
          requireWrites(context, harness, checks);
          const providerKey = requireResource(context, harness, "ttsProvider", checks);
          const voiceId = requireResource(context, harness, "ttsVoice", checks);
          const name = harness.uniqueName("voice");
          const body = {
            name,
            providerKey,
            voiceId,
            description: "Created by msq-harness",
            responseFormat: "mp3",
            speed: 1,
          };
          const added = await harness.primary.call("addVoice", { json: body });
          verify(context, harness, added, { kind: "lifecycle", step: "create", resource: "voice" });
          const entry = tracker.track("voice", name, "primary", {
            operationId: "deleteVoice",
            json: { name },
          });

          const read = await harness.primary.call("getVoice", { params: { name } });
          verify(context, harness, read, {
            kind: "lifecycle",
            step: "read",
            resource: "voice",
            id: name,
            idIn: voiceName,
          });
          const listed = await harness.primary.call("listVoices");
          verify(context, harness, listed, {
            kind: "lifecycle",
            step: "list",
            resource: "voice",
            id: name,
            expected: "present",
            listedIds: voiceNames,
          });

          const duplicate = await harness.primary.call("addVoice", { json: body });
          verify(context, harness, duplicate, {
            kind: "expected-status",
            statuses: [409],
            reason: "a voice with this name exists and overwrite is not set",
          });
          const overwrite = await harness.primary.call("addVoice", {
            json: { ...body, description: "Overwritten", overwrite: true },
          });
          verify(context, harness, overwrite, {
            kind: "lifecycle",
            step: "update",
            resource: "voice",
            id: name,
          });
          const reread = await harness.primary.call("getVoice", { params: { name } });
          verify(context, harness, reread, {
            kind: "lifecycle",
            step: "read-after-update",
            resource: "voice",
            id: name,
            unapplied: (value) => {
              const description = field(field(value, "data"), "description");
              return description === "Overwritten"
                ? []
                : [`description ${JSON.stringify(description)} instead of "Overwritten"`];
            },
          });
          const details = await harness.primary.call("getSavedVoiceDetails", { json: { name } });
          verify(context, harness, details);

          const deleted = await harness.primary.call("deleteVoice", { json: { name } });
          verify(context, harness, deleted, {
            kind: "lifecycle",
            step: "delete",
            resource: "voice",
            id: name,
          });
          tracker.forget(entry);
          const gone = await harness.primary.call("getVoice", { params: { name } });
          verify(context, harness, gone, {
            kind: "lifecycle",
            step: "read-after-delete",
            resource: "voice",
            id: name,
          });
          const after = await harness.primary.call("listVoices");
          verify(context, harness, after, {
            kind: "lifecycle",
            step: "list",
            resource: "voice",
            id: name,
            expected: "absent",
            listedIds: voiceNames,
          });
        });
      });

      test("temporary ElevenLabs key never comes back", async (context) => {
        const checks = [
          covers("getVoice", "masking-stored-secret-hidden"),
          covers("listVoices", "masking-stored-secret-hidden"),
        ];
        requireWrites(context, harness, checks);
        const name = harness.uniqueName("voice-11l");
        const secret = fakeSecret("elevenlabs");
        const added = await harness.primary.call("addVoice", {
          json: { name, providerKey: "elevenlabs", voiceId: "21m00Tcm4TlvDq8ikWAM", apiKey: secret },
        });
        tracker.track("voice", name, "primary", { operationId: "deleteVoice", json: { name } });
        if (added.exchange.response?.status === 400 && harness.target.kind === "live") {
          skipChecks(
            context,
            harness,
            "the target rejected saving an ElevenLabs voice with a temporary key",
            checks,
          );
        }
        verify(context, harness, added, { kind: "lifecycle", step: "create", resource: "voice" });
        const read = await harness.primary.call("getVoice", { params: { name } });
        verify(context, harness, read, { kind: "masking", secrets: [secret] });
        const list = await harness.primary.call("listVoices");
        verify(context, harness, list, { kind: "masking", secrets: [secret] });
      });

      test("provider voice details", async (context) => {
        const checks = [covers("getVoiceDetails")];
        const providerKey = requireResource(context, harness, "ttsProvider", checks);
        const voiceId = requireResource(context, harness, "ttsVoice", checks);
        const call = await harness.primary.call("getVoiceDetails", { json: { providerKey, voiceId } });
        verify(context, harness, call);
      });
    });

    describe("voice errors", () => {
      test.for([
        ["name is missing", "addVoice", { providerKey: "openai", voiceId: "alloy" }],
        ["voiceId is missing", "addVoice", { name: "msqh-never-created", providerKey: "openai" }],
        ["name is missing", "deleteVoice", {}],
        ["voiceId is missing", "getVoiceDetails", { providerKey: "openai" }],
        ["name is missing", "getSavedVoiceDetails", {}],
      ] as const)("%s for %s", async ([reason, operationId, json], context) => {
        if (operationId !== "getVoiceDetails" && operationId !== "getSavedVoiceDetails") {
          requireWrites(context, harness, [covers(operationId, "documented-error-status")]);
        }
        const call = await harness.primary.call(operationId, { json });
        verify(context, harness, call, { kind: "expected-status", statuses: [400], reason });
      });

      test.for([
        ["getVoice", { params: { name: "msqh-absent-voice" } }],
        ["deleteVoice", { json: { name: "msqh-absent-voice" } }],
        ["getSavedVoiceDetails", { json: { name: "msqh-absent-voice" } }],
      ] as const)("%s of an unknown voice gets 404", async ([operationId, options], context) => {
        if (operationId === "deleteVoice")
          requireWrites(context, harness, [covers(operationId, "documented-error-status")]);
        const call = await harness.primary.call(operationId, options);
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [404],
          reason: "no saved voice has this name",
        });
      });

      test("unknown provider voice gets 404", async (context) => {
        const providerKey = requireResource(context, harness, "ttsProvider", [
          covers("getVoiceDetails", "documented-error-status"),
        ]);
        const call = await harness.primary.call("getVoiceDetails", {
          json: { providerKey, voiceId: "msqh-no-such-voice" },
        });
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [404],
          reason: "the provider has no voice with this id",
        });
      });
    });

    describe.sequential("voice namespacing", () => {
      test("second account cannot see, read or delete the voice", async (context) => {
        const checks = [
          covers("listVoices", "namespacing-foreign-list-excluded"),
          covers("getVoice", "namespacing-foreign-read-rejected"),
          covers("deleteVoice", "namespacing-foreign-delete-rejected"),
        ];
        requireWrites(context, harness, checks);
        const other = requireSecondAccount(context, harness, checks);
        const providerKey = requireResource(context, harness, "ttsProvider", checks);
        const voiceId = requireResource(context, harness, "ttsVoice", checks);
        const name = harness.uniqueName("voice");
        const added = await harness.primary.call("addVoice", { json: { name, providerKey, voiceId } });
        verify(context, harness, added, { kind: "lifecycle", step: "create", resource: "voice" });
        tracker.track("voice", name, "primary", { operationId: "deleteVoice", json: { name } });

        const list = await other.call("listVoices");
        verify(context, harness, list, {
          kind: "foreign-access",
          action: "list",
          resource: "voice",
          id: name,
          listedIds: voiceNames,
        });
        const read = await other.call("getVoice", { params: { name } });
        verify(context, harness, read, {
          kind: "foreign-access",
          action: "read",
          resource: "voice",
          id: name,
        });
        const speech = await other.call("createSpeech", { json: { voiceName: name, text: "not yours" } });
        verify(context, harness, speech, {
          kind: "foreign-access",
          action: "use",
          resource: "voice",
          id: name,
        });
        const removal = await other.call("deleteVoice", { json: { name } });
        verify(context, harness, removal, {
          kind: "foreign-access",
          action: "delete",
          resource: "voice",
          id: name,
        });
        const still = await harness.primary.call("getVoice", { params: { name } });
        verify(context, harness, still, {
          kind: "foreign-access",
          action: "owner-read-after-foreign-delete",
          resource: "voice",
          id: name,
        });
      });
    });
  });
}

import { describe, test } from "vitest";
import { sniffResponseBody } from "../src/contract/binary-sniff.ts";
import { silentWav } from "./support/audio-samples.ts";
import { covers, requireResource } from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { verify } from "./support/verify.ts";

const TEXT = "Mission Squad audio contract test.";

for (const { harness } of setupSuite(["audio", "voices", "common"])) {
  describe(harness.label, () => {
    describe("text to speech", () => {
      test.for(["mp3", "wav", "opus", "aac", "flac", "pcm"] as const)(
        "synthesizes %s bytes of its type",
        async (format, context) => {
          const checks = [covers("createSpeech", "binary-content-matches-type", "content-type-conformance")];
          const providerKey = requireResource(context, harness, "ttsProvider", checks);
          const voice = requireResource(context, harness, "ttsVoice", checks);
          const call = await harness.primary.call("createSpeech", {
            json: { providerKey, voice, text: TEXT, responseFormat: format },
          });
          verify(context, harness, call, { kind: "success" }, { soft: true });
          verify(context, harness, call, {
            kind: "binary-content",
            sniffed: await sniffResponseBody(call.exchange),
          });
        },
      );

      test("streams base64 audio chunks", async (context) => {
        const checks = [
          covers(
            "streamSpeech",
            "sse-event-schema-conformance",
            "sse-terminator-last",
            "stream-stop-after-content",
          ),
        ];
        const providerKey = requireResource(context, harness, "ttsProvider", checks);
        const voice = requireResource(context, harness, "ttsVoice", checks);
        const call = await harness.primary.call("streamSpeech", {
          json: { providerKey, voice, text: TEXT, responseFormat: "mp3" },
        });
        verify(context, harness, call);
      });

      test("stream with a provider that cannot stream sends an in-band error", async (context) => {
        const voice = requireResource(context, harness, "ttsVoice", [
          covers("streamSpeech", "sse-error-event"),
        ]);
        const call = await harness.primary.call("streamSpeech", {
          json: { providerKey: "groq", voice, text: TEXT },
        });
        verify(context, harness, call, { kind: "stream-error" });
      });

      test.for([
        ["text is missing", { providerKey: "openai", voice: "alloy" }],
        ["no voice is given", { text: TEXT }],
        ["the provider has no TTS", { providerKey: "anthropic", voice: "alloy", text: TEXT }],
      ] as const)("createSpeech rejects when %s", async ([reason, json], context) => {
        const call = await harness.primary.call("createSpeech", { json });
        verify(context, harness, call, { kind: "expected-status", statuses: [400], reason });
      });

      test.for([
        ["text is missing", { providerKey: "openai", voice: "alloy" }],
        ["no voice is given", { text: TEXT }],
      ] as const)("streamSpeech rejects when %s", async ([reason, json], context) => {
        const call = await harness.primary.call("streamSpeech", { json });
        verify(context, harness, call, { kind: "expected-status", statuses: [400], reason });
      });
    });

    describe("speech to text", () => {
      test("transcribes a WAV upload", async (context) => {
        const providerKey = requireResource(context, harness, "sttProvider", [covers("createTranscription")]);
        const call = await harness.primary.call("createTranscription", {
          multipart: [
            { name: "providerKey", value: providerKey },
            { name: "file", filename: "silence.wav", contentType: "audio/wav", data: silentWav() },
          ],
        });
        verify(context, harness, call);
      });

      test("transcribes with verbose_json", async (context) => {
        const providerKey = requireResource(context, harness, "sttProvider", [covers("createTranscription")]);
        const call = await harness.primary.call("createTranscription", {
          multipart: [
            { name: "providerKey", value: providerKey },
            { name: "response_format", value: "verbose_json" },
            { name: "timestampGranularities", value: "word,segment" },
            { name: "file", filename: "silence.wav", contentType: "audio/wav", data: silentWav() },
          ],
        });
        verify(context, harness, call);
      });

      test.for([
        ["the file is text/plain", "text/plain", true],
        ["the file is missing", "audio/wav", false],
      ] as const)("rejects when %s", async ([reason, mimeType, withFile], context) => {
        const providerKey = requireResource(context, harness, "sttProvider", [
          covers("createTranscription", "documented-error-status"),
        ]);
        const call = await harness.primary.call("createTranscription", {
          multipart: [
            { name: "providerKey", value: providerKey },
            ...(withFile
              ? [
                  {
                    name: "file",
                    filename: "notes.txt",
                    contentType: mimeType,
                    data: new TextEncoder().encode("not audio"),
                  },
                ]
              : []),
          ],
        });
        verify(context, harness, call, { kind: "expected-status", statuses: [400], reason });
      });

      test("rejects a form without providerKey", async (context) => {
        const call = await harness.primary.call("createTranscription", {
          multipart: [{ name: "file", filename: "silence.wav", contentType: "audio/wav", data: silentWav() }],
        });
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [400],
          reason: "providerKey is missing",
        });
      });
    });
  });
}

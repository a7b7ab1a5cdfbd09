import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileTypeFromBuffer } from "file-type";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  AUDIO_CONTENT_TYPES,
  AUDIO_FORMATS,
  encodeSpeech,
} from "../../src/mock/areas/audio/audio-formats.ts";
import { crc16, crc8, oggCrc32 } from "../../src/mock/areas/audio/containers/checksums.ts";
import { readWav } from "../../src/mock/areas/audio/containers/wav.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";
import {
  eventPayloads,
  eventTypes,
  jsonBody,
  MockClient,
  readExchange,
  TEST_KEYS,
  type MockExchange,
} from "./support/mock-exchange.ts";

/** MIME type that file-type 21 detects in each format's bytes; PCM has no header to detect. */
const SNIFFED_TYPES: Readonly<Record<string, string | undefined>> = {
  mp3: "audio/mpeg",
  opus: "audio/ogg; codecs=opus",
  aac: "audio/aac",
  flac: "audio/flac",
  wav: "audio/wav",
  pcm: undefined,
};

let mock: RunningMock;

beforeAll(async () => {
  mock = await startMock();
});

afterAll(async () => {
  await mock.close();
});

async function post(path: string, json: unknown, account = "carol"): Promise<MockExchange> {
  const response = await fetch(`${mock.origin}${path}`, {
    method: "POST",
    headers: { "x-api-key": TEST_KEYS[account] ?? "", "content-type": "application/json" },
    body: JSON.stringify(json),
    signal: AbortSignal.timeout(10_000),
  });
  return readExchange(response);
}

async function transcribe(
  file: Uint8Array,
  mimeType: string,
  fields: Record<string, string>,
): Promise<MockExchange> {
  const form = new FormData();
  form.append("file", new Blob([file.slice()], { type: mimeType }), "speech");
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const response = await fetch(`${mock.origin}/v1/core/audio/stt`, {
    method: "POST",
    headers: { "x-api-key": TEST_KEYS["carol"] ?? "" },
    body: form,
    signal: AbortSignal.timeout(10_000),
  });
  return readExchange(response);
}

describe("text-to-speech", () => {
  test.each(AUDIO_FORMATS.map((format) => [format]))(
    "%s has its content type and container",
    async (format) => {
      const speech = await post("/v1/core/audio/tts", {
        providerKey: "openai",
        voice: "alloy",
        text: "Format check.",
        responseFormat: format,
      });
      expect(speech.status).toBe(200);
      expect(speech.contentType).toBe(AUDIO_CONTENT_TYPES[format]);
      expect(speech.bytes.length).toBeGreaterThan(100);
      expect((await fileTypeFromBuffer(speech.bytes))?.mime).toBe(SNIFFED_TYPES[format]);
    },
  );

  test("wav length follows text and speed", () => {
    const normal = readWav(encodeSpeech("one two three four", 1, "wav"));
    const fast = readWav(encodeSpeech("one two three four", 2, "wav"));
    const longer = readWav(encodeSpeech("one two three four five six seven eight", 1, "wav"));
    expect(normal?.durationSeconds).toBeGreaterThan(0.5);
    expect(fast?.durationSeconds).toBeCloseTo((normal?.durationSeconds ?? 0) / 2, 1);
    expect(longer?.durationSeconds).toBeGreaterThan(normal?.durationSeconds ?? Infinity);
  });

  test("wav carries real samples", () => {
    const bytes = encodeSpeech("tone", 1, "wav");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const dataStart = bytes.length - ((bytes.length - 44) & ~1);
    let peak = 0;
    for (let offset = dataStart; offset + 2 <= bytes.length; offset += 2)
      peak = Math.max(peak, Math.abs(view.getInt16(offset, true)));
    expect(peak).toBeGreaterThan(1000);
  });

  test("groq answers wav", async () => {
    await post("/v1/core/add/provider", { providerKey: "groq", apiKey: "gsk_carol_provider_key_001" });
    const speech = await post("/v1/core/audio/tts", {
      providerKey: "groq",
      voice: "Fritz-PlayAI",
      text: "hi",
      responseFormat: "mp3",
    });
    expect(speech.contentType).toBe("audio/wav");
  });

  test.each([
    ["unsupported provider", { providerKey: "anthropic", voice: "x", text: "hi" }],
    ["unconfigured provider", { providerKey: "elevenlabs", voice: "21m00Tcm4TlvDq8ikWAM", text: "hi" }],
    ["unknown saved voice", { voiceName: "nobody", text: "hi" }],
    ["invalid format", { voiceName: "narrator", text: "hi", responseFormat: "ogg" }],
    ["speed out of range", { voiceName: "narrator", text: "hi", speed: 5 }],
  ])("%s gets 400", async (_name, json) => {
    expect((await post("/v1/core/audio/tts", json)).status).toBe(400);
  });

  test("elevenlabs runs with a request key", async () => {
    const speech = await post("/v1/core/audio/tts", {
      providerKey: "elevenlabs",
      voice: "21m00Tcm4TlvDq8ikWAM",
      text: "hi",
      apiKey: "el-request-key-0001",
    });
    expect(speech.status).toBe(200);
  });
});

/**
 * Command-line decoders that check a container; each case runs only where its tool is installed.
 * `faad -i` and `mpg123 --test` exit with 0 even for random bytes, so their output is checked too.
 */
const DECODERS = [
  { format: "flac", file: "speech.flac", command: "flac", args: ["--test", "--silent"], output: /^/ },
  { format: "opus", file: "speech.opus", command: "opusinfo", args: [], output: /Opus/ },
  {
    format: "mp3",
    file: "speech.mp3",
    command: "mpg123",
    args: ["--test", "--verbose"],
    output: /MPEG 1\.0 L III cbr128 44100 mono/,
  },
  { format: "aac", file: "speech.aac", command: "faad", args: ["-i"], output: /ADTS, \d+\.\d+ sec/ },
] as const;

function installed(command: string): boolean {
  try {
    execFileSync("which", [command], { stdio: "ignore", timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

describe("audio decoders", () => {
  test.each(DECODERS.map((decoder) => [decoder.command, decoder] as const))(
    "%s accepts the output",
    (command, decoder) => {
      if (!installed(command)) {
        console.warn(`${command} is not installed; the ${decoder.format} decoding check did not run.`);
        return;
      }
      const directory = mkdtempSync(join(tmpdir(), "msq-audio-"));
      try {
        const path = join(directory, decoder.file);
        writeFileSync(path, encodeSpeech("Decoder check of the mock speech.", 1, decoder.format));
        // spawnSync reports the exit status; the decoders print their findings on stdout or stderr.
        const result = spawnSync(command, [...decoder.args, path], { encoding: "latin1", timeout: 30_000 });
        expect(result.status).toBe(0);
        expect(`${result.stdout}${result.stderr}`).toMatch(decoder.output);
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  );
});

describe("streaming text-to-speech", () => {
  test("chunks rebuild the audio", async () => {
    const text = "A longer sentence so that the audio needs more than one chunk of the stream to carry it.";
    const stream = await post("/v1/core/audio/tts/stream", { voiceName: "narrator", text });
    const payloads = eventPayloads(stream);
    const chunks = payloads.filter((payload) => payload["type"] === "audio_chunk");
    expect(chunks.length).toBeGreaterThan(1);
    expect(payloads.at(-1)?.["type"]).toBe("audio_stop");
    expect(stream.events?.at(-1)).toBe("[DONE]");
    const audio = Buffer.concat(chunks.map((chunk) => Buffer.from(String(chunk["b64"]), "base64")));
    expect(readWav(audio)?.comment).toBe(text);
  });

  test("groq gets an in-band error", async () => {
    await post("/v1/core/add/provider", { providerKey: "groq", apiKey: "gsk_carol_provider_key_001" });
    const stream = await post("/v1/core/audio/tts/stream", {
      providerKey: "groq",
      voice: "Fritz-PlayAI",
      text: "hi",
    });
    expect(stream.status).toBe(200);
    expect(eventPayloads(stream)[0]?.["type"]).toBe("error");
    expect(stream.events?.at(-1)).toBe("[DONE]");
  });
});

describe("speech-to-text", () => {
  test("transcribes mock speech back to its text", async () => {
    const result = await transcribe(encodeSpeech("hello from the harness", 1, "wav"), "audio/wav", {
      providerKey: "openai",
    });
    expect(result.status).toBe(200);
    expect((result.json as Record<string, unknown>)["text"]).toBe("hello from the harness");
    expect((result.json as Record<string, unknown>)["model"]).toBe("whisper-1");
  });

  test("verbose words follow granularities", async () => {
    const result = await transcribe(encodeSpeech("one two three", 1, "wav"), "audio/wav", {
      providerKey: "openai",
      response_format: "verbose_json",
      timestampGranularities: "word",
    });
    const body = result.json as Record<string, unknown>;
    expect(body["words"]).toHaveLength(3);
    expect(body["segments"]).toBeUndefined();
  });

  test.each(["audio/mpeg", "audio/wav", "audio/ogg", "audio/webm"])("accepts %s", async (mimeType) => {
    expect(
      (await transcribe(Uint8Array.from([1, 2, 3, 4]), mimeType, { providerKey: "openai" })).status,
    ).toBe(200);
  });

  test.each([
    ["unsupported MIME type", "audio/flac", { providerKey: "openai" }],
    ["missing providerKey", "audio/wav", {}],
    ["unsupported provider", "audio/wav", { providerKey: "google" }],
    ["invalid boolean", "audio/wav", { providerKey: "openai", diarize: "maybe" }],
    ["invalid extra params", "audio/wav", { providerKey: "openai", extra_params: "[1]" }],
    ["invalid granularity", "audio/wav", { providerKey: "openai", timestampGranularities: "word,letter" }],
    ["invalid response format", "audio/wav", { providerKey: "openai", response_format: "xml" }],
  ])("%s gets 400", async (_name, mimeType, fields) => {
    expect((await transcribe(Uint8Array.from([1, 2, 3]), mimeType, fields)).status).toBe(400);
  });
});

describe("container checksums", () => {
  test.each([
    ["crc8", crc8, 0xf4],
    ["crc16", crc16, 0xfee8],
    ["ogg crc32", oggCrc32, 0x89a1897f],
  ] as const)("%s of 123456789", (_name, checksum, expected) => {
    expect(checksum(new TextEncoder().encode("123456789"))).toBe(expected);
  });
});

/** Uploads a short WAV recording labelled `mimeType` for transcription, as carol. */
function uploadSpeech(client: MockClient, mimeType: string): Promise<MockExchange> {
  const form = new FormData();
  form.append("file", new Blob([encodeSpeech("upload test", 1, "wav").slice()], { type: mimeType }), "a.wav");
  form.append("providerKey", "openai");
  return client.call("carol", "POST", "/v1/core/audio/stt", form);
}

/** For each TTS and transcription fault, a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (client: MockClient) => Promise<boolean>>> = {
  "stt-text-missing": async (client) =>
    typeof jsonBody(await uploadSpeech(client, "audio/wav"))["text"] !== "string",
  "stt-unsupported-mime-accepted": async (client) => (await uploadSpeech(client, "video/mp4")).status === 200,
  "tts-content-type-mismatch": async (client) => {
    const speech = await client.call("carol", "POST", "/v1/core/audio/tts", {
      voiceName: "narrator",
      text: "hello there",
    });
    return (await fileTypeFromBuffer(speech.bytes))?.mime !== speech.contentType;
  },
  "tts-stream-chunk-not-base64": async (client) => {
    const stream = await client.call("carol", "POST", "/v1/core/audio/tts/stream", {
      voiceName: "narrator",
      text: "hello there",
    });
    return eventPayloads(stream)
      .filter((payload) => payload["type"] === "audio_chunk")
      .some((payload) => Buffer.from(String(payload["b64"]), "base64").toString("base64") !== payload["b64"]);
  },
  "tts-stream-done-missing": async (client) =>
    (
      await client.call("carol", "POST", "/v1/core/audio/tts/stream", { voiceName: "narrator", text: "hi" })
    ).events?.at(-1) !== "[DONE]",
  "tts-stream-stop-before-chunks": async (client) => {
    const types = eventTypes(
      await client.call("carol", "POST", "/v1/core/audio/tts/stream", { voiceName: "narrator", text: "hi" }),
    );
    return types.indexOf("audio_stop") < types.lastIndexOf("audio_chunk");
  },
  "tts-wav-header-corrupt": async (client) => {
    const speech = await client.call("carol", "POST", "/v1/core/audio/tts", {
      voiceName: "narrator",
      text: "hello there",
    });
    return (await fileTypeFromBuffer(speech.bytes))?.mime !== "audio/wav";
  },
};

describe("audio faults", () => {
  test("every audio fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("audio"));
  });

  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(name, (mock) => probe(new MockClient(mock)));
  });
});

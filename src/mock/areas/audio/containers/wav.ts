/**
 * RIFF/WAVE with 16-bit PCM. The synthesized text is stored in a `LIST`/`INFO`/`ICMT` comment
 * chunk, a standard place for free text that players ignore, so the mock's transcription can
 * read it back.
 */
export function encodeWav(samples: Int16Array, sampleRate: number, comment: string | undefined): Uint8Array {
  const info = comment === undefined ? new Uint8Array(0) : infoChunk(comment);
  const dataBytes = samples.length * 2;
  const buffer = new ArrayBuffer(44 + info.length + dataBytes);
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  writeAscii(bytes, 0, "RIFF");
  view.setUint32(4, buffer.byteLength - 8, true);
  writeAscii(bytes, 8, "WAVE");
  writeAscii(bytes, 12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  bytes.set(info, 36);
  const dataStart = 36 + info.length;
  writeAscii(bytes, dataStart, "data");
  view.setUint32(dataStart + 4, dataBytes, true);
  for (let index = 0; index < samples.length; index += 1) {
    view.setInt16(dataStart + 8 + index * 2, samples[index] as number, true);
  }
  return bytes;
}

/** What the transcription needs from a WAV file; undefined when the bytes are not RIFF/WAVE. */
export interface WavSummary {
  readonly durationSeconds: number | undefined;
  readonly comment: string | undefined;
}

export function readWav(bytes: Uint8Array): WavSummary | undefined {
  if (bytes.length < 12 || readAscii(bytes, 0, 4) !== "RIFF" || readAscii(bytes, 8, 4) !== "WAVE")
    return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let byteRate: number | undefined;
  let dataBytes: number | undefined;
  let comment: string | undefined;
  for (let offset = 12; offset + 8 <= bytes.length;) {
    const id = readAscii(bytes, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === "fmt " && size >= 16 && body + 16 <= bytes.length) byteRate = view.getUint32(body + 8, true);
    if (id === "data") dataBytes = Math.min(size, bytes.length - body);
    if (id === "LIST" && readAscii(bytes, body, 4) === "INFO")
      comment = readInfoComment(bytes, view, body + 4, body + size);
    offset = body + size + (size % 2);
  }
  const durationSeconds =
    byteRate !== undefined && byteRate > 0 && dataBytes !== undefined ? dataBytes / byteRate : undefined;
  return { durationSeconds, comment };
}

function infoChunk(comment: string): Uint8Array {
  const text = new TextEncoder().encode(`${comment}\0`);
  const padded = text.length + (text.length % 2);
  const bytes = new Uint8Array(8 + 4 + 8 + padded);
  const view = new DataView(bytes.buffer);
  writeAscii(bytes, 0, "LIST");
  view.setUint32(4, 4 + 8 + padded, true);
  writeAscii(bytes, 8, "INFO");
  writeAscii(bytes, 12, "ICMT");
  view.setUint32(16, text.length, true);
  bytes.set(text, 20);
  return bytes;
}

function readInfoComment(bytes: Uint8Array, view: DataView, start: number, end: number): string | undefined {
  for (let offset = start; offset + 8 <= Math.min(end, bytes.length);) {
    const id = readAscii(bytes, offset, 4);
    const size = view.getUint32(offset + 4, true);
    if (id === "ICMT") {
      const text = bytes.subarray(offset + 8, Math.min(offset + 8 + size, bytes.length));
      return new TextDecoder().decode(text).replace(/\0+$/, "");
    }
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

function writeAscii(bytes: Uint8Array, offset: number, text: string): void {
  for (let index = 0; index < text.length; index += 1) bytes[offset + index] = text.charCodeAt(index);
}

function readAscii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

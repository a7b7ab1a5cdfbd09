import { crc16, crc8 } from "./checksums.ts";

const BLOCK_SIZE = 4096;

/**
 * FLAC with VERBATIM subframes: uncompressed, but a valid stream that decoders play. Mono, 16-bit.
 * Only the sample rates that FLAC frame headers can code directly are accepted.
 */
export function encodeFlac(samples: Int16Array, sampleRate: number): Uint8Array {
  const rateCode = SAMPLE_RATE_CODES[sampleRate];
  if (rateCode === undefined)
    throw new Error(`FLAC frames cannot code the sample rate ${sampleRate} directly.`);
  const parts: Uint8Array[] = [new TextEncoder().encode("fLaC"), streamInfo(samples.length, sampleRate)];
  for (let start = 0, frameNumber = 0; start < samples.length; start += BLOCK_SIZE, frameNumber += 1) {
    parts.push(
      frame(samples.subarray(start, Math.min(start + BLOCK_SIZE, samples.length)), frameNumber, rateCode),
    );
  }
  return concat(parts);
}

const SAMPLE_RATE_CODES: Readonly<Record<number, number>> = {
  8000: 0b0100,
  16000: 0b0101,
  22050: 0b0110,
  24000: 0b0111,
  32000: 0b1000,
  44100: 0b1001,
  48000: 0b1010,
};

/** The STREAMINFO metadata block, marked as the last metadata block. */
function streamInfo(totalSamples: number, sampleRate: number): Uint8Array {
  const block = new Uint8Array(4 + 34);
  const view = new DataView(block.buffer);
  block[0] = 0x80; // last-metadata-block flag, type 0 (STREAMINFO)
  block[3] = 34;
  view.setUint16(4, BLOCK_SIZE); // minimum block size
  view.setUint16(6, BLOCK_SIZE); // maximum block size
  // Minimum and maximum frame sizes (24 bits each) stay 0, meaning unknown.
  // 20 bits sample rate, 3 bits channels - 1, 5 bits bits-per-sample - 1, 36 bits total samples.
  view.setUint16(14, sampleRate >>> 4);
  block[16] = ((sampleRate & 0x0f) << 4) | (0 << 1) | (15 >>> 4);
  block[17] = ((15 & 0x0f) << 4) | (Math.floor(totalSamples / 2 ** 32) & 0x0f);
  view.setUint32(18, totalSamples >>> 0);
  // The MD5 signature of the audio (16 bytes) stays 0, meaning not computed.
  return block;
}

function frame(samples: Int16Array, frameNumber: number, rateCode: number): Uint8Array {
  const header = [
    0xff,
    0xf8,
    (0b0111 << 4) | rateCode,
    (0b0000 << 4) | (0b100 << 1),
    ...utf8Number(frameNumber),
  ];
  const blockSizeMinusOne = samples.length - 1;
  header.push((blockSizeMinusOne >>> 8) & 0xff, blockSizeMinusOne & 0xff);
  header.push(crc8(Uint8Array.from(header)));

  const body = new Uint8Array(header.length + 1 + samples.length * 2 + 2);
  body.set(header, 0);
  body[header.length] = 0b00000010; // subframe header: VERBATIM, no wasted bits
  const view = new DataView(body.buffer);
  for (let index = 0; index < samples.length; index += 1) {
    view.setInt16(header.length + 1 + index * 2, samples[index] as number);
  }
  view.setUint16(body.length - 2, crc16(body.subarray(0, body.length - 2)));
  return body;
}

/** FLAC's "UTF-8" coding of the frame number. */
function utf8Number(value: number): number[] {
  if (value < 0x80) return [value];
  if (value < 0x800) return [0xc0 | (value >>> 6), 0x80 | (value & 0x3f)];
  if (value < 0x10000) return [0xe0 | (value >>> 12), 0x80 | ((value >>> 6) & 0x3f), 0x80 | (value & 0x3f)];
  return [
    0xf0 | (value >>> 18),
    0x80 | ((value >>> 12) & 0x3f),
    0x80 | ((value >>> 6) & 0x3f),
    0x80 | (value & 0x3f),
  ];
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

/**
 * AAC-LC in ADTS frames (mono) of silence: a valid 7-byte header and a fixed 4-byte raw data
 * block per 1024 samples. FAAD2 2.10.1 decodes the frames to silence.
 */
export function encodeSilentAdts(durationSeconds: number, sampleRate: number): Uint8Array {
  const rateIndex = SAMPLE_RATE_INDEX[sampleRate];
  if (rateIndex === undefined) throw new Error(`ADTS cannot code the sample rate ${sampleRate}.`);
  const frameCount = Math.max(1, Math.ceil((durationSeconds * sampleRate) / 1024));
  const frameLength = 7 + SILENT_PAYLOAD.length;
  const bytes = new Uint8Array(frameCount * frameLength);
  for (let frame = 0; frame < frameCount; frame += 1) {
    const offset = frame * frameLength;
    bytes[offset] = 0xff;
    bytes[offset + 1] = 0xf1; // sync, MPEG-4, layer 0, no CRC
    bytes[offset + 2] = (1 << 6) | (rateIndex << 2) | 0; // AAC-LC (profile 1), rate index, channel config high bit 0
    bytes[offset + 3] = (1 << 6) | ((frameLength >>> 11) & 0x03); // channel config 1 (mono), frame length high bits
    bytes[offset + 4] = (frameLength >>> 3) & 0xff;
    bytes[offset + 5] = ((frameLength & 0x07) << 5) | 0x1f; // frame length low bits, buffer fullness 0x7FF (VBR)
    bytes[offset + 6] = 0xfc; // buffer fullness low bits, one raw data block
    bytes.set(SILENT_PAYLOAD, offset + 7);
  }
  return bytes;
}

const SAMPLE_RATE_INDEX: Readonly<Record<number, number>> = {
  96000: 0,
  88200: 1,
  64000: 2,
  48000: 3,
  44100: 4,
  32000: 5,
  24000: 6,
  22050: 7,
  16000: 8,
  12000: 9,
  11025: 10,
  8000: 11,
};

const SILENT_PAYLOAD = Uint8Array.from([0x01, 0x40, 0x20, 0x07]);

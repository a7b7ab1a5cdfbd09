/**
 * MPEG-1 Layer III frames of silence (128 kbit/s, 44.1 kHz, mono): every frame has a valid header
 * and zeroed side information, which decoders play as silence. Encoding the synthesized tone
 * itself would need a real MP3 encoder.
 */
export function encodeSilentMp3(durationSeconds: number): Uint8Array {
  const frameCount = Math.max(1, Math.ceil((durationSeconds * SAMPLE_RATE) / SAMPLES_PER_FRAME));
  const bytes = new Uint8Array(frameCount * FRAME_BYTES);
  for (let frame = 0; frame < frameCount; frame += 1) bytes.set(HEADER, frame * FRAME_BYTES);
  return bytes;
}

const SAMPLE_RATE = 44100;
const SAMPLES_PER_FRAME = 1152;
/** 144 * bitrate / sample rate, without padding. */
const FRAME_BYTES = Math.floor((144 * 128_000) / SAMPLE_RATE);
/** Sync, MPEG-1, Layer III, no CRC; 128 kbit/s, 44.1 kHz, no padding; mono. */
const HEADER = Uint8Array.from([0xff, 0xfb, 0x90, 0xc0]);

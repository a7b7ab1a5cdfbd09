import { oggCrc32 } from "./checksums.ts";

/**
 * Ogg pages with an Opus stream (RFC 7845): the OpusHead and OpusTags headers, then 20 ms
 * packets of silence. Encoding the synthesized tone itself would need a real Opus encoder.
 */
export function encodeSilentOggOpus(durationSeconds: number, inputSampleRate: number): Uint8Array {
  const serial = 0x6d73713a; // fixed, so equal requests get equal bytes
  const head = new Uint8Array(19);
  const headView = new DataView(head.buffer);
  head.set(new TextEncoder().encode("OpusHead"), 0);
  head[8] = 1; // version
  head[9] = 1; // channels
  headView.setUint16(10, PRE_SKIP, true);
  headView.setUint32(12, inputSampleRate, true);
  // Output gain 0 and channel mapping family 0 leave the remaining bytes 0.

  const vendor = new TextEncoder().encode("msq-harness mock");
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  const tagsView = new DataView(tags.buffer);
  tags.set(new TextEncoder().encode("OpusTags"), 0);
  tagsView.setUint32(8, vendor.length, true);
  tags.set(vendor, 12);

  const pages = [page([head], 0, serial, 0, 0x02), page([tags], 0, serial, 1, 0x00)];
  const packetCount = Math.max(1, Math.ceil(durationSeconds / 0.02));
  let sequence = 2;
  let granule = 0;
  for (let sent = 0; sent < packetCount; sent += PACKETS_PER_PAGE) {
    const count = Math.min(PACKETS_PER_PAGE, packetCount - sent);
    granule += count * SAMPLES_PER_PACKET;
    const last = sent + count >= packetCount;
    // The granule position counts every decoded sample, pre-skip included; players subtract it.
    pages.push(
      page(
        Array.from({ length: count }, () => SILENT_PACKET),
        granule,
        serial,
        sequence,
        last ? 0x04 : 0,
      ),
    );
    sequence += 1;
  }
  const result = new Uint8Array(pages.reduce((sum, item) => sum + item.length, 0));
  let offset = 0;
  for (const item of pages) {
    result.set(item, offset);
    offset += item.length;
  }
  return result;
}

/** Opus packet with TOC 0xF8 (CELT-only, fullband, 20 ms, mono, one frame) coding silence. */
const SILENT_PACKET = Uint8Array.from([0xf8, 0xff, 0xfe]);
const SAMPLES_PER_PACKET = 960; // 20 ms at Opus's 48 kHz granule rate
const PRE_SKIP = 312;
const PACKETS_PER_PAGE = 50;

function page(
  packets: readonly Uint8Array[],
  granule: number,
  serial: number,
  sequence: number,
  flags: number,
): Uint8Array {
  const segments: number[] = [];
  for (const packet of packets) {
    let remaining = packet.length;
    while (remaining >= 255) {
      segments.push(255);
      remaining -= 255;
    }
    segments.push(remaining);
  }
  const bodyLength = packets.reduce((sum, packet) => sum + packet.length, 0);
  const bytes = new Uint8Array(27 + segments.length + bodyLength);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode("OggS"), 0);
  bytes[4] = 0; // version
  bytes[5] = flags;
  view.setBigUint64(6, BigInt(granule), true);
  view.setUint32(14, serial, true);
  view.setUint32(18, sequence, true);
  bytes[26] = segments.length;
  bytes.set(segments, 27);
  let offset = 27 + segments.length;
  for (const packet of packets) {
    bytes.set(packet, offset);
    offset += packet.length;
  }
  view.setUint32(22, oggCrc32(bytes), true);
  return bytes;
}

/** Duration, frame rate and frame size of a video, as the report's `metadata` gives them. */
export interface VideoMetadata {
  readonly durationSec: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
}

/** Frame size and rate assumed when the container does not give them. */
const DEFAULT_FRAME = { fps: 30, width: 1280, height: 720 } as const;

/**
 * Bytes per second of video assumed for files whose duration cannot be read, about 2 Mbit/s.
 * NOTE: an estimate, only so that larger files get longer durations.
 */
const ASSUMED_BYTES_PER_SECOND = 256 * 1024;

/** Maximum duration the mock assumes for a file it cannot read, in seconds. */
const MAX_ASSUMED_DURATION_SEC = 3600;

/**
 * Reads the metadata of a video. MP4 and QuickTime files (ISO base media) give their duration
 * from the `mvhd` box and their frame size from the first video `tkhd` box. Other containers get
 * a duration derived from the file size and a 1280x720 frame at 30 fps.
 */
export function readVideoMetadata(bytes: Uint8Array): VideoMetadata {
  const parsed = readIsoBaseMedia(bytes);
  const assumedDuration = Math.min(
    MAX_ASSUMED_DURATION_SEC,
    Math.max(1, bytes.length / ASSUMED_BYTES_PER_SECOND),
  );
  return {
    durationSec: round(parsed?.durationSec ?? assumedDuration),
    fps: DEFAULT_FRAME.fps,
    width: parsed?.width ?? DEFAULT_FRAME.width,
    height: parsed?.height ?? DEFAULT_FRAME.height,
  };
}

interface ParsedBoxes {
  durationSec?: number;
  width?: number;
  height?: number;
}

/** Container boxes that hold the boxes read below. */
const CONTAINER_BOXES = new Set(["moov", "trak"]);

function readIsoBaseMedia(bytes: Uint8Array): ParsedBoxes | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: ParsedBoxes = {};
  walkBoxes(view, 0, bytes.length, found, 0);
  return found.durationSec === undefined ? undefined : found;
}

function walkBoxes(view: DataView, start: number, end: number, found: ParsedBoxes, depth: number): void {
  let offset = start;
  while (offset + 8 <= end && depth < 4) {
    let size = view.getUint32(offset);
    const type = String.fromCharCode(
      view.getUint8(offset + 4),
      view.getUint8(offset + 5),
      view.getUint8(offset + 6),
      view.getUint8(offset + 7),
    );
    let header = 8;
    if (size === 1) {
      if (offset + 16 > end) return;
      size = Number(view.getBigUint64(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < header || offset + size > end) return;

    const body = offset + header;
    if (CONTAINER_BOXES.has(type)) walkBoxes(view, body, offset + size, found, depth + 1);
    else if (type === "mvhd") readMovieHeader(view, body, offset + size, found);
    else if (type === "tkhd" && found.width === undefined) readTrackHeader(view, body, offset + size, found);
    offset += size;
  }
}

/** `mvhd`: version, flags, times, then the timescale and the duration in timescale units. */
function readMovieHeader(view: DataView, body: number, end: number, found: ParsedBoxes): void {
  const version = view.getUint8(body);
  const timescaleAt = body + (version === 1 ? 20 : 12);
  if (timescaleAt + (version === 1 ? 12 : 8) > end) return;
  const timescale = view.getUint32(timescaleAt);
  const duration =
    version === 1 ? Number(view.getBigUint64(timescaleAt + 4)) : view.getUint32(timescaleAt + 4);
  if (timescale > 0 && duration > 0) found.durationSec = duration / timescale;
}

/** `tkhd`: the last 8 bytes are the width and height in 16.16 fixed point; audio tracks have 0 x 0. */
function readTrackHeader(view: DataView, body: number, end: number, found: ParsedBoxes): void {
  const version = view.getUint8(body);
  const length = version === 1 ? 96 : 84;
  if (body + length > end) return;
  const width = view.getUint32(body + length - 8) / 65536;
  const height = view.getUint32(body + length - 4) / 65536;
  if (width > 0 && height > 0) {
    found.width = Math.round(width);
    found.height = Math.round(height);
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

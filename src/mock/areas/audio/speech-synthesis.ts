import { fnv1a32 } from "../../seeded-random.ts";

/** Sample rate of synthesized speech, the rate of OpenAI's `pcm` output. */
export const SPEECH_SAMPLE_RATE = 24000;

/** Longest audio the mock synthesizes, in seconds; longer texts are cut. */
export const MAX_SPEECH_SECONDS = 30;

const MS_PER_CHARACTER = 45;

/**
 * Synthesizes a stand-in for speech: one tone per word, its pitch derived from the word, with a
 * short pause after each word. It sounds nothing like speech, but its length follows the text
 * and `speed` (0.25 to 4, as for OpenAI voices), and equal texts give equal samples.
 */
export function synthesizeSpeech(text: string, speed: number): Int16Array {
  const words = text.split(/\s+/).filter((word) => word !== "");
  const samplesPerMs = SPEECH_SAMPLE_RATE / 1000 / speed;
  const maxSamples = MAX_SPEECH_SECONDS * SPEECH_SAMPLE_RATE;
  const chunks: Int16Array[] = [];
  let total = 0;
  for (const word of words) {
    if (total >= maxSamples) break;
    const toneSamples = Math.round(word.length * MS_PER_CHARACTER * samplesPerMs);
    const pauseSamples = Math.round(80 * samplesPerMs);
    const frequency = 140 + (fnv1a32(word.toLowerCase()) % 260);
    const chunk = new Int16Array(Math.min(toneSamples + pauseSamples, maxSamples - total));
    for (let index = 0; index < Math.min(toneSamples, chunk.length); index += 1) {
      // A raised-cosine envelope avoids clicks at the start and end of each tone.
      const envelope = 0.5 - 0.5 * Math.cos((2 * Math.PI * index) / toneSamples);
      chunk[index] = Math.round(
        9000 * envelope * Math.sin((2 * Math.PI * frequency * index) / SPEECH_SAMPLE_RATE),
      );
    }
    chunks.push(chunk);
    total += chunk.length;
  }
  const samples = new Int16Array(Math.max(total, 1));
  let offset = 0;
  for (const chunk of chunks) {
    samples.set(chunk, offset);
    offset += chunk.length;
  }
  return samples;
}

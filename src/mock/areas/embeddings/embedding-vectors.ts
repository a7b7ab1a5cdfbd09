import { fnv1a32, mulberry32 } from "../../seeded-random.ts";

/** One input's vector with its two wire encodings, computed once and cached. */
export interface EmbeddingVector {
  readonly values: readonly number[];
  /** `JSON.stringify(values)`. */
  readonly json: string;
  /** Base64 of the values as little-endian float32, OpenAI's `encoding_format: base64`. */
  readonly base64: string;
}

/** Vectors kept in the cache; repeated inputs (benchmarks send the same texts) skip the work. */
const CACHE_SIZE = 2048;
const cache = new Map<string, EmbeddingVector>();

/**
 * Returns the unit-length vector of `text` for `model` with `dimensions` values. The vector is
 * derived from a hash of the model and the text, so equal inputs always get equal vectors and
 * different texts get unrelated ones. A shortened vector is the prefix of the full one,
 * renormalized, as with OpenAI's `dimensions` parameter.
 */
export function embeddingVector(
  model: string,
  fullDimensions: number,
  dimensions: number,
  text: string,
): EmbeddingVector {
  const key = `${model}\u0000${fullDimensions}\u0000${dimensions}\u0000${text}`;
  const cached = cache.get(key);
  if (cached !== undefined) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }

  const random = mulberry32(fnv1a32(`${model}\n${text}`));
  const raw = new Float64Array(fullDimensions);
  for (let index = 0; index < fullDimensions; index += 1) {
    // The sum of three uniform values is roughly normal, which spreads the directions evenly.
    raw[index] = random() + random() + random() - 1.5;
  }
  let norm = 0;
  for (let index = 0; index < dimensions; index += 1) norm += (raw[index] as number) ** 2;
  norm = Math.sqrt(norm) || 1;

  const values: number[] = new Array<number>(dimensions);
  const bytes = new DataView(new ArrayBuffer(dimensions * 4));
  for (let index = 0; index < dimensions; index += 1) {
    const value = Math.round(((raw[index] as number) / norm) * 1e8) / 1e8;
    values[index] = value;
    bytes.setFloat32(index * 4, value, true);
  }
  const vector: EmbeddingVector = {
    values,
    json: JSON.stringify(values),
    base64: Buffer.from(bytes.buffer).toString("base64"),
  };
  cache.set(key, vector);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return vector;
}

/**
 * Counts tokens the way the mock bills them: every word and every punctuation mark is one token.
 * Real tokenizers differ; the mock needs only a count that is deterministic and grows with the text.
 */
export function countTokens(text: string): number {
  return text.match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu)?.length ?? 0;
}

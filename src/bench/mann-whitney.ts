/** Result of a Mann-Whitney U test of `current` against `baseline`. */
export interface MannWhitneyResult {
  /** U statistic of `current`: how many (baseline, current) pairs have current > baseline, ties 1/2. */
  readonly u: number;
  /** One-sided p-value for "current tends to be larger than baseline". */
  readonly pGreater: number;
  /** One-sided p-value for "current tends to be smaller than baseline". */
  readonly pLess: number;
  /** "exact" enumerates the permutation distribution of the ranks; "normal" approximates it. */
  readonly method: "exact" | "normal";
  /** Smallest one-sided p-value these sample sizes can reach (exact method). */
  readonly minimumP: number;
}

/** Largest total sample size for the exact distribution; above it the normal approximation is used. */
const EXACT_LIMIT = 50;

/**
 * Mann-Whitney U (Wilcoxon rank-sum) test. Ties get midranks. Up to 50 values in total the
 * p-values are exact: the distribution of the rank sum over every split of the pooled ranks,
 * which stays exact with ties. Above that the normal approximation with tie correction and
 * continuity correction is used.
 */
export function mannWhitneyU(baseline: readonly number[], current: readonly number[]): MannWhitneyResult {
  const n1 = baseline.length;
  const n2 = current.length;
  if (n1 === 0 || n2 === 0) throw new Error("mannWhitneyU needs at least one value in each sample.");
  const pooled = [
    ...baseline.map((value) => ({ value, current: false })),
    ...current.map((value) => ({ value, current: true })),
  ];
  pooled.sort((a, b) => a.value - b.value);

  // Doubled midranks are integers, which keeps the exact distribution on an integer grid.
  const doubledRanks: number[] = new Array<number>(pooled.length);
  const tieSizes: number[] = [];
  for (let start = 0; start < pooled.length;) {
    let end = start;
    while (end + 1 < pooled.length && pooled[end + 1]?.value === pooled[start]?.value) end += 1;
    const doubledMidrank = start + 1 + end + 1;
    for (let i = start; i <= end; i += 1) doubledRanks[i] = doubledMidrank;
    tieSizes.push(end - start + 1);
    start = end + 1;
  }
  let doubledRankSum = 0;
  pooled.forEach((entry, index) => {
    if (entry.current) doubledRankSum += doubledRanks[index] ?? 0;
  });
  const u = doubledRankSum / 2 - (n2 * (n2 + 1)) / 2;

  const total = n1 + n2;
  if (total <= EXACT_LIMIT) {
    const { atLeast, atMost, count } = exactTails(doubledRanks, n2, doubledRankSum);
    return { u, pGreater: atLeast / count, pLess: atMost / count, method: "exact", minimumP: 1 / count };
  }

  const mean = (n1 * n2) / 2;
  const tieTerm = tieSizes.reduce((sum, size) => sum + (size ** 3 - size), 0) / (total * (total - 1));
  const sd = Math.sqrt(((n1 * n2) / 12) * (total + 1 - tieTerm));
  if (sd === 0) return { u, pGreater: 1, pLess: 1, method: "normal", minimumP: 0 };
  return {
    u,
    pGreater: 1 - normalCdf((u - mean - 0.5) / sd),
    pLess: normalCdf((u - mean + 0.5) / sd),
    method: "normal",
    minimumP: 0,
  };
}

/**
 * Counts the ways to choose `k` of the doubled ranks by their sum, then returns how many splits
 * have a rank sum at least and at most the observed one, and the number of splits C(n, k).
 */
function exactTails(
  doubledRanks: readonly number[],
  k: number,
  observed: number,
): { atLeast: number; atMost: number; count: number } {
  const maxSum = doubledRanks.reduce((sum, rank) => sum + rank, 0);
  // ways[j][s]: number of subsets of j ranks with doubled sum s.
  const ways: Float64Array[] = Array.from({ length: k + 1 }, () => new Float64Array(maxSum + 1));
  (ways[0] as Float64Array)[0] = 1;
  for (const rank of doubledRanks) {
    for (let j = k; j >= 1; j -= 1) {
      const row = ways[j] as Float64Array;
      const previous = ways[j - 1] as Float64Array;
      for (let s = maxSum; s >= rank; s -= 1) row[s] = (row[s] ?? 0) + (previous[s - rank] ?? 0);
    }
  }
  const last = ways[k] as Float64Array;
  let atLeast = 0;
  let atMost = 0;
  let count = 0;
  for (let s = 0; s <= maxSum; s += 1) {
    const value = last[s] ?? 0;
    count += value;
    if (s >= observed) atLeast += value;
    if (s <= observed) atMost += value;
  }
  return { atLeast, atMost, count };
}

/** Standard normal CDF through erf (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

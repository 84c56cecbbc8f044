/** How well a score separates in-domain messages (negatives) from out-of-scope ones (positives). */

/** Area under the ROC curve: the chance that a random out-of-scope message scores above a random in-domain one (ties count half). */
export function auroc(inDomain: number[], outOfScope: number[]): number {
  if (!inDomain.length || !outOfScope.length) return NaN;
  const all = [...inDomain.map((s) => ({ s, pos: false })), ...outOfScope.map((s) => ({ s, pos: true }))].sort((a, b) => a.s - b.s);
  // rank-sum (Mann–Whitney U) with average ranks for ties
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j].s === all[i].s) j++;
    const avg = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k].pos) rankSum += avg;
    i = j;
  }
  const p = outOfScope.length;
  return (rankSum - (p * (p + 1)) / 2) / (p * inDomain.length);
}

/**
 * The threshold at which at most `rate` of `inDomain` scores fall back
 * (score ≥ threshold): the smallest value above the (1 − rate) quantile.
 */
export function thresholdForRate(inDomain: number[], rate: number): number {
  if (!inDomain.length) return 0.5;
  const sorted = [...inDomain].sort((a, b) => a - b);
  const allowed = Math.floor(rate * sorted.length); // how many may fall back
  if (allowed <= 0) return nextUp(sorted[sorted.length - 1]);
  if (allowed >= sorted.length) return sorted[0];
  // the allowed highest scores fall back; the rest stay below the threshold
  return nextUp(sorted[sorted.length - allowed - 1]);
}

/** Share of scores at or above the threshold. */
export function rateAtOrAbove(scores: number[], threshold: number): number {
  return scores.length ? scores.filter((s) => s >= threshold).length / scores.length : NaN;
}

/** The next float64 above x (so "≥ threshold" excludes x itself). */
function nextUp(x: number): number {
  return x + Math.max(Math.abs(x) * 1e-12, 1e-15);
}

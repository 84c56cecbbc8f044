/**
 * `colloquy eval --ood`: how well the model's scorer tells in-domain user
 * turns from out-of-scope messages, beside the anchor it replaces — the
 * reply's own mean log-probability (the engine's confidence fallback) —
 * measured in the same run.
 */
import type { Generator } from '../generation/generator.ts';
import type { Scorer } from './scorer.ts';
import { auroc, rateAtOrAbove, thresholdForRate } from './metrics.ts';
import type { Message } from './read-examples.ts';

/** In-domain false alarms at which recall is reported (the issue's 5 %). */
export const FALSE_ALARM_RATE = 0.05;

export interface SeparationFigures {
  /** Messages scored on each side. */
  in_domain: number;
  out_of_scope: number;
  ood_auroc: number;
  /** Shares sent to the fallback at the stored (or the engine's) threshold. */
  ood_fallback_rate: number;
  in_domain_fallback_rate: number;
  /** Out-of-scope recall when the threshold lets exactly 5 % of in-domain messages fall back. */
  ood_recall_at_5pct_false_alarms: number;
}

export interface OodReport extends SeparationFigures {
  threshold: number;
  /** Present when the in-domain data has intents the scorer knows. */
  intent_accuracy?: number;
  /** Quartiles of the score on each side (min, 25 %, median, 75 %, max). */
  distribution: { in_domain: number[]; out_of_scope: number[] };
  /** The generator's confidence (−mean log-prob of a greedy reply to the message alone) at the engine's threshold. */
  baseline?: SeparationFigures & { name: string; threshold: number };
}

export interface EvaluateOodInput {
  scorer: Scorer;
  inDomain: Message[];
  outOfScope: string[];
  /** When given, also measure the confidence baseline on up to `baselineTurns` messages of each side. */
  generator?: Generator;
  baselineTurns?: number;
  /** The engine's confidence threshold (mean log-prob) the baseline falls back below. */
  confidenceThreshold?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function evaluateOod({ scorer, inDomain, outOfScope, generator, baselineTurns = 300, confidenceThreshold = -2.5, onProgress }: EvaluateOodInput): Promise<OodReport> {
  const read = inDomain.map((m) => scorer.understand(m.text));
  const inScores = read.map((u) => u.outOfScope);
  const oodScores = outOfScope.map((t) => scorer.score(t));
  const threshold = scorer.calibration.threshold;
  const labelled = inDomain.map((m, i) => ({ want: m.intent, got: read[i].intent?.name })).filter((x) => x.want && scorer.intents.includes(x.want));
  const report: OodReport = {
    threshold,
    ...separation(inScores, oodScores, threshold),
    ...(labelled.length ? { intent_accuracy: labelled.filter((x) => x.want === x.got).length / labelled.length } : {}),
    distribution: { in_domain: quartiles(inScores), out_of_scope: quartiles(oodScores) },
  };
  if (generator && baselineTurns > 0) {
    const a = sample(inDomain.map((m) => m.text), baselineTurns);
    const b = sample(outOfScope, baselineTurns);
    const total = a.length + b.length;
    let done = 0;
    const doubt = async (text: string) => {
      const stream = generator.reply([{ speaker: 'user', text }], { strategy: 'greedy' });
      for await (const _ of stream);
      const { meanLogProb } = await stream.result;
      onProgress?.(++done, total);
      return -meanLogProb; // higher = less sure, like the out-of-scope score
    };
    const inDoubt: number[] = [];
    for (const t of a) inDoubt.push(await doubt(t));
    const oodDoubt: number[] = [];
    for (const t of b) oodDoubt.push(await doubt(t));
    report.baseline = { name: 'generator confidence (mean log-prob of a greedy reply)', threshold: confidenceThreshold, ...separation(inDoubt, oodDoubt, nextAbove(-confidenceThreshold)) };
  }
  return report;
}

function separation(inScores: number[], oodScores: number[], threshold: number): SeparationFigures {
  return {
    in_domain: inScores.length,
    out_of_scope: oodScores.length,
    ood_auroc: auroc(inScores, oodScores),
    ood_fallback_rate: rateAtOrAbove(oodScores, threshold),
    in_domain_fallback_rate: rateAtOrAbove(inScores, threshold),
    ood_recall_at_5pct_false_alarms: rateAtOrAbove(oodScores, thresholdForRate(inScores, FALSE_ALARM_RATE)),
  };
}

/** The engine falls back when mean log-prob < threshold, i.e. doubt > −threshold. */
function nextAbove(x: number): number {
  return x + Math.max(Math.abs(x) * 1e-12, 1e-15);
}

function quartiles(xs: number[]): number[] {
  if (!xs.length) return [];
  const s = [...xs].sort((a, b) => a - b);
  return [0, 0.25, 0.5, 0.75, 1].map((q) => s[Math.min(s.length - 1, Math.round(q * (s.length - 1)))]);
}

/** Up to n items spread evenly over the list (deterministic). */
function sample<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  const step = xs.length / n;
  return Array.from({ length: n }, (_, i) => xs[Math.floor(i * step)]);
}

/** The report as lines, each figure beside the baseline's. */
export function formatOodReport(r: OodReport): string {
  const pct = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(1)} %`);
  const b = r.baseline;
  const row = (label: string, ours: string, base?: string) => `  ${label.padEnd(42)}${ours.padStart(10)}${b ? (base ?? '').padStart(14) : ''}`;
  return [
    `out-of-scope detection: ${r.in_domain} in-domain vs ${r.out_of_scope} out-of-scope messages${b ? ` (baseline on ${b.in_domain} + ${b.out_of_scope})` : ''}`,
    row('', 'scorer', b ? 'confidence' : undefined),
    row('AUROC', r.ood_auroc.toFixed(3), b?.ood_auroc.toFixed(3)),
    row('out-of-scope fallback rate (stored threshold)', pct(r.ood_fallback_rate), b && pct(b.ood_fallback_rate)),
    row('in-domain fallback rate (stored threshold)', pct(r.in_domain_fallback_rate), b && pct(b.in_domain_fallback_rate)),
    row('out-of-scope recall at 5 % false alarms', pct(r.ood_recall_at_5pct_false_alarms), b && pct(b.ood_recall_at_5pct_false_alarms)),
    ...(r.intent_accuracy !== undefined ? [row('intent accuracy', pct(r.intent_accuracy))] : []),
    `  threshold ${r.threshold.toPrecision(4)}${b ? `; baseline falls back below mean log-prob ${b.threshold}` : ''}`,
    `  score quartiles: in-domain ${r.distribution.in_domain.map((x) => x.toPrecision(2)).join(' ')}; out-of-scope ${r.distribution.out_of_scope.map((x) => x.toPrecision(2)).join(' ')}`,
  ].join('\n');
}

/**
 * The evaluation gate: a retrained model replaces the current one only if it
 * is not worse on the fixed held-out set — per-word perplexity not more than
 * `maxPplIncrease` above the current model's, BLEU-4 not lower by more than
 * `minBleuDelta` allows.
 */
import { ColloquyError } from '../errors.ts';
import type { EvalSummary, GateCheck, GateSettings, GateVerdict } from '../registry/lineage.ts';

/** Per-word perplexity may rise 5 %; BLEU-4 must not fall. */
export const DEFAULT_GATE: GateSettings = { maxPplIncrease: 0.05, minBleuDelta: 0 };

/** Checks gate settings; a bad value is an error naming it. */
export function resolveGate(overrides: Partial<GateSettings> = {}): GateSettings {
  const g = { ...DEFAULT_GATE, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  if (!Number.isFinite(g.maxPplIncrease) || g.maxPplIncrease < 0) throw new ColloquyError('usage', `--max-ppl-increase must be a number ≥ 0 (0.05 = 5 %), got ${g.maxPplIncrease}`);
  if (!Number.isFinite(g.minBleuDelta)) throw new ColloquyError('usage', `--min-bleu-delta must be a number, got ${g.minBleuDelta}`);
  return g;
}

const pct = (x: number) => `${(x * 100).toFixed(1).replace(/\.0$/, '')}%`;

/**
 * Compares the candidate with the current model.
 *
 * @example
 * const verdict = applyGate(candidate, current, DEFAULT_GATE);
 * if (!verdict.passed) console.log(verdict.message); // names each failing metric with both values
 */
export function applyGate(candidate: EvalSummary, current: EvalSummary, settings: GateSettings): GateVerdict {
  const pplLimit = current.perWordPerplexity * (1 + settings.maxPplIncrease);
  const ppl: GateCheck = {
    metric: 'perWordPerplexity',
    candidate: candidate.perWordPerplexity,
    current: current.perWordPerplexity,
    rule: `at most ${pct(settings.maxPplIncrease)} above the current model's`,
    passed: candidate.perWordPerplexity <= pplLimit, // NaN fails
  };
  const bleu: GateCheck = {
    metric: 'bleu4',
    candidate: candidate.bleu4,
    current: current.bleu4,
    rule: settings.minBleuDelta === 0 ? 'not below the current model\'s' : `at least ${settings.minBleuDelta >= 0 ? '+' : ''}${settings.minBleuDelta} against the current model's`,
    passed: candidate.bleu4 - current.bleu4 >= settings.minBleuDelta,
  };
  const checks = [ppl, bleu];
  const failures: string[] = [];
  if (!ppl.passed) {
    const rise = candidate.perWordPerplexity / current.perWordPerplexity - 1;
    failures.push(`per-word perplexity ${fmt(candidate.perWordPerplexity)} is ${Number.isFinite(rise) ? pct(rise) : 'not comparably'} above the current model's ${fmt(current.perWordPerplexity)} (allowed: ${pct(settings.maxPplIncrease)})`);
  }
  if (!bleu.passed) failures.push(`BLEU-4 ${fmt(candidate.bleu4)} is below the current model's ${fmt(current.bleu4)}${settings.minBleuDelta ? ` by more than allowed (minimum change ${settings.minBleuDelta})` : ''}`);
  const passed = failures.length === 0;
  const message = passed
    ? `gate passed: per-word perplexity ${fmt(candidate.perWordPerplexity)} vs ${fmt(current.perWordPerplexity)}, BLEU-4 ${fmt(candidate.bleu4)} vs ${fmt(current.bleu4)}`
    : `refused: ${failures.join('; ')}`;
  return { passed, checks, message, settings };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(Math.abs(x) >= 100 ? 1 : 3) : String(x);
}

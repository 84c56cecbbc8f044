import type { Dialogue, Turn } from '../data/dialogue.ts';
import { DEFAULT_ENGINE_OPTIONS } from '../engine/options.ts';
import { passingCandidate } from '../engine/grounding.ts';
import { checkReply, factSupport } from '../facts/index.ts';
import { groundingFigures } from './grounding.ts';
import type { LstmGenerator, Reply } from '../generation/generator.ts';
import type { GenerateOptions } from '../generation/options.ts';
import type { LoadedModel } from '../model/model-dir.ts';
import { writeFileAtomic } from '../util/fs-atomic.ts';
import { ColloquyError } from '../errors.ts';
import { collectEvalTurns, type EvalTurn } from './eval-turns.ts';
import { averageLength, corpusBleu, distinctN, perWordPerplexity, whitespaceWordCount } from './metrics.ts';
import type { RetrievalBaseline } from './retrieval.ts';
import { scoreReferences } from './score-replies.ts';

/** Quality of a set of generated replies against the references. */
export interface ReplyQuality {
  bleu4: number;
  distinct1: number;
  distinct2: number;
  avgLength: number;
}

export interface EvalReport {
  turns: number;
  /** exp(total NLL incl. end-of-turn / (whitespace words + turns)): comparable across tokenizers. */
  perWordPerplexity: number;
  perTokenPerplexity: number;
  model: ReplyQuality;
  referenceAvgLength: number;
  baseline?: ReplyQuality;
  modelVersion: string;
  /** Minutes the model trained (from its manifest; null when it does not say). */
  trainingMinutes: number | null;
  /** Wall time of generating the replies per reply token (end-of-turn included), history reading included. */
  msPerToken: number;
  strategy: string;
  seconds: number;
  /** Replies stating a fact absent from what the model was shown (no fact check). */
  unsupported_fact_rate: number;
  /** The same for the reference replies: the floor the data sets. */
  reference_unsupported_fact_rate: number;
  /** Of the facts in the references that the context holds, the share the replies state too. */
  inform_recall: number;
  /** Replies contradicting the action just before them, by the model's claim phrases (absent when the model has none). */
  contradiction_rate?: number;
  reference_contradiction_rate?: number;
  /** The same replies after the fact check, when it ran (`factCheck`). */
  fact_check?: FactCheckedFigures;
  /** BLEU-4 of turns from single-topic and from multi-topic dialogues, when the corpus tags dialogues with topics. */
  by_topics?: { single: TopicFigures; multi: TopicFigures };
}

/** Reply quality on the turns of one kind of dialogue. */
export interface TopicFigures {
  turns: number;
  bleu4: number;
}

/** Replies after the fact check: passed, replaced by a candidate written under the check that passes, or the fallback. */
export interface FactCheckedFigures {
  unsupported_fact_rate: number;
  contradiction_rate?: number;
  inform_recall: number;
  /** Share of replies that became the fallback (no candidate passed). */
  fallback_rate: number;
  /** Share replaced by another candidate. */
  replaced_rate: number;
  bleu4: number;
}

export interface EvaluateInput {
  model: LoadedModel;
  generator: LstmGenerator;
  dialogues: Dialogue[];
  /** Evaluate a deterministic sample of this many bot turns (0 = all). */
  maxTurns?: number;
  seed?: number;
  generate?: Partial<GenerateOptions>;
  baseline?: RetrievalBaseline;
  /** Writes one JSONL line per evaluated turn: {id, context, reference, hypothesis}. */
  predictionsFile?: string;
  onProgress?: (done: number, total: number) => void;
  /** Runs the fact check as the engine does (candidates written under the check, then the fallback) and reports `fact_check`. */
  factCheck?: { allowlist?: string[]; candidates?: number };
  /** Facts the bot may state without the conversation holding them (for the unsupported-fact rates). */
  allowlist?: string[];
}

/** What the fact-checked figures count a fallback as (the engine's default fallback text). */
const FALLBACK_TEXT = DEFAULT_ENGINE_OPTIONS.fallbackText;

function quality(hyps: string[], refs: string[]): ReplyQuality {
  return { bleu4: corpusBleu(hyps, refs), distinct1: distinctN(hyps, 1), distinct2: distinctN(hyps, 2), avgLength: averageLength(hyps) };
}

/**
 * Held-out evaluation: per-word and per-token perplexity of the reference
 * replies, BLEU-4, distinct-1/2 and length of generated replies, and the same
 * reply metrics for a retrieval baseline when one is given.
 */
export async function evaluate(input: EvaluateInput): Promise<EvalReport> {
  const started = Date.now();
  const contextTokens = input.generate?.contextTokens ?? 256;
  const turns: EvalTurn[] = collectEvalTurns(input.dialogues, input.maxTurns ?? 0, input.seed ?? 1);
  if (turns.length === 0) throw new ColloquyError('eval_no_turns', 'There are no bot turns to evaluate: no bot or agent turn follows a user turn in the data');
  const scored = scoreReferences(input.model, turns, contextTokens);
  const totalNll = scored.reduce((s, r) => s + r.nll, 0);
  const totalTokens = scored.reduce((s, r) => s + r.tokens, 0);
  const words = turns.reduce((s, t) => s + whitespaceWordCount(t.reference), 0);

  const replies: Reply[] = [];
  let generationMs = 0;
  let generatedTokens = 0;
  for (const [i, t] of turns.entries()) {
    const t0 = performance.now();
    const reply = await input.generator.reply(t.history, input.generate).result;
    generationMs += performance.now() - t0;
    generatedTokens += reply.tokens + (reply.truncated ? 0 : 1);
    replies.push(reply);
    input.onProgress?.(i + 1, turns.length);
  }
  const hyps = replies.map((r) => r.text);
  const refs = turns.map((t) => t.reference);
  const histories = turns.map((t) => t.history);
  const allowlist = input.factCheck?.allowlist ?? input.allowlist ?? [];
  const checked = input.factCheck ? await factChecked(input, histories, replies, refs, allowlist) : undefined;
  const baselineHyps = input.baseline ? turns.map((t) => input.baseline!.reply(t.history)) : undefined;
  if (input.predictionsFile) {
    const lines = turns.map((t, i) => JSON.stringify({ id: t.id, context: t.history, reference: t.reference, hypothesis: hyps[i], ...(checked ? { checked: checked.replies[i] } : {}), ...(baselineHyps ? { baseline: baselineHyps[i] } : {}) }));
    await writeFileAtomic(input.predictionsFile, lines.join('\n') + (lines.length ? '\n' : ''));
  }
  return {
    turns: turns.length,
    perWordPerplexity: perWordPerplexity(totalNll, words, turns.length),
    perTokenPerplexity: Math.exp(totalNll / Math.max(1, totalTokens)),
    model: quality(hyps, refs),
    referenceAvgLength: averageLength(refs),
    baseline: baselineHyps ? quality(baselineHyps, refs) : undefined,
    modelVersion: input.model.manifest.version,
    trainingMinutes: typeof input.model.manifest.training.seconds === 'number' ? input.model.manifest.training.seconds / 60 : null,
    msPerToken: generationMs / Math.max(1, generatedTokens),
    strategy: input.generate?.strategy ?? 'greedy',
    seconds: Math.round((Date.now() - started) / 1000),
    ...groundingFigures(histories, hyps, refs, allowlist, input.model.claims),
    ...(checked ? { fact_check: checked.figures } : {}),
    ...byTopics(turns, hyps),
  };
}

/** BLEU-4 split by how many topics each turn's dialogue covers (nothing when no turn says). */
function byTopics(turns: EvalTurn[], hyps: string[]): Pick<EvalReport, 'by_topics'> {
  if (!turns.some((t) => t.topics !== undefined)) return {};
  const figures = (multi: boolean): TopicFigures => {
    const picked = turns.flatMap((t, i) => ((t.topics ?? 0) > 1 === multi ? [i] : []));
    return { turns: picked.length, bleu4: picked.length ? corpusBleu(picked.map((i) => hyps[i]), picked.map((i) => turns[i].reference)) : 0 };
  };
  return { by_topics: { single: figures(false), multi: figures(true) } };
}

/** The replies the fact check lets through, and their figures. */
async function factChecked(input: EvaluateInput, histories: Turn[][], generated: Reply[], refs: string[], allowlist: string[]): Promise<{ replies: string[]; figures: FactCheckedFigures }> {
  const { replies, fallbacks, replaced } = await applyFactCheck(input.generator, histories, generated, { allowlist, candidates: input.factCheck?.candidates, generate: input.generate });
  const n = Math.max(1, histories.length);
  const g = groundingFigures(histories, replies, refs, allowlist, input.model.claims);
  return { replies, figures: { unsupported_fact_rate: g.unsupported_fact_rate, ...(g.contradiction_rate === undefined ? {} : { contradiction_rate: g.contradiction_rate }), inform_recall: g.inform_recall, fallback_rate: fallbacks / n, replaced_rate: replaced / n, bleu4: corpusBleu(replies, refs) } };
}

/**
 * The fact check as the engine runs it, over replies already generated: a
 * reply stating an unsupported fact is replaced by the first of its
 * alternatives, then of `candidates` new ones (default 4), that passes
 * (`passingCandidate`), else by the fallback text.
 */
export async function applyFactCheck(
  generator: LstmGenerator,
  histories: Turn[][],
  generated: Array<Pick<Reply, 'text' | 'alternatives'>>,
  opts: { allowlist?: string[]; candidates?: number; generate?: Partial<GenerateOptions> } = {},
): Promise<{ replies: string[]; fallbacks: number; replaced: number }> {
  const candidates = opts.candidates ?? 4;
  const replies: string[] = [];
  let fallbacks = 0;
  let replaced = 0;
  for (const [i, history] of histories.entries()) {
    const support = factSupport(history, opts.allowlist ?? [], generator.claims);
    const { text: first, alternatives } = generated[i];
    let text: string | undefined = checkReply(first, support).passed ? first : undefined;
    if (text === undefined) {
      text = (await passingCandidate(generator, history, support, { alternatives, candidates, rejected: first, generate: opts.generate }))?.text;
      if (text !== undefined) replaced++;
      else fallbacks++;
    }
    replies.push(text ?? FALLBACK_TEXT);
  }
  return { replies, fallbacks, replaced };
}

/** The report as a plain-text table. */
export function formatReport(r: EvalReport): string {
  const row = (name: string, q: ReplyQuality | undefined, ppl: string) =>
    q ? `${name.padEnd(22)} ${ppl.padStart(9)} ${q.bleu4.toFixed(2).padStart(7)} ${q.distinct1.toFixed(3).padStart(7)} ${q.distinct2.toFixed(3).padStart(7)} ${q.avgLength.toFixed(1).padStart(7)}` : '';
  return [
    `${r.turns} bot turns, model ${r.modelVersion}, ${r.strategy} decoding, ${r.seconds}s`,
    `${'system'.padEnd(22)} ${'ppl/word'.padStart(9)} ${'BLEU-4'.padStart(7)} ${'dist-1'.padStart(7)} ${'dist-2'.padStart(7)} ${'avg len'.padStart(7)}`,
    row('colloquy LSTM', r.model, r.perWordPerplexity.toFixed(2)),
    row('retrieval (TF-IDF)', r.baseline, '—'),
    `per-token perplexity ${r.perTokenPerplexity.toFixed(2)}; reference avg len ${r.referenceAvgLength.toFixed(1)}`,
    `trained ${r.trainingMinutes == null ? '—' : `${r.trainingMinutes.toFixed(1)} min`}; replies took ${r.msPerToken.toFixed(2)} ms/token`,
    `unsupported facts: replies ${pct(r.unsupported_fact_rate)}, references ${pct(r.reference_unsupported_fact_rate)}; inform recall ${pct(r.inform_recall)}`,
    r.contradiction_rate === undefined ? '' : `contradicting the action just before: replies ${pct(r.contradiction_rate)}, references ${pct(r.reference_contradiction_rate!)}`,
    r.fact_check
      ? `with the fact check: unsupported ${pct(r.fact_check.unsupported_fact_rate)}${r.fact_check.contradiction_rate === undefined ? '' : `, contradicting ${pct(r.fact_check.contradiction_rate)}`}, fallbacks ${pct(r.fact_check.fallback_rate)}, replaced ${pct(r.fact_check.replaced_rate)}, inform recall ${pct(r.fact_check.inform_recall)}, BLEU-4 ${r.fact_check.bleu4.toFixed(2)}`
      : '',
    r.by_topics
      ? `single-topic dialogues: ${r.by_topics.single.turns} turns, BLEU-4 ${r.by_topics.single.bleu4.toFixed(2)}; multi-topic: ${r.by_topics.multi.turns} turns, BLEU-4 ${r.by_topics.multi.bleu4.toFixed(2)}`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

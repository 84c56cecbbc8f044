import { disposeState } from '../model/lstm.ts';
import { createRng } from '../util/random.ts';
import type { StepDecoder } from './decoder.ts';
import type { GenerateOptions } from './options.ts';
import { readPrompt, type PrefixCache } from './prefix-cache.ts';
import { argmax, logSoftmax, penalizeRepeats, sampleToken, topIndices } from './sampling.ts';

/** The token ids a search produced, with each one's log-probability under the model. */
export interface SearchResult {
  ids: number[];
  logProbs: number[];
  /** True when the reply hit maxTokens before the end-of-turn token. */
  truncated: boolean;
}

export interface SearchContext {
  decoder: StepDecoder;
  /** Where a finished reply leaves its state, and a prompt looks for its start (greedy and sampled replies). */
  cache?: PrefixCache | null;
  /** End-of-turn token: generation stops there. */
  eot: number;
  /** Tokens that may never be generated (role tags, padding). */
  banned: number[];
  /** Tokens pushed up: token id → what is added to its logit (consensus's steered candidates, toward the facts a reply likely states). */
  favoured?: ReadonlyMap<number, number>;
  opts: GenerateOptions;
}

function adjust(ctx: Omit<SearchContext, 'decoder'>, logits: Float32Array, reply: number[]): Float32Array {
  const out = penalizeRepeats(logits, reply, ctx.opts.repetitionPenalty, new Set([ctx.eot]));
  for (const id of ctx.banned) out[id] = -Infinity;
  for (const [id, bonus] of ctx.favoured ?? []) out[id] += bonus;
  if (reply.length === 0) out[ctx.eot] = -Infinity; // a reply has at least one token
  return out;
}

/**
 * The next token of a greedy or sampled reply (after the repetition penalty
 * and bans) and its log-probability under the model. Shared by the
 * one-at-a-time and the batched decoders, so both choose alike.
 */
export function chooseToken(ctx: Omit<SearchContext, 'decoder'>, logits: Float32Array, reply: number[], rng: () => number): { id: number; logProb: number } {
  const { opts } = ctx;
  const scores = adjust(ctx, logits, reply);
  const id = opts.strategy === 'sample' ? sampleToken(logSoftmax(scores, opts.temperature), rng, opts.topK, opts.topP) : argmax(scores);
  return { id, logProb: logProbOf(logits, id) };
}

/** log-softmax(logits)[id] without building the whole [V] array (the same float32 value). */
export function logProbOf(logits: Float32Array, id: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return Math.fround(logits[id] - (max + Math.log(sum)));
}

/**
 * Greedy or sampled decoding, one token at a time; `onToken` sees each token
 * as soon as it is chosen, so replies stream.
 */
export async function decodeSequential(ctx: SearchContext, prompt: number[], onToken: (id: number) => void): Promise<SearchResult> {
  const { decoder, opts, cache = null } = ctx;
  const rng = createRng(opts.seed);
  let { state, logits } = readPrompt(decoder, prompt, cache);
  const ids: number[] = [];
  const logProbs: number[] = [];
  // The state has read the prompt and every reply token so far: a finished reply leaves it in the cache.
  const finish = (truncated: boolean): SearchResult => {
    if (cache) cache.put([...prompt, ...ids], state);
    else disposeState(state);
    state = [];
    return { ids, logProbs, truncated };
  };
  try {
    for (let n = 0; n < opts.maxTokens; n++) {
      const { id, logProb } = chooseToken(ctx, logits, ids, rng);
      logProbs.push(logProb);
      if (id === ctx.eot) return finish(false);
      ids.push(id);
      onToken(id);
      const r = decoder.step([id], state);
      state = r.state;
      logits = r.logits[0];
      await new Promise((resolve) => setImmediate(resolve)); // let the stream flush between tokens
    }
    return finish(true);
  } finally {
    disposeState(state);
  }
}

interface Beam {
  ids: number[];
  logProbs: number[];
  score: number;
}

/**
 * Beam search with length normalization (score / length^alpha). All live
 * beams advance in one batched step.
 */
export async function decodeBeam(ctx: SearchContext, prompt: number[]): Promise<SearchResult> {
  const { decoder, opts } = ctx;
  const K = opts.beamSize;
  const first = decoder.prefill(prompt);
  let state = first.state;
  let live: Beam[] = [{ ids: [], logProbs: [], score: 0 }];
  let rows = [first.logits];
  const done: Beam[] = [];
  const norm = (b: Beam) => b.score / Math.pow(Math.max(1, b.logProbs.length), opts.lengthPenalty);
  try {
    for (let n = 0; n < opts.maxTokens && live.length > 0; n++) {
      const candidates: Array<{ parent: number; id: number; beam: Beam }> = [];
      live.forEach((beam, parent) => {
        const lp = logSoftmax(adjust(ctx, rows[parent], beam.ids));
        const raw = logSoftmax(rows[parent]);
        for (const id of topIndices(lp, K)) {
          if (!Number.isFinite(lp[id])) continue;
          candidates.push({ parent, id, beam: { ids: id === ctx.eot ? beam.ids : [...beam.ids, id], logProbs: [...beam.logProbs, raw[id]], score: beam.score + lp[id] } });
        }
      });
      candidates.sort((a, b) => b.beam.score - a.beam.score);
      const next: typeof candidates = [];
      for (const c of candidates) {
        if (c.id === ctx.eot) done.push(c.beam);
        else if (next.length < K) next.push(c);
        if (next.length === K) break;
      }
      // Stop when no live beam can beat the best finished one.
      const bestDone = done.length ? Math.max(...done.map(norm)) : -Infinity;
      live = next.map((c) => c.beam).filter((b) => norm(b) > bestDone);
      const kept = next.filter((c) => norm(c.beam) > bestDone);
      if (kept.length === 0) break;
      state = decoder.select(state, kept.map((c) => c.parent));
      const r = decoder.step(kept.map((c) => c.id), state);
      state = r.state;
      rows = r.logits;
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    disposeState(state);
  }
  const pool = done.length ? done : live;
  if (pool.length === 0) return { ids: [], logProbs: [], truncated: true };
  const best = pool.reduce((a, b) => (norm(b) > norm(a) ? b : a));
  return { ids: best.ids, logProbs: best.logProbs, truncated: done.length === 0 };
}

/**
 * Upgrading a model trained before action turns: its tokenizer gains `<act>`
 * as a new last id, and its weights one row for it — a copy of `<user>`'s,
 * the role the old model read action turns as — so fine-tuning starts from
 * exactly the old behaviour and every other id keeps its weights.
 */
import type { Tokenizer } from '../tokenizer/index.ts';
import type { ModelConfig } from './config.ts';
import { ColloquyError } from '../errors.ts';

/** Weights as named arrays (the form warm starts and checkpoints use). */
export type WeightArrays = Map<string, Float32Array>;

/**
 * The tokenizer, config and weights with `<act>` added (unchanged when the
 * tokenizer already has it).
 *
 * @example
 * const up = withActionToken(model.tokenizer, model.config, await snapshotParams(model.params));
 */
export function withActionToken(tokenizer: Tokenizer, config: ModelConfig, weights: WeightArrays): { tokenizer: Tokenizer; config: ModelConfig; weights: WeightArrays } {
  if (tokenizer.act !== undefined) return { tokenizer, config, weights };
  const grown = tokenizer.withActionToken();
  const V = config.vocabSize;
  const from = tokenizer.user;
  const out = new Map(weights);
  const embedding = weights.get('embedding');
  const outW = weights.get('out.w');
  const outB = weights.get('out.b');
  if (!embedding || !outW || !outB) throw new ColloquyError('model_file_corrupt', 'The model weights lack embedding, out.w or out.b', 'The model directory is incomplete: train or copy it again.');
  const E = config.embedDim;
  const H = config.hiddenSize;
  const emb = new Float32Array((V + 1) * E);
  emb.set(embedding);
  emb.set(embedding.subarray(from * E, (from + 1) * E), V * E);
  const w = new Float32Array(H * (V + 1));
  for (let h = 0; h < H; h++) {
    w.set(outW.subarray(h * V, (h + 1) * V), h * (V + 1));
    w[h * (V + 1) + V] = outW[h * V + from];
  }
  const b = new Float32Array(V + 1);
  b.set(outB);
  b[V] = outB[from];
  out.set('embedding', emb).set('out.w', w).set('out.b', b);
  return { tokenizer: grown, config: { ...config, vocabSize: V + 1 }, weights: out };
}

/**
 * Generation speed at batch 1: ms per token with carried (h, c) (StepDecoder,
 * one step per token, token choice included) against re-running the last
 * 32-token window for every token (what stateless LSTM text generators do);
 * and time to first token of a reply through LstmGenerator, history prefill
 * included.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Turn } from '../src/data/dialogue.ts';
import { StepDecoder } from '../src/generation/decoder.ts';
import type { LstmGenerator } from '../src/generation/generator.ts';
import { resolveGenerateOptions } from '../src/generation/options.ts';
import { chooseToken } from '../src/generation/search.ts';
import { argmax } from '../src/generation/sampling.ts';
import { project, runSequence, zeroState } from '../src/model/lstm.ts';
import type { GeneratorParams } from '../src/model/params.ts';

/** Greedy choice that never ends the reply (so every measurement runs `tokens` steps). */
const endless = (eot: number) => ({ eot, banned: [0, 1, 2, 3, eot], opts: resolveGenerateOptions({ repetitionPenalty: 1 }) });

/** ms/token of greedy decoding with carried state: prefill `prompt`, then `tokens` steps. */
export function carriedMsPerToken(decoder: StepDecoder, prompt: number[], tokens: number, eot: number): number {
  const rules = endless(eot);
  let { state, logits } = decoder.prefill(prompt);
  const reply: number[] = [];
  const t0 = performance.now();
  for (let n = 0; n < tokens; n++) {
    const { id } = chooseToken(rules, logits, reply, Math.random);
    reply.push(id);
    const r = decoder.step([id], state);
    state = r.state;
    logits = r.logits[0];
  }
  const ms = (performance.now() - t0) / tokens;
  decoder.disposeState(state);
  return ms;
}

/** ms/token when every token re-reads the last `window` tokens from a zero state (the baseline). */
export function windowMsPerToken(params: GeneratorParams, prompt: number[], tokens: number, window = 32): number {
  const seq = [...prompt];
  const t0 = performance.now();
  for (let n = 0; n < tokens; n++) {
    const ids = seq.slice(-window);
    const logits = tf.tidy(() => {
      const r = runSequence(params, tf.tensor2d(Int32Array.from(ids), [ids.length, 1], 'int32'), zeroState(params, 1));
      return project(params, tf.slice(r.hidden, [ids.length - 1, 0], [1, -1]) as tf.Tensor2D).dataSync() as Float32Array;
    });
    seq.push(argmax(logits));
  }
  return (performance.now() - t0) / tokens;
}

/** ms from `reply()` to the first streamed piece, for a conversation so far. */
export async function timeToFirstToken(generator: LstmGenerator, history: Turn[]): Promise<number> {
  const t0 = performance.now();
  const stream = generator.reply(history);
  let ms = NaN;
  for await (const piece of stream) {
    if (piece && Number.isNaN(ms)) ms = performance.now() - t0;
  }
  await stream.result;
  return ms;
}

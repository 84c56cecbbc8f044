/**
 * Generation speed at batch 1: ms per token with carried (h, c) (StepDecoder,
 * one step per token, token choice included) against re-running the last
 * 32-token window for every token (what stateless LSTM text generators do);
 * and time to first token of a reply through LstmGenerator, history prefill
 * included (a new conversation) or from the prefix cache (one that goes on);
 * and what one decoder step costs per row at a batch size (the ceiling of
 * what batching can give). `withoutLstmKernel` runs a measurement with the
 * LSTM as tf ops a step, the baseline of the one-kernel read.
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
import { LSTM_STEPS } from '../src/runtime/kernels/lstm-steps-wasm.ts';

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

/**
 * Context budget of the time-to-first-token figures: room for the whole
 * history plus a reply, so that a conversation going on is not cut (a cut
 * history is read in full, cache or not).
 */
const TTFT_CONTEXT = { contextTokens: 1024 };

/** ms from `reply()` to the first streamed piece, for a conversation so far. */
export async function timeToFirstToken(generator: LstmGenerator, history: Turn[]): Promise<number> {
  const t0 = performance.now();
  const stream = generator.reply(history, TTFT_CONTEXT);
  let ms = NaN;
  for await (const piece of stream) {
    if (piece && Number.isNaN(ms)) ms = performance.now() - t0;
  }
  await stream.result;
  return ms;
}

/**
 * Time to first token of the history's last reply when the conversation's
 * previous reply is in the generator's prefix cache: the history up to the
 * user turn before its last bot turn is answered first (untimed), that reply
 * joins the history, then the last user turn is timed.
 */
export async function continuingTimeToFirstToken(generator: LstmGenerator, history: Turn[]): Promise<number> {
  const lastBot = history.map((t) => t.speaker).lastIndexOf('bot');
  const earlier = history.slice(0, lastBot);
  const previous = await generator.reply(earlier, TTFT_CONTEXT).result;
  return timeToFirstToken(generator, [...earlier, { speaker: 'bot', text: previous.text }, ...history.slice(lastBot + 1)]);
}

/** ms per row of one decoder step (every row wanting logits) at a batch size, median of `steps`. */
export function stepMsPerRow(decoder: StepDecoder, batch: number, steps: number): number {
  let state = decoder.emptyState(batch);
  const tokens = Array.from({ length: batch }, (_, i) => 10 + (i % 50));
  const times: number[] = [];
  for (let n = 0; n < steps; n++) {
    const t0 = performance.now();
    const r = decoder.step(tokens, state);
    times.push(performance.now() - t0);
    state = r.state;
  }
  decoder.disposeState(state);
  times.sort((a, b) => a - b);
  return times[times.length >> 1] / batch;
}

/** Runs `measure` with the wasm LSTM kernel unregistered (src/model/lstm.ts then steps with tf ops), restoring it after. */
export async function withoutLstmKernel<T>(measure: () => T | Promise<T>): Promise<T> {
  const kernel = tf.getKernel(LSTM_STEPS, 'wasm');
  if (kernel) tf.unregisterKernel(LSTM_STEPS, 'wasm');
  try {
    return await measure();
  } finally {
    if (kernel) tf.registerKernel(kernel);
  }
}

import * as tf from '@tensorflow/tfjs-core';
import { encodePrompt } from '../model/encode.ts';
import { disposeState, project, runSequence, zeroState } from '../model/lstm.ts';
import { rowNll } from '../model/loss.ts';
import type { LoadedModel } from '../model/model-dir.ts';
import type { EvalTurn } from './eval-turns.ts';
import { copyMasks, copyTargetLogProb, statesBefore } from '../model/copy.ts';

/** Teacher-forced negative log-likelihood of one reference reply. */
export interface ReplyNll {
  /** Total NLL in nats over the reply's tokens and its end-of-turn. */
  nll: number;
  /** Reply tokens + 1 (the end-of-turn). */
  tokens: number;
}

/**
 * Scores reference replies under the model, as the model would see them when
 * replying (the same context budget), in batches: sequences are right-padded,
 * so padding never reaches the scored positions.
 */
export function scoreReferences(model: LoadedModel, turns: EvalTurn[], contextTokens: number, batch = 32): ReplyNll[] {
  const tok = model.tokenizer;
  const out: ReplyNll[] = [];
  for (let start = 0; start < turns.length; start += batch) {
    const group = turns.slice(start, start + batch);
    const seqs = group.map((t) => {
      const { ids: prompt, slots } = encodePrompt(tok, t.history, contextTokens);
      return { prompt, ids: [...prompt, ...tok.encode(t.reference, slots), tok.eot] };
    });
    const B = seqs.length;
    const T = Math.max(...seqs.map((s) => s.ids.length)) - 1;
    const inputs = new Int32Array(T * B);
    const positions: number[] = [];
    const labels: number[] = [];
    const owner: number[] = [];
    seqs.forEach((s, b) => {
      for (let t = 0; t < s.ids.length - 1; t++) inputs[t * B + b] = s.ids[t];
      for (let t = s.prompt.length - 1; t < s.ids.length - 1; t++) {
        positions.push(t * B + b);
        labels.push(s.ids[t + 1]);
        owner.push(b);
      }
    });
    const nll = tf.tidy(() => {
      const state = zeroState(model.params, B);
      const r = runSequence(model.params, tf.tensor2d(inputs, [T, B], 'int32'), state);
      const pos = tf.tensor1d(Int32Array.from(positions), 'int32');
      const rows = tf.gather(r.hidden, pos) as tf.Tensor2D;
      const labelIds = tf.tensor1d(Int32Array.from(labels), 'int32');
      const copy = model.params.copy;
      // Copy models: the NLL of the mixture the decoder samples from, so perplexity is the real one.
      const values = copy
        ? tf.neg(
            copyTargetLogProb(copy, {
              hidden: r.hidden,
              before: statesBefore(r.hidden, state[state.length - 1].h, undefined, B),
              B,
              positions: pos,
              logits: project(model.params, rows),
              labels: labelIds,
              masks: copyMasks(undefined, inputs, B, Int32Array.from(positions), Int32Array.from(labels), copy.window),
            }),
          )
        : tf.tensor1d(rowNll(project(model.params, rows), labelIds));
      disposeState(state);
      return values;
    });
    const values = nll.dataSync();
    nll.dispose();
    const sums = group.map(() => ({ nll: 0, tokens: 0 }));
    owner.forEach((b, i) => {
      sums[b].nll += values[i];
      sums[b].tokens += 1;
    });
    out.push(...sums);
  }
  return out;
}

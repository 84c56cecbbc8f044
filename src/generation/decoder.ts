import * as tf from '@tensorflow/tfjs-core';
import { decodeStep, disposeState, inputTable, keepState, runSequence, project, zeroState, type LayerState } from '../model/lstm.ts';
import type { GeneratorParams } from '../model/params.ts';
import { tidyKeep } from '../util/tidy.ts';

/**
 * Stateful step-by-step decoding with carried (h, c): the history is read
 * once (prefill), then each new token costs one step — never a re-run of the
 * whole sequence.
 */
export class StepDecoder {
  private readonly table: tf.Tensor2D;

  constructor(private readonly params: GeneratorParams) {
    this.table = inputTable(params);
  }

  /**
   * Reads a prompt and returns the state after it plus the logits for the
   * token that follows. @param ids the prompt, at least one token
   */
  prefill(ids: number[]): { state: LayerState[]; logits: Float32Array } {
    return tidyKeep(() => {
      const start = zeroState(this.params, 1);
      const r = runSequence(this.params, tf.tensor2d(Int32Array.from(ids), [ids.length, 1], 'int32'), start);
      const last = tf.slice(r.hidden, [ids.length - 1, 0], [1, -1]) as tf.Tensor2D;
      const logits = project(this.params, last).dataSync() as Float32Array;
      return { state: keepState(r.state), logits: logits.slice() };
    });
  }

  /**
   * Feeds one token to each of n sequences at once.
   * @param tokens the last token of each sequence
   * @param state batched state, [n, H] per layer; freed here
   * @returns the new state and n rows of logits
   */
  step(tokens: number[], state: LayerState[]): { state: LayerState[]; logits: Float32Array[] } {
    const n = tokens.length;
    const out = tidyKeep(() => {
      const r = decodeStep(this.params, this.table, tf.tensor1d(Int32Array.from(tokens), 'int32'), state);
      return { state: keepState(r.state), flat: r.logits.dataSync() as Float32Array };
    });
    disposeState(state);
    const V = out.flat.length / n;
    return { state: out.state, logits: Array.from({ length: n }, (_, i) => out.flat.slice(i * V, (i + 1) * V)) };
  }

  /** Picks rows of a batched state (beam search reorders beams). Frees the input. */
  select(state: LayerState[], rows: number[]): LayerState[] {
    const next = tidyKeep(() => {
      const idx = tf.tensor1d(Int32Array.from(rows), 'int32');
      return keepState(state.map(({ h, c }) => ({ h: tf.gather(h, idx) as tf.Tensor2D, c: tf.gather(c, idx) as tf.Tensor2D })));
    });
    disposeState(state);
    return next;
  }

  /** Frees the precomputed input table. */
  dispose(): void {
    this.table.dispose();
  }
}

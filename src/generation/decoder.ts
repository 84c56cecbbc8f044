import * as tf from '@tensorflow/tfjs-core';
import { decodeStepFrom, disposeState, inputTable, keepState, runSequence, project, zeroState, type LayerState } from '../model/lstm.ts';
import type { GeneratorParams } from '../model/params.ts';
import { tidyKeep } from '../util/tidy.ts';
import { CopyDecoding, type SequenceMemory } from '../model/copy-step.ts';

/**
 * The carried state of n sequences, one row each. Only StepDecoder knows its
 * layout: callers make it with `emptyState`/`prefill`/`prefillChunk`, move
 * rows with `concatStates`/`select`/`splitState` and free it with
 * `disposeState`, so per-sequence state can grow without touching them.
 */
export type DecoderState = LayerState[];

/**
 * Stateful step-by-step decoding with carried (h, c): the history is read
 * once (prefill), then each new token costs one step — never a re-run of the
 * whole sequence.
 */
export class StepDecoder {
  /**
   * The first layer's input projection of every token, [V, 4H] row-major, in
   * JS memory: a step copies its tokens' rows (a memcpy each; the stock wasm
   * gather kernel costs ~25 ns per element, 1.3 ms at 50 sequences).
   */
  private readonly table: Float32Array;
  private readonly width: number;
  /**
   * Copy models (src/model/copy-step.ts): each state also carries, per row,
   * the memory the reply can copy from; every method below that makes a state
   * records its rows' memories here, and the logits it returns are then the
   * log-probabilities of the copy mixture.
   */
  private readonly copy: CopyDecoding | null;
  private readonly memories = new WeakMap<DecoderState, SequenceMemory[]>();

  constructor(private readonly params: GeneratorParams) {
    const t = inputTable(params);
    this.width = t.shape[1];
    this.table = t.dataSync() as Float32Array;
    t.dispose();
    this.copy = params.copy ? new CopyDecoding(params) : null;
  }

  /** The copy memories of a state's rows (copy models only). */
  private memoryOf(state: DecoderState): SequenceMemory[] {
    const m = this.memories.get(state);
    if (!m) throw new Error('StepDecoder: this state was not made by this decoder (no copy memory)');
    return m;
  }

  /** Records a new state's memories and returns the state. */
  private withMemory(state: DecoderState, memories: SequenceMemory[]): DecoderState {
    this.memories.set(state, memories);
    return state;
  }

  /** Copy models: the mixture's log-probabilities for the rows `wanted` of a read, from their vocabulary logits. */
  private mixRows(read: ReturnType<CopyDecoding['read']>, wanted: number[], logits: Float32Array[]): Float32Array[] {
    return logits.map((l, i) => this.copy!.mix(l, read.memories[wanted[i]], read.last[wanted[i]].q, read.last[wanted[i]].z));
  }

  /** The input-table rows of `tokens`, [n, 4H]. */
  private inputRows(tokens: number[]): tf.Tensor2D {
    const W = this.width;
    const rows = new Float32Array(tokens.length * W);
    tokens.forEach((id, i) => rows.set(this.table.subarray(id * W, (id + 1) * W), i * W));
    return tf.tensor2d(rows, [tokens.length, W]);
  }

  /**
   * Reads a prompt and returns the state after it plus the logits for the
   * token that follows. @param ids the prompt, at least one token
   */
  prefill(ids: number[]): { state: DecoderState; logits: Float32Array } {
    return tidyKeep(() => {
      const start = zeroState(this.params, 1);
      const r = runSequence(this.params, tf.tensor2d(Int32Array.from(ids), [ids.length, 1], 'int32'), start);
      const last = tf.slice(r.hidden, [ids.length - 1, 0], [1, -1]) as tf.Tensor2D;
      const logits = project(this.params, last).dataSync() as Float32Array;
      if (this.copy) {
        const c = this.copy.read([ids], [this.copy.empty()], r.hidden);
        return { state: this.withMemory(keepState(r.state), c.memories), logits: this.mixRows(c, [0], [logits.slice()])[0] };
      }
      return { state: keepState(r.state), logits: logits.slice() };
    });
  }

  /** A state of `n` sequences that have read nothing yet. */
  emptyState(n: number): DecoderState {
    const state = tidyKeep(() => keepState(zeroState(this.params, n)));
    return this.copy ? this.withMemory(state, Array.from({ length: n }, () => this.copy!.empty())) : state;
  }

  /**
   * Reads the next tokens of n prompts in one pass, continuing each one's
   * state (the rows of `state`, in order; freed). Pieces are right-aligned
   * to the longest; before a shorter piece, a `fresh` row (the prompt's first
   * tokens) is zeroed where it starts and any other row holds its state, so
   * padding changes nothing. Each row ends as it would after reading its
   * tokens alone.
   * @param wantLogits rows whose logits for the following token are needed
   * @returns the new state and, for each of `wantLogits`, its logits
   */
  prefillChunk(pieces: Array<{ tokens: number[]; fresh: boolean }>, state: DecoderState, wantLogits: number[]): { state: DecoderState; logits: Float32Array[] } {
    const B = pieces.length;
    const C = Math.max(...pieces.map((p) => p.tokens.length));
    const ids = new Int32Array(C * B);
    let keep: Float32Array | undefined;
    let hold: Float32Array | undefined;
    pieces.forEach(({ tokens, fresh }, b) => {
      const start = C - tokens.length;
      tokens.forEach((id, t) => (ids[(start + t) * B + b] = id));
      if (start === 0) return;
      if (fresh) (keep ??= new Float32Array(C * B).fill(1))[start * B + b] = 0;
      else {
        hold ??= new Float32Array(C * B).fill(1);
        for (let t = 0; t < start; t++) hold[t * B + b] = 0;
      }
    });
    let copied: ReturnType<CopyDecoding['read']> | null = null;
    const out = tidyKeep(() => {
      const r = runSequence(this.params, tf.tensor2d(ids, [C, B], 'int32'), state, { keep, hold });
      let flat: Float32Array = new Float32Array(0);
      if (wantLogits.length > 0) {
        const last = tf.gather(r.hidden, tf.tensor1d(Int32Array.from(wantLogits, (b) => (C - 1) * B + b), 'int32')) as tf.Tensor2D;
        flat = project(this.params, last).dataSync() as Float32Array;
      }
      if (this.copy) copied = this.copy.read(pieces.map((p) => p.tokens), this.memoryOf(state), r.hidden);
      return { state: keepState(r.state), flat };
    });
    disposeState(state);
    const V = wantLogits.length ? out.flat.length / wantLogits.length : 0;
    const logits = wantLogits.map((_, i) => out.flat.slice(i * V, (i + 1) * V));
    if (!copied) return { state: out.state, logits };
    const c: ReturnType<CopyDecoding['read']> = copied;
    return { state: this.withMemory(out.state, c.memories), logits: this.mixRows(c, wantLogits, logits) };
  }

  /**
   * Splits a batched state in two: the given rows (in that order) and the
   * rest (in their order; null when none is left). Frees the input.
   */
  splitState(state: DecoderState, rows: number[]): { picked: DecoderState; rest: DecoderState | null } {
    const chosen = new Set(rows);
    const others = Array.from({ length: this.rows(state) }, (_, i) => i).filter((i) => !chosen.has(i));
    const picked = tidyKeep(() => keepState(this.gatherRows(state, rows)));
    const rest = others.length ? tidyKeep(() => keepState(this.gatherRows(state, others))) : null;
    if (this.copy) {
      const m = this.memoryOf(state);
      this.withMemory(picked, rows.map((r) => m[r]));
      if (rest) this.withMemory(rest, others.map((r) => m[r]));
    }
    disposeState(state);
    return { picked, rest };
  }

  /** Copies rows of a batched state out, one single-row state each (the input stays as it is). */
  rowStates(state: DecoderState, rows: number[]): DecoderState[] {
    return rows.map((row) => {
      const one = tidyKeep(() => keepState(this.gatherRows(state, [row])));
      return this.copy ? this.withMemory(one, [this.memoryOf(state)[row]]) : one;
    });
  }

  private gatherRows(state: DecoderState, rows: number[]): DecoderState {
    const idx = tf.tensor1d(Int32Array.from(rows), 'int32');
    return state.map(({ h, c }) => ({ h: tf.gather(h, idx) as tf.Tensor2D, c: tf.gather(c, idx) as tf.Tensor2D }));
  }

  /**
   * Feeds one token to each of n sequences at once.
   * @param tokens the next token of each sequence (its last reply token, or
   *   the next token of a prompt it is still reading)
   * @param state batched state, [n, H] per layer; freed here
   * @param logitRows rows that need logits (default all), in that order
   * @returns the new state and the logits of `logitRows`
   */
  step(tokens: number[], state: DecoderState, logitRows?: number[]): { state: DecoderState; logits: Float32Array[] } {
    const n = logitRows?.length ?? tokens.length;
    const all = logitRows === undefined || (logitRows.length === tokens.length && logitRows.every((r, i) => r === i));
    let copied: ReturnType<CopyDecoding['read']> | null = null;
    const out = tidyKeep(() => {
      const r = all ? decodeStepFrom(this.params, this.inputRows(tokens), state) : decodeStepFrom(this.params, this.inputRows(tokens), state, logitRows);
      if (this.copy) copied = this.copy.read(tokens.map((t) => [t]), this.memoryOf(state), r.state[r.state.length - 1].h);
      return { state: keepState(r.state), flat: r.logits ? (r.logits.dataSync() as Float32Array) : new Float32Array(0) };
    });
    disposeState(state);
    const V = n ? out.flat.length / n : 0;
    const logits = Array.from({ length: n }, (_, i) => out.flat.slice(i * V, (i + 1) * V));
    if (!copied) return { state: out.state, logits };
    // Copy models: the memory moves on for every row; the mixture replaces the logits of the rows asked for.
    const c: ReturnType<CopyDecoding['read']> = copied;
    return { state: this.withMemory(out.state, c.memories), logits: this.mixRows(c, logitRows ?? tokens.map((_, i) => i), logits) };
  }

  /**
   * Picks rows of a batched state (beam search reorders beams; finished
   * sequences leave a batch). Frees the input.
   */
  select(state: DecoderState, rows: number[]): DecoderState {
    if (rows.length === this.rows(state) && rows.every((r, i) => r === i)) return state;
    const next = tidyKeep(() => keepState(this.gatherRows(state, rows)));
    if (this.copy) this.withMemory(next, rows.map((r) => this.memoryOf(state)[r]));
    disposeState(state);
    return next;
  }

  /**
   * Stacks the rows of several states into one batch, in order (a sequence
   * joins a batch). Frees the inputs.
   */
  concatStates(states: DecoderState[]): DecoderState {
    if (states.length === 1) return states[0];
    const next = tidyKeep(() =>
      keepState(this.params.layers.map((_, l) => ({ h: tf.concat(states.map((s) => s[l].h)) as tf.Tensor2D, c: tf.concat(states.map((s) => s[l].c)) as tf.Tensor2D }))),
    );
    if (this.copy) this.withMemory(next, states.flatMap((s) => this.memoryOf(s)));
    for (const s of states) disposeState(s);
    return next;
  }

  /** How many sequences (rows) a state holds. */
  rows(state: DecoderState): number {
    return state[0].h.shape[0];
  }

  /** Frees a state. */
  disposeState(state: DecoderState): void {
    disposeState(state);
  }

  /** Frees the copy weights of a copy model (the input table lives in JS memory). */
  dispose(): void {
    this.copy?.dispose();
  }
}

import type { EncodedDialogue } from '../model/encode.ts';
import { SPECIAL_TOKENS } from '../tokenizer/index.ts';

/** The `<dlg>` token id: where a dialogue starts in a stream. */
const DIALOGUE_START = SPECIAL_TOKENS.indexOf('<dlg>');

/** One truncated-BPTT chunk, time-major: element t*B+b is stream b at step t. */
export interface Chunk {
  /** int32 [T*B] inputs */ inputs: Int32Array;
  /** Rows (t*B+b) whose next token is a training target. */
  positions: Int32Array;
  /** The target token for each position. */
  labels: Int32Array;
  /** Every non-padding input token (for tokens/s). */
  tokens: number;
  /** 0 where an input starts a dialogue (the state is reset there), else 1; undefined when no dialogue starts in the chunk. */
  keep?: Float32Array;
}

/**
 * Lays the dialogues end to end in `order` and cuts the result into `batch`
 * parallel streams; state is carried along each stream from chunk to chunk,
 * so every token is read once per epoch and the model sees long histories.
 */
export function buildStreams(dialogues: EncodedDialogue[], order: number[], batch: number): { ids: Int32Array; target: Uint8Array; length: number } {
  const total = order.reduce((n, i) => n + dialogues[i].ids.length, 0);
  const length = Math.ceil(total / batch);
  const ids = new Int32Array(length * batch); // padding is id 0 (<pad>), never a target
  const target = new Uint8Array(length * batch);
  let pos = 0;
  for (const i of order) {
    ids.set(dialogues[i].ids, pos);
    target.set(dialogues[i].target, pos);
    pos += dialogues[i].ids.length;
  }
  return { ids, target, length };
}

/** Number of chunks an epoch has for these streams. */
export function chunkCount(streamLength: number, seqLen: number): number {
  return Math.max(0, Math.ceil((streamLength - 1) / seqLen));
}

/** The k-th chunk of the streams (the last one may be shorter). */
export function chunkAt(streams: { ids: Int32Array; target: Uint8Array; length: number }, batch: number, seqLen: number, k: number, dialogueStart = DIALOGUE_START): Chunk {
  const { ids, target, length } = streams;
  const start = k * seqLen;
  const T = Math.min(seqLen, length - 1 - start);
  const inputs = new Int32Array(T * batch);
  const positions: number[] = [];
  const labels: number[] = [];
  let tokens = 0;
  let keep: Float32Array | undefined;
  for (let b = 0; b < batch; b++) {
    const base = b * length + start;
    for (let t = 0; t < T; t++) {
      const id = ids[base + t];
      inputs[t * batch + b] = id;
      if (id !== 0) tokens++;
      if (id === dialogueStart) (keep ??= new Float32Array(T * batch).fill(1))[t * batch + b] = 0;
      if (target[base + t + 1]) {
        positions.push(t * batch + b);
        labels.push(ids[base + t + 1]);
      }
    }
  }
  return { inputs, positions: Int32Array.from(positions), labels: Int32Array.from(labels), tokens, keep };
}

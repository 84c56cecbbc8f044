import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/runtime/backend.ts';
import { initParams, disposeParams } from '../../src/model/params.ts';
import { zeroState, disposeState } from '../../src/model/lstm.ts';
import { evalChunk } from '../../src/training/step.ts';
import { buildStreams, chunkAt } from '../../src/training/stream-batches.ts';

/** A dialogue as the model reads it: <dlg> <user> … <eot> <bot> … <eot>, bot words as targets. */
const dialogue = (words: number[]) => ({
  ids: Int32Array.from([1, 2, ...words, 4, 3, ...words.map((w) => w + 1), 4]),
  target: Uint8Array.from([0, 0, ...words.map(() => 0), 0, 0, ...words.map(() => 1), 1]),
});

describe('dialogues in a training stream', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('start from a zero state, as at inference: a dialogue scores the same whatever came before it', () => {
    const params = initParams({ vocabSize: 40, embedDim: 8, hiddenSize: 16, layers: 2, dropout: 0 }, 3);
    const second = dialogue([20, 21, 22]);
    const score = (first: ReturnType<typeof dialogue>) => {
      const streams = buildStreams([first, second], [0, 1], 1);
      const chunk = chunkAt(streams, 1, 64, 0);
      const r = evalChunk(params, chunk, zeroState(params, 1), 1);
      disposeState(r.state);
      return Array.from(r.nll.slice(-4)); // the second dialogue's four targets
    };

    const afterShort = score(dialogue([5]));
    const afterLong = score(dialogue([9, 10, 11, 12, 13, 14, 15]));

    afterShort.forEach((v, i) => expect(v).toBeCloseTo(afterLong[i], 5));
    disposeParams(params);
  });
});

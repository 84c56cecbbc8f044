import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialogue } from '../../src/data/dialogue.ts';
import { LstmGenerator } from '../../src/generation/generator.ts';
import { loadModel, type LoadedModel } from '../../src/model/model-dir.ts';
import { tempDir, trainTinyModel, user } from '../helpers/tiny.ts';

/** A deterministic 4-digit code per index (digits are single tokens, so a code is 4 pieces). */
const code = (i: number) => String(1000 + ((i * 7919) % 9000));

/** Users give a code; the bot repeats it. A plain LM cannot know an unseen code; a copying one can. */
function codeCorpus(n: number): Dialogue[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `code-${i}`,
    turns: [
      { speaker: 'user', text: `my code is ${code(i)}` },
      { speaker: 'bot', text: `code ${code(i)} is confirmed.` },
    ],
  }));
}

describe('a model trained with --copy-window', () => {
  let dir: string;
  let model: LoadedModel;

  beforeAll(async () => {
    dir = await tempDir('copy-model');
    await trainTinyModel(path.join(dir, 'm'), 'cpu', {
      dialogues: codeCorpus(240),
      model: { copy: { window: 32, keyDim: 16 } },
      training: { epochs: 12, batchSize: 8, seqLen: 16, validFraction: 0.1 },
    });
    model = await loadModel(path.join(dir, 'm'));
  }, 600_000);

  afterAll(async () => {
    model?.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('saves and loads the copy config and weights', async () => {
    const manifest = JSON.parse(await fs.readFile(path.join(dir, 'm', 'manifest.json'), 'utf8'));
    expect(manifest.config.copy).toEqual({ window: 32, keyDim: 16 });
    expect(manifest.weights.map((w: { name: string }) => w.name)).toEqual(expect.arrayContaining(['copy.wq', 'copy.wk', 'copy.wg', 'copy.bg']));
    expect(model.params.copy?.window).toBe(32);
  });

  it('repeats codes it never saw in training, with greedy, beam and batched decoding', async () => {
    const unseen = [5000, 5001, 5002, 5003, 5004].map(code);
    for (const generator of [new LstmGenerator(model, { strategy: 'greedy' }), new LstmGenerator(model, { strategy: 'beam', beamSize: 3 }), new LstmGenerator(model, { strategy: 'greedy' }, { batching: true })]) {
      // Concurrent replies, so the batching generator really decodes them together.
      const replies = await Promise.all(unseen.map((c) => generator.reply([user(`my code is ${c}`)]).result));
      const repeated = replies.filter((r, i) => r.text.includes(unseen[i])).length;
      expect(repeated, replies.map((r) => r.text).join(' | ')).toBeGreaterThanOrEqual(4);
      generator.dispose();
    }
  });
});

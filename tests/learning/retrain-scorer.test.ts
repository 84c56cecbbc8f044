/**
 * `retrain` gives the candidate an out-of-scope scorer learnt from the same
 * dialogues the generator was retrained on, at the size and fallback rate of
 * the active model's scorer (a tiny model, one epoch: the gate's verdict does
 * not matter here, the candidate is kept either way).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Dialogue } from '../../src/data/dialogue.ts';
import { retrain } from '../../src/learning/retrain.ts';
import { silentLogger } from '../../src/logger.ts';
import { attachScorer, loadModel } from '../../src/model/model-dir.ts';
import { trainScorer } from '../../src/understanding/train-scorer.ts';
import { tempDir, tinyCorpus, trainTinyModel } from '../helpers/tiny.ts';
import { madeUpShopTurns } from '../understanding/made-up-shop.ts';

/** Reviewed conversations whose user turns (about Norway) the base corpus never has. */
const reviewed: Dialogue[] = Array.from({ length: 30 }, (_, i) => ({
  id: `web-${i}#1`,
  turns: [{ speaker: 'user', text: `Do you ship order ${1000 + i} to Norway?` }, { speaker: 'bot', text: 'Yes, Norway takes four days.' }],
}));

let root: string;

beforeAll(async () => {
  root = await tempDir('retrain-scorer');
  const active = path.join(root, 'models', 'default');
  await trainTinyModel(active, 'wasm', { training: { epochs: 2 } });
  await attachScorer(active, trainScorer({ inDomain: madeUpShopTurns(), fallbackRate: 0.1, dim: 8, hidden: 8, buckets: 512, members: 2, epochs: 1 }));
}, 120_000);

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

it('trains the candidate a scorer on the retraining dialogues, keeping the active scorer size, its number of networks and fallback rate', async () => {
  const r = await retrain({ modelsDir: path.join(root, 'models'), data: { dialogues: reviewed, heldBack: [] }, base: tinyCorpus(), backend: 'wasm', logger: silentLogger, training: { epochs: 1 } });

  const candidate = await loadModel(r.dir);
  try {
    const scorer = candidate.scorer!;
    expect(scorer, 'the candidate has a scorer').toBeDefined();
    expect(scorer.vocab).toContain('norway'); // learnt from the reviewed conversations
    expect(scorer.vocab).not.toContain('grinder'); // not the active scorer's corpus ("coffee grinder"; no built-in example has the word)
    expect({ dim: scorer.shape.dim, hidden: scorer.shape.hidden, buckets: scorer.buckets, members: scorer.networks.length, fallbackRate: scorer.calibration.fallbackRate }).toEqual({ dim: 8, hidden: 8, buckets: 512, members: 2, fallbackRate: 0.1 });
    expect(candidate.manifest.scorer).toMatchObject({ fallbackRate: 0.1 });
  } finally {
    candidate.dispose();
  }
}, 120_000);

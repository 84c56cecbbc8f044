/** Tiny real models laid out as a models directory, for the registry and reload tests. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Dialogue } from '../../src/data/dialogue.ts';
import type { Lineage } from '../../src/registry/lineage.ts';
import { writeLineage } from '../../src/registry/lineage.ts';
import { QA, tinyCorpus, trainTinyModel } from '../helpers/tiny.ts';

/** The question whose answer differs between the two models. */
export const QUESTION = QA[0].q;
export const ANSWER_A = QA[0].a;
export const ANSWER_B = 'It left our depot today.';

/** The tiny corpus with model B's answer to QUESTION. */
export function corpusB(): Dialogue[] {
  return tinyCorpus().map((d) => (d.turns[0].text === QUESTION ? { ...d, turns: [d.turns[0], { speaker: 'bot' as const, text: ANSWER_B }] } : d));
}

/**
 * Trains model A into `<modelsDir>/default` and model B into a staging dir
 * (not in the registry), returning B's directory and both versions.
 */
export async function trainTwoModels(modelsDir: string, scratch: string, epochs = 30): Promise<{ a: string; b: string; bDir: string }> {
  const a = await trainTinyModel(path.join(modelsDir, 'default'), 'wasm', { training: { epochs } });
  const bDir = path.join(scratch, 'model-b');
  const b = await trainTinyModel(bDir, 'wasm', { dialogues: corpusB(), training: { epochs } });
  return { a: a.version, b: b.version, bDir };
}

/** Copies a model directory (recursively) into `<modelsDir>/<name>`. */
export async function copyModel(from: string, modelsDir: string, name: string): Promise<string> {
  const to = path.join(modelsDir, name);
  await fs.cp(from, to, { recursive: true });
  return to;
}

/** Marks a version directory as refused by the gate, with a lineage like retrain writes. */
export async function markRefused(dir: string, version: string): Promise<void> {
  const summary = (ppl: number, bleu: number) => ({ modelVersion: version, turns: 4, perWordPerplexity: ppl, perTokenPerplexity: ppl, bleu4: bleu, distinct1: 0.5, distinct2: 0.5, avgLength: 4 });
  const lineage: Lineage = {
    format: 'colloquy-lineage',
    formatVersion: 1,
    version,
    parent: 'default',
    createdAt: new Date().toISOString(),
    data: {
      base: { sha256: 'b', dialogues: 96 },
      export: { sha256: 'e', dialogues: 3, heldBack: 0, repeats: 7, skipped: {} },
      eval: { sha256: 'v', dialogues: 5, turns: 5 },
      train: { dialogues: 100, valid: 5 },
    },
    settings: { fromScratch: true, training: {}, gate: { maxPplIncrease: 0.05, minBleuDelta: 0 } },
    evaluation: {
      candidate: summary(9.5, 10),
      current: summary(1.1, 100),
      gate: { passed: false, checks: [], message: 'refused: per-word perplexity 9.500 is 763.6% above the current model\'s 1.100 (allowed: 5%)', settings: { maxPplIncrease: 0.05, minBleuDelta: 0 } },
    },
    status: 'refused',
  };
  await writeLineage(dir, lineage);
}

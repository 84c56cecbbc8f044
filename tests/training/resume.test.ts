/**
 * Interrupting and resuming training: Ctrl-C (an AbortSignal) saves a
 * checkpoint, running the same training again continues it, and the result is
 * the run that was never interrupted. Also: the same seed gives the same model.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpochRecord } from '../../src/training/checkpoint.ts';
import type { ProgressEvent } from '../../src/training/trainer.ts';
import { ask, openGenerator, QA, rejectionOf, tempDir, trainTinyModel } from '../helpers/tiny.ts';

let root: string;
beforeAll(async () => {
  root = await tempDir('resume');
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function replies(dir: string, backend: 'wasm' | 'cpu'): Promise<string[]> {
  const g = await openGenerator(dir, backend);
  try {
    const out: string[] = [];
    for (const { q } of QA) out.push(await ask(g.generator, q), await ask(g.generator, q, { strategy: 'sample', seed: 3, temperature: 1.2 }));
    return out;
  } finally {
    g.close();
  }
}

const exists = (p: string) => fs.stat(p).then(() => true, () => false);

// cpu is ~10x slower than wasm, so its runs are shorter; the checks are the same.
describe.each([
  { backend: 'wasm' as const, epochs: 3 },
  { backend: 'cpu' as const, epochs: 2 },
])('on $backend', ({ backend, epochs }) => {
  it('the same seed twice gives byte-identical weights (and another seed does not)', async () => {
    const training = { epochs: 1 };
    const a = await trainTinyModel(path.join(root, `${backend}-seed-a`), backend, { training });
    const b = await trainTinyModel(path.join(root, `${backend}-seed-b`), backend, { training });
    const c = await trainTinyModel(path.join(root, `${backend}-seed-c`), backend, { training: { ...training, seed: 77 } });
    const wa = await fs.readFile(path.join(root, `${backend}-seed-a`, 'weights.bin'));
    const wb = await fs.readFile(path.join(root, `${backend}-seed-b`, 'weights.bin'));
    const wc = await fs.readFile(path.join(root, `${backend}-seed-c`, 'weights.bin'));
    expect(wa.equals(wb)).toBe(true);
    expect(a.version).toBe(b.version);
    expect(a.history!.map((h) => (h as EpochRecord).validLoss)).toEqual(b.history!.map((h) => (h as EpochRecord).validLoss));
    expect(wa.equals(wc)).toBe(false);
    expect(c.version).not.toBe(a.version);
  }, 240_000);

  it('an interrupted run resumes where it stopped and ends where an uninterrupted run ends', async () => {
    const training = { epochs };
    const straight = await trainTinyModel(path.join(root, `${backend}-straight`), backend, { training });

    // First attempt: stop after 3 steps of epoch 2.
    const out = path.join(root, `${backend}-resumed`);
    const controller = new AbortController();
    const firstEvents: ProgressEvent[] = [];
    const err = await rejectionOf(
      trainTinyModel(out, backend, {
        training,
        signal: controller.signal,
        onProgress: (e) => {
          firstEvents.push(e);
          if (e.phase === 'train' && e.epoch === 2 && e.step === 3) controller.abort();
        },
      }),
    );
    expect(err.code).toBe('colloquy_training_interrupted');
    expect(err.message).toContain(`${out}.training`);
    expect(await exists(path.join(`${out}.training`, 'checkpoint.json'))).toBe(true);
    expect(await exists(out)).toBe(false);
    const finishedBefore = firstEvents.filter((e) => e.phase === 'epoch-end').map((e) => e.record!);
    expect(finishedBefore.map((r) => r.epoch)).toEqual([1]);
    // The abort is honoured before the next step: no step 4 of epoch 2 ran.
    expect(firstEvents.filter((e) => e.phase === 'train' && e.epoch === 2).map((e) => e.step)).toEqual([1, 2, 3]);

    // Second attempt with the same input: continues at epoch 2, step 4.
    const secondEvents: ProgressEvent[] = [];
    const resumed = await trainTinyModel(out, backend, { training, onProgress: (e) => secondEvents.push(e) });
    expect({ epoch: secondEvents[0].epoch, step: secondEvents[0].step }).toEqual({ epoch: 2, step: 4 });

    const history = resumed.history as EpochRecord[];
    const reference = straight.history as EpochRecord[];
    expect(history.map((h) => h.epoch)).toEqual(reference.map((h) => h.epoch));
    // The finished epoch of the first attempt is kept exactly as it was recorded.
    expect(history[0]).toEqual(finishedBefore[0]);
    for (const [i, h] of history.entries()) {
      expect(h.trainLoss, `epoch ${i + 1} train`).toBeCloseTo(reference[i].trainLoss, 4);
      expect(h.validLoss, `epoch ${i + 1} valid`).toBeCloseTo(reference[i].validLoss, 4);
      expect(h.learningRate, `epoch ${i + 1} lr`).toBeCloseTo(reference[i].learningRate, 10);
    }
    expect(resumed.metrics.validLoss).toBeCloseTo(straight.metrics.validLoss, 4);
    expect(await replies(out, backend)).toEqual(await replies(path.join(root, `${backend}-straight`), backend));
    // The checkpoint is cleaned up once the model is saved.
    expect(await exists(`${out}.training`)).toBe(false);
  }, 300_000);
});

describe('a checkpoint from a different run', () => {
  it('is not resumed: a run with other settings starts from epoch 1', async () => {
    const out = path.join(root, 'other-run');
    const controller = new AbortController();
    const err = await rejectionOf(
      trainTinyModel(out, 'wasm', { training: { epochs: 2 }, signal: controller.signal, onProgress: (e) => e.epoch === 2 && e.step === 2 && controller.abort() }),
    );
    expect(err.code).toBe('colloquy_training_interrupted');

    const events: ProgressEvent[] = [];
    const m = await trainTinyModel(out, 'wasm', { training: { epochs: 2, learningRate: 0.01 }, onProgress: (e) => events.push(e) });
    expect({ epoch: events[0].epoch, step: events[0].step }).toEqual({ epoch: 1, step: 1 });
    expect(m.history).toHaveLength(2);

    // and equals a fresh run with those settings
    const fresh = await trainTinyModel(path.join(root, 'other-run-fresh'), 'wasm', { training: { epochs: 2, learningRate: 0.01 } });
    expect(m.version).toBe(fresh.version);
  });

  it('may change epochs on resume: a run stopped in epoch 2 of 2 can be finished with 3 epochs', async () => {
    const out = path.join(root, 'more-epochs');
    const controller = new AbortController();
    await rejectionOf(trainTinyModel(out, 'wasm', { training: { epochs: 2 }, signal: controller.signal, onProgress: (e) => e.epoch === 2 && e.step === 2 && controller.abort() }));
    const events: ProgressEvent[] = [];
    const m = await trainTinyModel(out, 'wasm', { training: { epochs: 3 }, onProgress: (e) => events.push(e) });
    expect(events[0].epoch).toBe(2);
    expect((m.history as EpochRecord[]).map((h) => h.epoch)).toEqual([1, 2, 3]);
  });
});

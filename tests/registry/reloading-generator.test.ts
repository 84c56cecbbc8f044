/**
 * Hot reload: the generator follows registry.json, switches between replies,
 * lets replies in flight finish on their model, frees the old model after
 * them, and keeps serving when a new model fails to load.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Turn } from '../../src/data/dialogue.ts';
import { LstmGenerator, type Reply } from '../../src/generation/generator.ts';
import { createReplyStream } from '../../src/generation/reply-stream.ts';
import { createLogger } from '../../src/logger.ts';
import type { LoadedModel } from '../../src/model/model-dir.ts';
import { promote, rollback } from '../../src/registry/promote.ts';
import { ReloadingGenerator, type DisposableGenerator } from '../../src/registry/reloading-generator.ts';
import { tempDir, user } from '../helpers/tiny.ts';
import { ANSWER_A, ANSWER_B, copyModel, QUESTION, trainTwoModels } from './fixtures.ts';

let root: string;
let pristine: string;
let trained: { a: string; b: string; bDir: string };
let modelsDir: string;
let open: ReloadingGenerator[] = [];

beforeAll(async () => {
  root = await tempDir('reload');
  pristine = path.join(root, 'pristine');
  trained = await trainTwoModels(pristine, root);
}, 300_000);

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

let n = 0;
beforeEach(async () => {
  for (const g of open) await g.close();
  open = [];
  modelsDir = path.join(root, `models-${++n}`);
  await fs.cp(pristine, modelsDir, { recursive: true });
  await copyModel(trained.bDir, modelsDir, trained.b);
});

async function openGen(o: Partial<Parameters<typeof ReloadingGenerator.open>[0]> = {}): Promise<ReloadingGenerator> {
  const g = await ReloadingGenerator.open({ modelsDir, debounceMs: 50, pollMs: 200, ...o });
  open.push(g);
  return g;
}

const ask = (g: { reply(c: Turn[]): { result: Promise<Reply> } }) => g.reply([user(QUESTION)]).result;

/** Waits until `check` holds, polling; fails after `ms`. */
async function waitFor(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A real LSTM generator whose replies wait for `release()` before they start. */
function gated(model: LoadedModel, log: LoadedModel[]): DisposableGenerator & { release(): void; waiting: number } {
  const inner = new LstmGenerator(model);
  log.push(model);
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const g = {
    waiting: 0,
    get modelVersion() {
      return inner.modelVersion;
    },
    reply(context: Turn[]) {
      g.waiting++;
      return createReplyStream<Reply>(async (emit) => {
        await gate;
        const s = inner.reply(context);
        for await (const piece of s) emit(piece);
        return s.result;
      });
    },
    release: () => open(),
    dispose: () => inner.dispose(),
  };
  return g;
}

describe('a reloading generator', () => {
  it('serves the active model and switches when registry.json changes (fs.watch), and back on rollback', async () => {
    const g = await openGen({ pollMs: false });
    expect(await ask(g)).toMatchObject({ text: ANSWER_A, modelVersion: trained.a });
    await promote(modelsDir, trained.b);
    await waitFor(() => g.modelVersion === trained.b);
    expect(await ask(g)).toMatchObject({ text: ANSWER_B, modelVersion: trained.b });
    await rollback(modelsDir);
    await waitFor(() => g.modelVersion === trained.a);
    expect(await ask(g)).toMatchObject({ text: ANSWER_A, modelVersion: trained.a });
  });

  it('notices a change by polling when file watching is off', async () => {
    const g = await openGen({ watch: false, pollMs: 100 });
    await promote(modelsDir, trained.b);
    await waitFor(() => g.modelVersion === trained.b);
    expect(g.activeName).toBe(trained.b);
  });

  it('lets a reply in flight finish on the model it started with, then frees that model', async () => {
    const models: LoadedModel[] = [];
    const gens: Array<ReturnType<typeof gated>> = [];
    const g = await openGen({ watch: false, pollMs: false, createGenerator: (m) => (gens.push(gated(m, models)), gens[gens.length - 1]) });
    const first = g.reply([user(QUESTION)]); // held at its gate, on model A
    expect(gens[0].waiting).toBe(1);
    await promote(modelsDir, trained.b);
    expect(await g.reload()).toBe(true);
    expect(g.modelVersion).toBe(trained.b);
    expect(models[0].params.embedding.isDisposed).toBe(false); // A still has a reply running

    gens[1].release();
    const second = await ask(g);
    expect(second).toMatchObject({ text: ANSWER_B, modelVersion: trained.b });

    gens[0].release();
    expect(await first.result).toMatchObject({ text: ANSWER_A, modelVersion: trained.a });
    await waitFor(() => models[0].params.embedding.isDisposed); // freed after its last reply
    expect(models[1].params.embedding.isDisposed).toBe(false);
  });

  it('keeps serving the current model when the new one fails to load, and logs why', async () => {
    const lines: string[] = [];
    const g = await openGen({ watch: false, pollMs: false, logger: createLogger({ level: 'warn', write: (l) => lines.push(l) }) });
    const broken = await copyModel(trained.bDir, modelsDir, 'broken');
    await fs.truncate(path.join(broken, 'weights.bin'), 100);
    await promote(modelsDir, 'broken');
    expect(await g.reload()).toBe(false);
    expect(lines.join('\n')).toMatch(/model reload failed; the current model keeps serving/);
    expect(lines.join('\n')).toContain('weights.bin');
    expect(await ask(g)).toMatchObject({ text: ANSWER_A, modelVersion: trained.a });
    // fixing the registry later still works
    await promote(modelsDir, trained.b);
    expect(await g.reload()).toBe(true);
    expect(await ask(g)).toMatchObject({ text: ANSWER_B, modelVersion: trained.b });
  });

  it('does nothing on a reload when the active model has not changed', async () => {
    const g = await openGen({ watch: false, pollMs: false });
    expect(await g.reload()).toBe(false);
    expect(await ask(g)).toMatchObject({ modelVersion: trained.a });
  });
});

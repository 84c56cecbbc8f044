import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LstmGenerator } from '../../src/generation/generator.ts';
import { attachScorer, loadModel, readManifest } from '../../src/model/model-dir.ts';
import { MESSAGE_KINDS } from '../../src/engine/understanding.ts';
import { denseFeatures, featureRows, words } from '../../src/understanding/features.ts';
import { Network } from '../../src/understanding/network.ts';
import { Scorer } from '../../src/understanding/scorer.ts';
import { runColloquy, STACK_TRACE } from '../helpers/cli.ts';
import { rejectionOf, tempDir, trainTinyModel } from '../helpers/tiny.ts';
import { madeUpShopTurns, smallScorer } from './made-up-shop.ts';

let root: string;
let plain: string;

beforeAll(async () => {
  root = await tempDir('scorer');
  plain = path.join(root, 'plain');
  await trainTinyModel(plain, 'wasm', { training: { epochs: 1 } });
}, 120_000);

async function copyModel(name: string): Promise<string> {
  const dir = path.join(root, name);
  await fs.cp(plain, dir, { recursive: true });
  return dir;
}

describe('the scorer in a model directory', () => {
  it('round-trips through the manifest: the loaded scorer reads messages exactly as the trained one', async () => {
    const dir = await copyModel('with-scorer');
    const scorer = smallScorer();
    const before = await readManifest(dir);

    await attachScorer(dir, scorer);
    const model = await loadModel(dir);

    expect(model.manifest.scorer).toMatchObject({ file: 'scorer.json', weights: 'scorer.bin', threshold: scorer.calibration.threshold, fallbackRate: 0.05, intents: 4 });
    expect(model.manifest.version).toBe(before.version); // the generator is the same model
    expect(Object.keys(model.manifest.files ?? {})).toEqual(expect.arrayContaining(['scorer.json', 'scorer.bin', 'weights.bin']));
    for (const text of ["What's the capital of France?", 'where is my order 40411', 'can I speak to a real person']) {
      expect(new LstmGenerator(model).understand(text)).toEqual(scorer.understand(text));
    }
    model.dispose();
  });

  it('loads a scorer from before the tone inputs and kind cues: its networks read the first three inputs, as they were trained', async () => {
    const dir = await tempDir('scorer-before-cues');
    const shape = { rows: 40, dim: 4, dense: 3, hidden: 6, kinds: 4, intents: 0 };
    const network = new Network(shape, undefined, 4);
    const vocab = ['where', 'is', 'my', 'order'];
    const calibration = { threshold: 0.5, fallbackRate: 0.05, heldOut: { inDomain: 10, inDomainFallbackRate: 0.1, outOfScope: 0 } };
    await new Scorer([network], vocab, 36, vocab, [], calibration).save(dir);
    expect(JSON.parse(await fs.readFile(path.join(dir, 'scorer.json'), 'utf8')).cues).toBeUndefined();

    const old = await Scorer.load(dir);
    for (const text of ['WHERE IS MY ORDER?!', 'what the f*** is going on']) {
      const ws = words(text);
      const kind = network.forward(featureRows(ws, { vocab: new Map(vocab.map((w, i) => [w, i])), buckets: 36 }), denseFeatures(text, ws, (w) => vocab.includes(w)).subarray(0, 3)).kind;
      expect(old.understand(text).outOfScope).toBeCloseTo(kind[MESSAGE_KINDS.indexOf('off-topic')], 6);
    }
  });

  it('leaves models without a scorer as they were: nothing to read, no understanding', async () => {
    const model = await loadModel(plain);

    expect(model.manifest.scorer).toBeUndefined();
    expect(model.scorer).toBeUndefined();
    expect(new LstmGenerator(model).understand('anything')).toBeUndefined();
    model.dispose();
  });

  it('refuses a damaged scorer file with an error that names it (its hash is in the manifest)', async () => {
    const dir = await copyModel('damaged');
    await attachScorer(dir, smallScorer());
    await fs.writeFile(path.join(dir, 'scorer.bin'), Buffer.alloc(12));

    const err = await rejectionOf(loadModel(dir));

    expect(err).toMatchObject({ code: 'colloquy_model_hash_mismatch' });
    expect((err as Error).message).toContain('scorer.bin');
  });

  it('`colloquy scorer` trains one into an existing model from a corpus and out-of-scope examples', async () => {
    const dir = await copyModel('cli');
    const data = path.join(root, 'shop.jsonl');
    const ood = path.join(root, 'ood.jsonl');
    await fs.writeFile(data, madeUpShopTurns().map((t) => JSON.stringify({ turns: [{ speaker: 'user', ...t }, { speaker: 'bot', text: 'OK.' }] })).join('\n') + '\n');
    await fs.writeFile(ood, ['how tall is mount everest', 'recommend a good thriller novel', 'what is the airspeed of a swallow'].map((text) => JSON.stringify({ text })).join('\n') + '\n');

    const run = await runColloquy(['scorer', '--model', dir, '--data', data, '--ood', ood, '--fallback-rate', '0.1', '--epochs', '10', '--dim', '16', '--hidden', '16']);

    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/saved the scorer in .*threshold .* \(chosen for 10\.0 % in-domain fallbacks\).*intent accuracy/);
    const manifest = await readManifest(dir);
    expect(manifest.scorer).toMatchObject({ fallbackRate: 0.1, intents: 4 });

    // and `colloquy eval --ood` measures it beside the generator-confidence baseline
    const evalRun = await runColloquy(['eval', '--model', dir, '--data', data, '--ood', ood, '--baseline-turns', '3', '--json']);
    expect(evalRun.stderr).not.toMatch(STACK_TRACE);
    const report = JSON.parse(evalRun.stdout);
    expect(report).toMatchObject({ in_domain: madeUpShopTurns().length, out_of_scope: 3, threshold: manifest.scorer!.threshold });
    for (const key of ['ood_auroc', 'ood_fallback_rate', 'in_domain_fallback_rate', 'intent_accuracy']) expect(report[key], key).toBeTypeOf('number');
    expect(report.intent_accuracy).toBeGreaterThan(0.8);
    expect(report.baseline).toMatchObject({ in_domain: 3, out_of_scope: 3, threshold: -2.5 });
  }, 90_000);

  it('`colloquy eval --ood` on a model without a scorer says how to train one', async () => {
    const run = await runColloquy(['eval', '--model', plain, '--data', 'x.jsonl', '--ood', 'y.jsonl']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('has no out-of-scope scorer');
    expect(run.stderr).toContain('colloquy scorer --model');
  });

  it('`colloquy scorer` names a bad flag value instead of training', async () => {
    const run = await runColloquy(['scorer', '--model', plain, '--data', 'nowhere.jsonl', '--fallback-rate', '2']);

    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/error: .*(fallback-rate|nowhere)/);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });
});

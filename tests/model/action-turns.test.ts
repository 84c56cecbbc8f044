/**
 * Action turns in the model: how they are encoded, that the newest one stays
 * in a cut context, that a model trained on them answers from them (through
 * a corpus file, training, saving and loading), and that a model from before
 * action turns still loads, answers, and upgrades without changing its replies.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionTurn } from '../../src/data/action-text.ts';
import { readCorpus, writeCorpus } from '../../src/data/corpus-file.ts';
import type { Dialogue, Turn } from '../../src/data/dialogue.ts';
import { LstmGenerator } from '../../src/generation/generator.ts';
import { withActionToken } from '../../src/model/action-token.ts';
import { encodeContext, encodeDialogue } from '../../src/model/encode.ts';
import { loadModel, saveModel } from '../../src/model/model-dir.ts';
import { paramsFromArrays } from '../../src/model/params.ts';
import { snapshotParams } from '../../src/training/checkpoint.ts';
import { Tokenizer } from '../../src/tokenizer/index.ts';
import { openGenerator, QA, tempDir, tinyCorpus, trainTinyModel } from '../helpers/tiny.ts';

const STATUS: Record<string, string> = { shipped: 'It is on the way.', processing: 'It is still being packed.' };
const lookup = (status: string): Turn => actionTurn({ name: 'order_status', parameters: { order: '12' }, results: [{ status }] });

/** Dialogues whose right answer is only in the action turn. */
function actionCorpus(): Dialogue[] {
  const out: Dialogue[] = [];
  for (let n = 0; n < 24; n++) {
    for (const status of Object.keys(STATUS)) {
      out.push({ id: `act-${status}-${n}`, turns: [{ speaker: 'user', text: 'Where is my order?' }, lookup(status), { speaker: 'bot', text: STATUS[status] }] });
    }
  }
  return out;
}

let root: string;
let trained: string;

beforeAll(async () => {
  root = await tempDir('action-turns');
  const corpusFile = path.join(root, 'corpus.jsonl');
  await writeCorpus(corpusFile, [...tinyCorpus(12), ...actionCorpus()]);
  const { dialogues } = await readCorpus(corpusFile);
  trained = path.join(root, 'trained');
  await trainTinyModel(trained, 'wasm', { dialogues, training: { epochs: 40 } });
}, 240_000);

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('encoding action turns', () => {
  const tok = Tokenizer.train(['order status shipped', 'Where is my order?'], { vocabSize: 300 });
  const old = Tokenizer.fromJSON({ ...(tok.toJSON() as object), extraSpecials: undefined, vocabSize: undefined });

  it('reads an action as its own <act> segment that is never a training target', () => {
    const { ids, target } = encodeDialogue(tok, [{ speaker: 'user', text: 'Where is my order?' }, lookup('shipped'), { speaker: 'bot', text: 'ok' }]);
    const at = Array.from(ids).indexOf(tok.act!);
    expect(tok.act).toBe(tok.vocabSize - 1);
    expect(at).toBeGreaterThan(0);
    const end = Array.from(ids).indexOf(tok.eot, at);
    expect(Array.from(target.slice(at, end + 1)).every((t) => t === 0)).toBe(true);
  });

  it('reads it as a user turn with a tokenizer from before action turns', () => {
    expect(old.act).toBeUndefined();
    expect(old.vocabSize).toBe(tok.vocabSize - 1);
    const ids = encodeDialogue(old, [lookup('shipped')]).ids;
    expect(ids[1]).toBe(old.user);
  });

  it('keeps the newest action turn when the budget cuts the history before it', () => {
    const chat = (text: string, speaker: Turn['speaker'] = 'user'): Turn => ({ speaker, text });
    const history = [chat('Where is my order?'), lookup('shipped'), chat('It is on the way.', 'bot'), chat('thanks, and what about returns for the jacket I bought last week', 'user'), chat('You can return it within thirty days of delivery for a full refund.', 'bot'), chat('great')];
    const action = encodeDialogue(tok, [history[1]]).ids.slice(1);
    const full = encodeContext(tok, history, 4096);
    const cut = encodeContext(tok, history, 60);

    expect(cut.length).toBeLessThanOrEqual(60);
    expect(cut.length).toBeLessThan(full.length);
    expect(cut.slice(1, 1 + action.length)).toEqual(Array.from(action));
    expect(cut.slice(-5)).toEqual([...tok.encode('great').slice(-3), tok.eot, tok.bot].slice(-5));
  });
});

describe('a model trained with action turns', () => {
  it('answers from the action results after a save and load', async () => {
    const { generator, close } = await openGenerator(trained, 'wasm');
    try {
      for (const status of Object.keys(STATUS)) {
        const reply = await generator.reply([{ speaker: 'user', text: 'Where is my order?' }, lookup(status)]).result;
        expect(reply.text, status).toBe(STATUS[status]);
      }
    } finally {
      close();
    }
  });
});

describe('the claim phrases a model learns from its action turns', () => {
  it('are saved with it, hashed, and catch a reply that says another status than the lookup', async () => {
    const model = await loadModel(trained);
    try {
      expect(model.manifest.files?.['claims.json']).toMatch(/^[0-9a-f]{64}$/);
      const asked: Turn = { speaker: 'user', text: 'Where is my order?' };
      expect(model.claims?.contradictions(STATUS.shipped, [asked, lookup('processing')]).length).toBeGreaterThan(0);
      expect(model.claims?.contradictions(STATUS.shipped, [asked, lookup('shipped')])).toEqual([]);
    } finally {
      model.dispose();
    }
  });

  it('refuse to load when claims.json was changed', async () => {
    const copy = path.join(root, 'claims-changed');
    await fs.cp(trained, copy, { recursive: true });
    await fs.writeFile(path.join(copy, 'claims.json'), JSON.stringify({ phrases: [] }));
    await expect(loadModel(copy)).rejects.toMatchObject({ code: 'colloquy_model_hash_mismatch', message: expect.stringContaining('claims.json') });
  });
});

describe('the fact selection a model learns from its replies', () => {
  it('is saved with it, hashed, and has learned that these replies state none of the lookup\'s values', async () => {
    const model = await loadModel(trained);
    try {
      expect(model.manifest.files?.['selection.json']).toMatch(/^[0-9a-f]{64}$/);
      const chances = model.selection!.select([{ speaker: 'user', text: 'Where is my order?' }, lookup('shipped')]);
      expect(chances.length).toBeGreaterThan(0);
      expect(Math.max(...chances.map((c) => c.chance))).toBeLessThan(0.2); // "It is on the way." states no number or name
    } finally {
      model.dispose();
    }
  });

  it('refuses to load when selection.json was changed', async () => {
    const copy = path.join(root, 'selection-changed');
    await fs.cp(trained, copy, { recursive: true });
    await fs.writeFile(path.join(copy, 'selection.json'), JSON.stringify({ format: 'colloquy-fact-selection', bits: 12, weights: '' }));
    await expect(loadModel(copy)).rejects.toMatchObject({ code: 'colloquy_model_hash_mismatch', message: expect.stringContaining('selection.json') });
  });

  it('a model without one (from before it) loads and answers', async () => {
    const copy = path.join(root, 'no-selection');
    await fs.cp(trained, copy, { recursive: true });
    await fs.rm(path.join(copy, 'selection.json'));
    const manifest = JSON.parse(await fs.readFile(path.join(copy, 'manifest.json'), 'utf8'));
    delete manifest.files['selection.json'];
    await fs.writeFile(path.join(copy, 'manifest.json'), JSON.stringify(manifest));
    const { generator, close } = await openGenerator(copy, 'wasm');
    try {
      const reply = await generator.reply([{ speaker: 'user', text: 'Where is my order?' }, lookup('shipped')], { strategy: 'consensus' }).result;
      expect(reply.text).toBe(STATUS.shipped);
    } finally {
      close();
    }
  });
});

describe('a model from before action turns', () => {
  it('loads, answers (action turns included), and is upgraded without changing its replies', async () => {
    // Arrange: the trained model saved in the old form — no <act> in the tokenizer, no row for it in the weights
    const model = await loadModel(trained);
    const V = model.config.vocabSize;
    const arrays = await snapshotParams(model.params);
    const E = model.config.embedDim;
    const H = model.config.hiddenSize;
    const outW = arrays.get('out.w')!;
    const oldW = new Float32Array(H * (V - 1));
    for (let h = 0; h < H; h++) oldW.set(outW.subarray(h * V, h * V + V - 1), h * (V - 1));
    const oldArrays = new Map(arrays).set('embedding', arrays.get('embedding')!.slice(0, (V - 1) * E)).set('out.w', oldW).set('out.b', arrays.get('out.b')!.slice(0, V - 1));
    const oldConfig = { ...model.config, vocabSize: V - 1 };
    const oldTokenizer = Tokenizer.fromJSON({ ...(model.tokenizer.toJSON() as object), extraSpecials: undefined, vocabSize: undefined });
    const oldParams = paramsFromArrays(oldConfig, oldArrays);
    const oldDir = path.join(root, 'old');
    const { format: _f, formatVersion: _v, version: _ver, weights: _w, config: _c, createdAt: _t, ...fields } = model.manifest;
    await saveModel(oldDir, oldConfig, oldParams, oldTokenizer, fields);
    model.dispose();

    // Act
    const old = await openGenerator(oldDir, 'wasm');
    const upgraded = withActionToken(old.model.tokenizer, old.model.config, await snapshotParams(old.model.params));
    const upgradedParams = paramsFromArrays(upgraded.config, upgraded.weights);
    const upgradedGenerator = new LstmGenerator({ ...old.model, config: upgraded.config, tokenizer: upgraded.tokenizer, params: upgradedParams });
    try {
      // Assert
      expect(old.model.tokenizer.act).toBeUndefined();
      expect((await old.generator.reply([{ speaker: 'user', text: 'Where is my order?' }, lookup('shipped')]).result).text).not.toBe('');
      expect(upgraded.tokenizer.act).toBe(V - 1);
      for (const { q, a } of QA) {
        const before = (await old.generator.reply([{ speaker: 'user', text: q }]).result).text;
        expect(before, q).toBe(a);
        expect((await upgradedGenerator.reply([{ speaker: 'user', text: q }]).result).text, q).toBe(before);
      }
    } finally {
      upgradedGenerator.dispose();
      old.close();
    }
  });
});

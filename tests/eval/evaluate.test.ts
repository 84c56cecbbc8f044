/**
 * evaluate() on a tiny model trained for real (wasm): the report's numbers,
 * the predictions file, the retrieval baseline row, and the turn sampling.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialogue } from '../../src/data/dialogue.ts';
import { collectEvalTurns } from '../../src/eval/eval-turns.ts';
import { evaluate, formatReport, type EvalReport } from '../../src/eval/evaluate.ts';
import { createRetrievalBaseline } from '../../src/eval/retrieval.ts';
import { scoreReferences } from '../../src/eval/score-replies.ts';
import { openGenerator, QA, tempDir, tinyCorpus, trainTinyModel } from '../helpers/tiny.ts';

type Opened = Awaited<ReturnType<typeof openGenerator>>;

let root: string;
let g: Opened;
/** Two dialogues per question: 12 bot turns. */
const heldOut = tinyCorpus(2);

beforeAll(async () => {
  root = await tempDir('evaluate');
  await trainTinyModel(path.join(root, 'model'), 'wasm');
  g = await openGenerator(path.join(root, 'model'), 'wasm');
});

afterAll(async () => {
  g?.close();
  await fs.rm(root, { recursive: true, force: true });
});

const run = (dialogues: Dialogue[], extra: Partial<Parameters<typeof evaluate>[0]> = {}) => evaluate({ model: g.model, generator: g.generator, dialogues, ...extra });

function expectQualityInRange(q: EvalReport['model']): void {
  expect(q.bleu4).toBeGreaterThanOrEqual(0);
  expect(q.bleu4).toBeLessThanOrEqual(100);
  for (const v of [q.distinct1, q.distinct2]) {
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1);
  }
  expect(q.avgLength).toBeGreaterThan(0);
}

describe('evaluate', () => {
  it('reports finite perplexities and bounded reply metrics, and a model that learned its corpus scores high', async () => {
    const report = await run(heldOut);
    expect(report.turns).toBe(heldOut.length);
    for (const ppl of [report.perWordPerplexity, report.perTokenPerplexity]) {
      expect(Number.isFinite(ppl)).toBe(true);
      expect(ppl).toBeGreaterThanOrEqual(1);
    }
    // It answers every question exactly: near-perfect BLEU, perplexity close to 1.
    expect(report.model.bleu4).toBeGreaterThan(99);
    expect(report.perTokenPerplexity).toBeLessThan(1.5);
    expect(report.perWordPerplexity).toBeLessThan(2);
    expectQualityInRange(report.model);
    expect(report.referenceAvgLength).toBeGreaterThan(0);
    expect(report.model.avgLength).toBeCloseTo(report.referenceAvgLength, 6);
    expect(report.modelVersion).toBe(g.model.manifest.version);
    expect(report.strategy).toBe('greedy');
    expect(report.baseline).toBeUndefined();
    expect(formatReport(report)).not.toContain('retrieval');
    // The cost columns of an ablation: how long the model trained, how fast it replies.
    expect(report.trainingMinutes).toBeCloseTo((g.model.manifest.training.seconds as number) / 60, 6);
    expect(report.msPerToken).toBeGreaterThan(0);
    expect(formatReport(report)).toMatch(/trained \d+\.\d min; replies took \d+\.\d\d ms\/token/);
  });

  it('gives wrong references a higher perplexity and a lower BLEU than right ones', async () => {
    // Every question paired with the next question's answer.
    const wrong: Dialogue[] = QA.map(({ q }, k) => ({ id: `wrong-${k}`, turns: [{ speaker: 'user', text: q }, { speaker: 'bot', text: QA[(k + 1) % QA.length].a }] }));
    const right: Dialogue[] = QA.map(({ q, a }, k) => ({ id: `right-${k}`, turns: [{ speaker: 'user', text: q }, { speaker: 'bot', text: a }] }));
    const good = await run(right);
    const bad = await run(wrong);
    // Only the first word of a wrong answer is a surprise (the rest follows from it), hence the modest factor.
    expect(bad.perWordPerplexity).toBeGreaterThan(good.perWordPerplexity * 2);
    expect(bad.perTokenPerplexity).toBeGreaterThan(good.perTokenPerplexity * 1.5);
    expect(bad.model.bleu4).toBeLessThan(good.model.bleu4);
    expectQualityInRange(bad.model);
  });

  it('writes one JSON line per evaluated turn with id, context, reference and hypothesis', async () => {
    const file = path.join(root, 'predictions.jsonl');
    const report = await run(heldOut, { predictionsFile: file });
    const lines = (await fs.readFile(file, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(report.turns);
    const rows = lines.map((l) => JSON.parse(l));
    rows.forEach((row, i) => {
      const d = heldOut[i];
      expect(row).toEqual({ id: `${d.id}#1`, context: [d.turns[0]], reference: d.turns[1].text, hypothesis: d.turns[1].text });
    });
  });

  it('adds a retrieval baseline row when a baseline is passed, and its replies to the predictions', async () => {
    const file = path.join(root, 'predictions-baseline.jsonl');
    const report = await run(heldOut, { baseline: createRetrievalBaseline(tinyCorpus()), predictionsFile: file });
    expect(report.baseline).toBeDefined();
    expectQualityInRange(report.baseline!);
    expect(report.baseline!.bleu4).toBeGreaterThan(99); // the exact questions are in its index
    expect(formatReport(report)).toMatch(/retrieval/);
    const rows = (await fs.readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.baseline)).toEqual(heldOut.map((d) => d.turns[1].text));
  });

  it('evaluates a deterministic sample of maxTurns turns and reports progress for each', async () => {
    const progress: Array<[number, number]> = [];
    const a = await run(tinyCorpus(4), { maxTurns: 5, seed: 3, onProgress: (done, total) => progress.push([done, total]) });
    expect(a.turns).toBe(5);
    expect(progress).toEqual([1, 2, 3, 4, 5].map((n) => [n, 5]));
    const b = await run(tinyCorpus(4), { maxTurns: 5, seed: 3 });
    expect(b.perWordPerplexity).toBe(a.perWordPerplexity);
  });
});

describe('scoreReferences', () => {
  it('reports single- and multi-topic dialogues apart when the corpus tags their topics, and nothing extra when it does not', async () => {
    const single = heldOut.map((d) => ({ ...d, topics: ['orders'] }));
    const multi = heldOut.map((d) => ({
      id: `${d.id}-multi`,
      topics: ['orders', 'returns'],
      turns: [d.turns[0], { speaker: 'bot' as const, text: 'completely unrelated words about a parcel nobody ordered' }],
    }));
    const report = await run([...single, ...multi]);
    expect(report.by_topics?.single).toEqual({ turns: heldOut.length, bleu4: expect.any(Number) });
    expect(report.by_topics?.multi.turns).toBe(heldOut.length);
    expect(report.by_topics!.single.bleu4).toBeGreaterThan(99);
    expect(report.by_topics!.multi.bleu4).toBeLessThan(10);
    expect(formatReport(report)).toMatch(/single-topic dialogues: \d+ turns, BLEU-4 \d+\.\d\d; multi-topic: \d+ turns/);
    expect((await run(heldOut)).by_topics).toBeUndefined();
  });

  it('gives each turn the same score whether scored alone or batched with longer and shorter turns', () => {
    const turns = collectEvalTurns(heldOut);
    const batched = scoreReferences(g.model, turns, 256, 32);
    const alone = scoreReferences(g.model, turns, 256, 1);
    expect(batched).toHaveLength(turns.length);
    batched.forEach((r, i) => {
      expect(r.tokens).toBe(alone[i].tokens);
      expect(r.nll).toBeCloseTo(alone[i].nll, 3);
      expect(r.tokens).toBe(g.model.tokenizer.encode(turns[i].reference).length + 1);
    });
  });
});

describe('collectEvalTurns', () => {
  const u = (text: string) => ({ speaker: 'user' as const, text });
  const b = (text: string) => ({ speaker: 'bot' as const, text });

  it('takes every bot-side turn that follows a user turn, with the history before it', () => {
    const dialogues: Dialogue[] = [
      { id: 'a', turns: [b('Hi, how can I help?'), u('refund'), b('Sure.'), b('Anything else?'), u('no'), { speaker: 'agent', text: 'Bye!' }] },
      { id: 'b', turns: [u('hello'), b('   ')] },
    ];
    const turns = collectEvalTurns(dialogues);
    expect(turns.map((t) => t.id)).toEqual(['a#2', 'a#5']);
    expect(turns[0].history).toEqual(dialogues[0].turns.slice(0, 2));
    expect(turns[1].reference).toBe('Bye!');
  });

  it('samples deterministically, respects maxTurns and keeps corpus order', () => {
    const corpus = tinyCorpus(10); // 60 turns
    const all = collectEvalTurns(corpus);
    expect(all).toHaveLength(60);
    const a = collectEvalTurns(corpus, 7, 5);
    expect(a).toHaveLength(7);
    expect(collectEvalTurns(corpus, 7, 5)).toEqual(a);
    const order = a.map((t) => all.findIndex((x) => x.id === t.id));
    expect(order.every((v) => v >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(new Set(a.map((t) => t.id)).size).toBe(7);
    expect(collectEvalTurns(corpus, 7, 6).map((t) => t.id)).not.toEqual(a.map((t) => t.id));
    expect(collectEvalTurns(corpus, 0)).toHaveLength(60);
    expect(collectEvalTurns(corpus, 100)).toHaveLength(60);
  });
});

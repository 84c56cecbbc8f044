/**
 * Retraining for real on tiny models: a fine-tuned candidate that learned a
 * correction passes the gate and is promoted; a worse one is kept as
 * refused with the failing metric named; nothing to learn from, or a kill
 * mid-training, changes nothing that serves.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialogue } from '../../src/data/dialogue.ts';
import { retrain } from '../../src/learning/retrain.ts';
import { silentLogger } from '../../src/logger.ts';
import { readLineage } from '../../src/registry/lineage.ts';
import { readRegistry } from '../../src/registry/registry-file.ts';
import { listVersions, resolveActive } from '../../src/registry/versions.ts';
import { ask, openGenerator, QA, rejectionOf, snapshotDir, tempDir, tinyCorpus, trainTinyModel } from '../helpers/tiny.ts';

const NEW_Q = 'Do you ship to Norway?';
const NEW_A = 'Yes, Norway takes four days.';
const exported = (n = 3): Dialogue[] => Array.from({ length: n }, (_, i) => ({ id: `web-${i}#1`, turns: [{ speaker: 'user', text: NEW_Q }, { speaker: 'bot', text: NEW_A }] }));

let root: string;
let modelsDir: string;
let baseVersion: string;

beforeAll(async () => {
  root = await tempDir('retrain');
  modelsDir = path.join(root, 'models');
  baseVersion = (await trainTinyModel(path.join(modelsDir, 'default'), 'wasm', { training: { epochs: 25 } })).version;
}, 300_000);

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const run = (over: Partial<Parameters<typeof retrain>[0]> = {}) =>
  retrain({ modelsDir, data: { dialogues: exported(), heldBack: [] }, base: tinyCorpus(), baseFile: 'tiny.jsonl', backend: 'wasm', logger: silentLogger, training: { epochs: 8 }, ...over });

describe('retrain', () => {
  it('says there is nothing to learn from, names why, and changes nothing', async () => {
    const before = await snapshotDir(modelsDir);
    const err = await rejectionOf(run({ data: { dialogues: [], heldBack: [], report: { conversations: 5, skipped: { unreviewed: 4, 'marked-bad': 1 } } } }));
    expect(err.code).toBe('colloquy_retrain_no_data');
    expect(err.message).toContain('no usable conversations');
    expect(err.message).toContain('4 unreviewed');
    expect(err.message).toContain('1 marked-bad');
    expect(await snapshotDir(modelsDir)).toEqual(before);
  });

  it('stops cleanly when killed mid-training: the active model and the registry are untouched', async () => {
    const before = await listVersions(modelsDir);
    const controller = new AbortController();
    let steps = 0;
    const err = await rejectionOf(run({ signal: controller.signal, onProgress: (e) => e.phase === 'train' && ++steps === 3 && controller.abort() }));
    expect(err.code).toBe('colloquy_training_interrupted');
    expect(await listVersions(modelsDir)).toEqual(before);
    expect(await readRegistry(modelsDir)).toBeUndefined();
    expect((await resolveActive(modelsDir)).name).toBe('default');
  });

  it('fine-tunes on the correction, passes the gate, promotes the candidate and writes lineage and report', async () => {
    const r = await run();
    expect(r.verdict.message).toMatch(/^gate passed/);
    expect(r.promoted).toBe(true);
    expect(r.parent).toBe('default');
    expect((await resolveActive(modelsDir)).name).toBe(r.version);
    expect((await readRegistry(modelsDir))!.history[0]).toMatchObject({ action: 'promote', version: r.version, previous: 'default' });

    const lineage = (await readLineage(r.dir))!;
    expect(lineage).toMatchObject({ version: r.version, parent: 'default', parentVersion: baseVersion, status: 'candidate' });
    expect(lineage.data.export).toMatchObject({ dialogues: 3, heldBack: 0 });
    expect(lineage.data.export.repeats).toBeGreaterThan(1); // oversampled
    expect(lineage.data.base).toMatchObject({ dialogues: QA.length * 16, file: 'tiny.jsonl' });
    expect(lineage.data.eval.turns).toBeGreaterThan(0);
    expect(lineage.settings.training).toMatchObject({ warmStartFrom: baseVersion, epochs: 8 });
    const report = await fs.readFile(r.report, 'utf8');
    expect(report).toContain('Gate passed:');
    expect(report.match(/data-series="(train|valid)"/g)!.length).toBeGreaterThanOrEqual(4);

    const g = await openGenerator(r.dir, 'wasm');
    try {
      expect(await ask(g.generator, NEW_Q)).toBe(NEW_A);
      for (const { q, a } of QA) expect(await ask(g.generator, q)).toBe(a); // the base corpus is not forgotten
    } finally {
      g.close();
    }
    const listed = await listVersions(modelsDir);
    expect(Object.fromEntries(listed.map((v) => [v.name, v.status]))).toEqual({ default: 'retired', [r.version]: 'active' });
    expect(listed[0].name).toBe(r.version); // newest first
    expect(listed[0].report).toBe(r.report);
  });

  it('keeps a worse candidate as refused, names the failing metric with both values, and keeps the active model', async () => {
    const active = (await resolveActive(modelsDir)).name;
    const r = await run({ fromScratch: true, training: { epochs: 1 } });
    expect(r.promoted).toBe(false);
    expect(r.parent).toBe(active);
    const ppl = r.verdict.checks.find((c) => c.metric === 'perWordPerplexity')!;
    expect(ppl.passed).toBe(false);
    expect(r.verdict.message).toContain(`per-word perplexity ${ppl.candidate.toFixed(ppl.candidate >= 100 ? 1 : 3)}`);
    expect(r.verdict.message).toContain(ppl.current.toFixed(3));
    expect((await resolveActive(modelsDir)).name).toBe(active);
    const v = (await listVersions(modelsDir)).find((x) => x.name === r.version)!;
    expect(v.status).toBe('refused');
    expect(v.gate!.message).toBe(r.verdict.message);
    expect(await fs.readFile(r.report, 'utf8')).toContain('Gate refused:');
    expect(await fs.stat(path.join(modelsDir, '.retrain')).catch(() => undefined)).toBeUndefined();
  });

  it('does not train the same run twice: same parent, data and settings → says so and changes nothing', async () => {
    const before = await snapshotDir(modelsDir);
    const err = await rejectionOf(run({ fromScratch: true, training: { epochs: 1 } }));
    expect(err.code).toBe('colloquy_retrain_nothing_new');
    expect(err.message).toMatch(/version [0-9a-f]{12} \(refused\) was already trained/);
    expect(await snapshotDir(modelsDir)).toEqual(before);
  });
});

/**
 * `colloquy retrain` and `colloquy models` as an operator runs them: real
 * child processes of `node bin/colloquy.js` (wasm), a real lowdb log and a
 * tiny model registry in a temp directory.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { readRegistry } from '../../src/registry/registry-file.ts';
import { snapshotDir, tempDir, tinyCorpus, toJsonl, trainTinyModel } from '../helpers/tiny.ts';
import { runColloquy } from '../helpers/cli.ts';
import { putConversation, reviewed } from './fixtures.ts';

let root: string;
let modelsDir: string;
let emptyLog: string;
let reviewedLog: string;
let base: string;

const colloquy = (args: string[]) => runColloquy(args, { env: { COLLOQUY_BACKEND: 'wasm', COLLOQUY_LOG_LEVEL: 'warn', COLLOQUY_MODEL: undefined, COLLOQUY_MODELS_DIR: undefined } });

beforeAll(async () => {
  root = await tempDir('retrain-cli');
  modelsDir = path.join(root, 'models');
  base = path.join(root, 'base.jsonl');
  await fs.writeFile(base, toJsonl(tinyCorpus()));
  await trainTinyModel(path.join(modelsDir, 'default'), 'wasm', { training: { epochs: 25 } });
  emptyLog = path.join(root, 'log-unreviewed');
  reviewedLog = path.join(root, 'log-reviewed');
  const unreviewed = await createLowdbStore({ dir: emptyLog });
  await putConversation(unreviewed, 'w1', [['user', 'Do you ship to Norway?'], ['bot', 'We open at nine.', { feedback: { value: 'down', at: '2025-01-01T10:00:00.000Z' } }]]);
  await unreviewed.close();
  const store = await createLowdbStore({ dir: reviewedLog });
  for (const id of ['w1', 'w2']) {
    await putConversation(store, id, [['user', 'Do you ship to Norway?'], ['bot', 'We open at nine.']], { review: reviewed('corrected', { [`${id}-2`]: 'Yes, Norway takes four days.' }) });
  }
  await store.close();
}, 300_000);

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('colloquy retrain and models', () => {
  it('refuses to retrain on a log with no reviewed conversations, says why, and changes nothing', async () => {
    const before = await snapshotDir(modelsDir);
    const r = await colloquy(['retrain', '--data-dir', emptyLog, '--models-dir', modelsDir, '--base', base]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no usable conversations');
    expect(r.stderr).toContain('1 unreviewed');
    expect(r.stderr).toContain('Nothing was changed');
    expect(r.stderr).toMatch(/hint: Review conversations first/);
    expect(await snapshotDir(modelsDir)).toEqual(before);
  });

  it('names the known versions when asked to promote an unknown one, and refuses a rollback with no history', async () => {
    const list = await colloquy(['models', 'list', '--models-dir', modelsDir]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^default\s+[0-9a-f]{12}\s+active/m);
    const bad = await colloquy(['models', 'promote', 'v-nope', '--models-dir', modelsDir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('There is no model version "v-nope"');
    expect(bad.stderr).toMatch(/hint: Known versions: default \([0-9a-f]{12}\) active/);
    const back = await colloquy(['models', 'rollback', '--models-dir', modelsDir]);
    expect(back.code).toBe(1);
    expect(back.stderr).toContain('nothing to roll back to');
  });

  it('retrains and promotes through the gate, refuses a worse run with exit status 3, and rolls back', async () => {
    const good = await colloquy(['retrain', '--data-dir', reviewedLog, '--models-dir', modelsDir, '--base', base, '--epochs', '8']);
    expect(good.stderr).not.toMatch(/error/);
    expect(good.code).toBe(0);
    const version = /Promoted: ([0-9a-f]{12}) is now active \(was default\)/.exec(good.stdout)?.[1];
    expect(version).toBeDefined();
    expect(good.stdout).toContain(`Report: ${path.join(modelsDir, version!, 'report.html')}`);
    expect(good.stderr).toMatch(/epoch 8\/8/); // the progress bar

    const worse = await colloquy(['retrain', '--data-dir', reviewedLog, '--models-dir', modelsDir, '--base', base, '--from-scratch', '--epochs', '1']);
    expect(worse.code).toBe(3);
    expect(worse.stdout).toMatch(/Not promoted — refused: per-word perplexity [\d.]+ is [\d.]+% above the current model's [\d.]+/);
    expect((await readRegistry(modelsDir))!.active).toBe(version);

    const list = await colloquy(['models', 'list', '--models-dir', modelsDir]);
    expect(list.stdout).toMatch(new RegExp(`^${version}\\s+active`, 'm'));
    expect(list.stdout).toMatch(/^[0-9a-f]{12}\s+refused/m);
    expect(list.stdout).toMatch(/^default\s+[0-9a-f]{12}\s+retired/m);

    const back = await colloquy(['models', 'rollback', '--models-dir', modelsDir]);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain('Rolled back: default');
    expect((await readRegistry(modelsDir))!.active).toBe('default');
  });
});

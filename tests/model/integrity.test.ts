/**
 * Verified models (issue 17 #3, #9): the manifest records the sha256 of the
 * model's files and the weights' version; loading refuses a changed file
 * naming it, hot reload keeps the serving model, and registry.json cannot
 * point outside the models directory.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR } from '../../src/config.ts';
import { rehashModel, verifyModelFiles } from '../../src/model/integrity.ts';
import { loadModel, readManifest } from '../../src/model/model-dir.ts';
import { promote } from '../../src/registry/promote.ts';
import { writeRegistry } from '../../src/registry/registry-file.ts';
import { ReloadingGenerator } from '../../src/registry/reloading-generator.ts';
import { resolveActive } from '../../src/registry/versions.ts';
import { initBackend } from '../../src/runtime/backend.ts';
import { createFakeLogger } from '../engine/helpers/harness.ts';
import { rejectionOf, tempDir } from '../helpers/tiny.ts';

let root: string;
beforeAll(async () => {
  root = await tempDir('integrity');
  await initBackend('wasm');
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

let n = 0;
/** A copy of the bundled model to tamper with. */
async function copyOfDefault(into = root, name = `m${++n}`): Promise<string> {
  const dir = path.join(into, name);
  await fs.cp(DEFAULT_MODEL_DIR, dir, { recursive: true });
  return dir;
}

/** Zeroes 1.2 MB of weights.bin, as the fault-injection run did. */
async function zeroWeights(dir: string): Promise<void> {
  const file = path.join(dir, 'weights.bin');
  const w = await fs.readFile(file);
  w.fill(0, 100_000, 100_000 + 1_200_000);
  await fs.writeFile(file, w);
}

async function editManifest(dir: string, edit: (m: Record<string, any>) => void): Promise<void> {
  const file = path.join(dir, 'manifest.json');
  const m = JSON.parse(await fs.readFile(file, 'utf8'));
  edit(m);
  await fs.writeFile(file, JSON.stringify(m, null, 2));
}

describe('verified models', () => {
  it('the bundled model records the hashes of its files, and they match (run `npm run model:rehash` after changing it)', async () => {
    const manifest = await readManifest(DEFAULT_MODEL_DIR);
    expect(Object.keys(manifest.files ?? {})).toEqual(expect.arrayContaining(['replies.json', 'tokenizer.json', 'weights.bin']));
    await verifyModelFiles(DEFAULT_MODEL_DIR, manifest);
  });

  it('zeroed weights are refused with an error naming weights.bin', async () => {
    const dir = await copyOfDefault();
    await zeroWeights(dir);
    const err = await rejectionOf(loadModel(dir));
    expect(err.code).toBe('colloquy_model_hash_mismatch');
    expect(err.message).toContain(path.join(dir, 'weights.bin'));
    expect((err as { hint?: string }).hint).toContain('npm run model:rehash');
  });

  it('a model from before the hashes (no `files`) is still checked: the version is the weights hash', async () => {
    const dir = await copyOfDefault();
    await editManifest(dir, (m) => delete m.files);
    (await loadModel(dir)).dispose();
    await zeroWeights(dir);
    expect((await rejectionOf(loadModel(dir))).code).toBe('colloquy_model_hash_mismatch');
  });

  it('a damaged reply index is refused at load, naming replies.json', async () => {
    const dir = await copyOfDefault();
    await fs.writeFile(path.join(dir, 'replies.json'), '{"format":"colloquy-replies", "con');
    const err = await rejectionOf(loadModel(dir));
    expect(err.code).toBe('colloquy_model_hash_mismatch');
    expect(err.message).toContain('replies.json');
  });

  it('a manifest with a wrong weight offset is refused even when the file hashes match', async () => {
    const dir = await copyOfDefault();
    let expected = 0;
    await editManifest(dir, (m) => {
      expected = m.weights[1].offset;
      m.weights[1].offset += 64;
    });
    await rehashModel(dir);
    const err = await rejectionOf(loadModel(dir));
    expect(err.code).toBe('colloquy_model_file_corrupt');
    expect(err.message).toContain(`weights.bin does not match its manifest: lstm0.wx starts at offset ${expected + 64}, expected ${expected}`);
  });

  it('after a change on purpose, model:rehash records the new hashes and version, and the model loads as that version', async () => {
    const dir = await copyOfDefault();
    await zeroWeights(dir);
    const { version, changed } = await rehashModel(dir);
    expect(changed).toEqual(['weights.bin', 'version']);
    const model = await loadModel(dir);
    expect(model.manifest.version).toBe(version);
    model.dispose();
  });
});

describe('hot reload and the registry', () => {
  it('keeps the serving model when the promoted one does not match its manifest', async () => {
    const modelsDir = path.join(root, 'registry-reload');
    await copyOfDefault(modelsDir, 'good');
    await zeroWeights(await copyOfDefault(modelsDir, 'tampered'));
    await writeRegistry(modelsDir, { format: 'colloquy-registry', formatVersion: 1, active: 'good', history: [] });
    const logger = createFakeLogger();
    const generator = await ReloadingGenerator.open({ modelsDir, logger, watch: false, pollMs: false });
    try {
      await promote(modelsDir, 'tampered', { force: true });
      expect(await generator.reload()).toBe(false);
      expect(generator.activeName).toBe('good');
      const failure = logger.lines.find(([level, msg]) => level === 'error' && /model reload failed/.test(msg));
      expect(String(failure?.[2]?.error)).toContain(path.join(modelsDir, 'tampered', 'weights.bin'));
      const reply = await generator.reply([{ speaker: 'user', text: 'Where is my order?' }]).result;
      expect(reply.modelVersion).toBe((await readManifest(path.join(modelsDir, 'good'))).version);
    } finally {
      await generator.close();
    }
  });

  it('refuses a registry.json whose active version points outside the models directory', async () => {
    const modelsDir = path.join(root, 'registry-escape');
    await copyOfDefault(modelsDir, 'default');
    await copyOfDefault(root, 'outside');
    await fs.writeFile(path.join(modelsDir, 'registry.json'), JSON.stringify({ format: 'colloquy-registry', formatVersion: 1, active: '../outside', history: [] }));
    const err = await rejectionOf(resolveActive(modelsDir));
    expect(err.code).toBe('colloquy_registry_corrupt');
    expect(err.message).toContain('names a model outside');
  });
});

/**
 * The model registry on disk: versions, promotion, rollback, and what a
 * crash can leave behind (half-written version dirs, a stray temp file, a
 * damaged registry.json).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { promote, rollback } from '../../src/registry/promote.ts';
import { readRegistry, registryPath } from '../../src/registry/registry-file.ts';
import { findVersion, listVersions, resolveActive } from '../../src/registry/versions.ts';
import { rejectionOf, tempDir } from '../helpers/tiny.ts';
import { copyModel, markRefused, trainTwoModels } from './fixtures.ts';

let root: string;
let trained: { a: string; b: string; bDir: string };
let modelsDir: string;
let pristine: string;

beforeAll(async () => {
  root = await tempDir('registry');
  pristine = path.join(root, 'pristine');
  trained = await trainTwoModels(pristine, root, 3); // the answers do not matter here, only distinct weights
}, 300_000);

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

let n = 0;
beforeEach(async () => {
  modelsDir = path.join(root, `models-${++n}`);
  await fs.cp(pristine, modelsDir, { recursive: true });
  await copyModel(trained.bDir, modelsDir, trained.b);
});

const statuses = async () => Object.fromEntries((await listVersions(modelsDir)).map((v) => [v.name, v.status]));

describe('without a registry file', () => {
  it('serves the bundled default and lists it as active, the other version as a candidate', async () => {
    expect((await resolveActive(modelsDir)).name).toBe('default');
    const versions = await listVersions(modelsDir);
    expect(versions.map((v) => v.name).sort()).toEqual(['default', trained.b].sort());
    expect(await statuses()).toEqual({ default: 'active', [trained.b]: 'candidate' });
    const d = versions.find((v) => v.name === 'default')!;
    expect(d.version).toBe(trained.a);
    expect(Number.isFinite(d.metrics.validLoss)).toBe(true);
    expect(Date.parse(d.createdAt)).toBeGreaterThan(0);
  });

  it('says clearly when there is no model at all', async () => {
    const empty = path.join(root, 'empty');
    await fs.mkdir(empty, { recursive: true });
    const err = await rejectionOf(resolveActive(empty));
    expect(err.code).toBe('colloquy_registry_no_active');
    expect(err.message).toContain(empty);
  });
});

describe('promote and rollback', () => {
  it('promotes a version by name, records it with the time, and retires the old one', async () => {
    const before = Date.now();
    const r = await promote(modelsDir, trained.b);
    expect(r).toMatchObject({ changed: true, previous: 'default' });
    expect((await resolveActive(modelsDir)).name).toBe(trained.b);
    const reg = (await readRegistry(modelsDir))!;
    expect(reg.active).toBe(trained.b);
    expect(reg.history).toHaveLength(1);
    expect(reg.history[0]).toMatchObject({ action: 'promote', version: trained.b, modelVersion: trained.b, previous: 'default' });
    expect(Date.parse(reg.history[0].at)).toBeGreaterThanOrEqual(before - 1000);
    expect(await statuses()).toEqual({ default: 'retired', [trained.b]: 'active' });
  });

  it('finds a version by its weights hash or a unique prefix of it', async () => {
    expect((await findVersion(modelsDir, trained.a)).name).toBe('default');
    expect((await findVersion(modelsDir, trained.b.slice(0, 8))).name).toBe(trained.b);
  });

  it('refuses an unknown version with an error that lists the known ones', async () => {
    const err = await rejectionOf(promote(modelsDir, 'no-such-version'));
    expect(err.code).toBe('colloquy_version_unknown');
    expect(err.message).toContain('no-such-version');
    expect((err as { hint?: string }).hint).toContain('default');
    expect((err as { hint?: string }).hint).toContain(trained.b);
    expect(await fs.stat(registryPath(modelsDir)).catch(() => undefined)).toBeUndefined();
  });

  it('rolls back along the chain of versions that served, and says when there is nothing left', async () => {
    await copyModel(path.join(modelsDir, 'default'), modelsDir, 'third'); // same weights, another name
    await promote(modelsDir, trained.b);
    await promote(modelsDir, 'third');
    expect((await rollback(modelsDir)).active.name).toBe(trained.b);
    expect((await rollback(modelsDir)).active.name).toBe('default');
    const err = await rejectionOf(rollback(modelsDir));
    expect(err.code).toBe('colloquy_registry_no_previous');
    expect((await resolveActive(modelsDir)).name).toBe('default');
    expect((await readRegistry(modelsDir))!.history.map((e) => `${e.action}:${e.version}`)).toEqual([`promote:${trained.b}`, 'promote:third', `rollback:${trained.b}`, 'rollback:default']);
  });

  it('keeps a refused version out unless forced, naming the metric that failed', async () => {
    await markRefused(path.join(modelsDir, trained.b), trained.b);
    expect((await statuses())[trained.b]).toBe('refused');
    const err = await rejectionOf(promote(modelsDir, trained.b));
    expect(err.code).toBe('colloquy_version_refused');
    expect(err.message).toContain('per-word perplexity');
    expect((await resolveActive(modelsDir)).name).toBe('default');
    await promote(modelsDir, trained.b, { force: true });
    expect((await resolveActive(modelsDir)).name).toBe(trained.b);
    await rollback(modelsDir);
    expect((await statuses())[trained.b]).toBe('retired'); // it served once
  });
});

describe('changes at the same time', () => {
  it('never loses one: concurrent promotions form one consistent chain', async () => {
    const names = ['v1', 'v2', 'v3', 'v4', 'v5'];
    for (const name of names) await copyModel(path.join(modelsDir, 'default'), modelsDir, name);
    await Promise.all(names.map((name) => promote(modelsDir, name)));
    const reg = (await readRegistry(modelsDir))!;
    expect(reg.history.map((e) => e.version).sort()).toEqual(names);
    reg.history.forEach((e, i) => expect(e.previous).toBe(i === 0 ? 'default' : reg.history[i - 1].version));
    expect(reg.active).toBe(reg.history[4].version);
    expect(await fs.readdir(modelsDir)).not.toContain('.registry.lock');
  });

  it('breaks a lock left behind by a killed process', async () => {
    const lock = path.join(modelsDir, '.registry.lock');
    await fs.mkdir(lock);
    const old = new Date(Date.now() - 120_000);
    await fs.utimes(lock, old, old);
    await promote(modelsDir, trained.b);
    expect((await resolveActive(modelsDir)).name).toBe(trained.b);
  });
});

describe('after a crash', () => {
  it('ignores half-written version directories and work in progress', async () => {
    const half = path.join(modelsDir, 'half');
    await fs.mkdir(half);
    await fs.copyFile(path.join(modelsDir, 'default', 'weights.bin'), path.join(half, 'weights.bin')); // killed before the manifest
    const noWeights = path.join(modelsDir, 'no-weights');
    await fs.mkdir(noWeights);
    await fs.copyFile(path.join(modelsDir, 'default', 'manifest.json'), path.join(noWeights, 'manifest.json'));
    await fs.cp(path.join(modelsDir, 'default'), path.join(modelsDir, `${trained.b}.staging-1234`), { recursive: true });
    await fs.cp(path.join(modelsDir, 'default'), path.join(modelsDir, '.retrain'), { recursive: true });
    expect((await listVersions(modelsDir)).map((v) => v.name).sort()).toEqual(['default', trained.b].sort());
    expect((await rejectionOf(promote(modelsDir, 'half'))).code).toBe('colloquy_version_unknown');
    expect((await rejectionOf(promote(modelsDir, 'no-weights'))).code).toBe('colloquy_version_unknown');
  });

  it('keeps the last complete registry when a write was cut off before its rename', async () => {
    await promote(modelsDir, trained.b);
    await fs.writeFile(path.join(modelsDir, `.registry.json.999.${Date.now()}.tmp`), '{"format":"colloq'); // the temp file of a killed write
    expect((await resolveActive(modelsDir)).name).toBe(trained.b);
    expect(await statuses()).toEqual({ default: 'retired', [trained.b]: 'active' });
  });

  it('refuses a damaged registry.json with a message naming the file, and changes nothing', async () => {
    await fs.writeFile(registryPath(modelsDir), '{"format": "colloquy-registry", "act');
    const err = await rejectionOf(resolveActive(modelsDir));
    expect(err.code).toBe('colloquy_registry_corrupt');
    expect(err.message).toContain(registryPath(modelsDir));
    expect((await rejectionOf(promote(modelsDir, trained.b))).code).toBe('colloquy_registry_corrupt');
    expect(await fs.readFile(registryPath(modelsDir), 'utf8')).toBe('{"format": "colloquy-registry", "act');
  });

  it('names the missing model when registry.json points at a deleted version', async () => {
    await promote(modelsDir, trained.b);
    await fs.rm(path.join(modelsDir, trained.b), { recursive: true });
    const err = await rejectionOf(resolveActive(modelsDir));
    expect(err.code).toBe('colloquy_registry_active_missing');
    expect(err.message).toContain(trained.b);
  });
});

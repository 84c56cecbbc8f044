/**
 * Changing what serves: adding a finished version, promoting one, rolling
 * back. Every change is one atomic write of registry.json, made after the
 * version directory is complete — a crash at any point leaves the registry
 * naming a whole model.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ColloquyError } from '../errors.ts';
import { readManifest } from '../model/model-dir.ts';
import { activeChain, DEFAULT_VERSION_DIR, readRegistry, withRegistryLock, writeRegistry, type RegistryEvent, type RegistryFile } from './registry-file.ts';
import { findVersion, listVersions, type ModelVersion } from './versions.ts';

/**
 * Moves a finished model directory (`staged`, on the same file system) into
 * `modelsDir/<name>` in one rename. The name must be new: a version is never
 * overwritten.
 */
export async function addVersion(modelsDir: string, staged: string, name: string): Promise<string> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) throw new ColloquyError('version_name_invalid', `"${name}" is not a valid version name (letters, digits, - and _)`);
  await readManifest(staged); // only whole models go in
  const target = path.join(modelsDir, name);
  if (await fs.stat(target).then(() => true, () => false)) {
    throw new ColloquyError('version_exists', `Version ${name} already exists in ${modelsDir}`, 'The new model has the same weights as an existing version; nothing was added.');
  }
  await fs.mkdir(modelsDir, { recursive: true });
  await fs.rename(staged, target);
  return target;
}

export interface PromoteOptions {
  /** Promote even a version the gate refused. */
  force?: boolean;
  /** Recorded in the history (default `by operator`). */
  note?: string;
  now?: Date;
}

/** What a promotion or rollback did. */
export interface ActivationResult {
  /** The version now active. */
  active: ModelVersion;
  /** Directory name of the version active before. */
  previous: string;
  /** False when the version was already active (nothing was written). */
  changed: boolean;
}

/**
 * Makes a version the active one. A version the gate refused needs `force`.
 *
 * @example
 * await promote('models', '3f9a0c1b2d4e');
 */
export function promote(modelsDir: string, wanted: string, options: PromoteOptions = {}): Promise<ActivationResult> {
  return withRegistryLock(modelsDir, () => promoteLocked(modelsDir, wanted, options));
}

async function promoteLocked(modelsDir: string, wanted: string, options: PromoteOptions): Promise<ActivationResult> {
  const target = await findVersion(modelsDir, wanted);
  const registry = await readRegistry(modelsDir);
  const { event, result } = planPromotion(registry, target, options);
  if (event) await writeRegistry(modelsDir, appendEvent(registry, event));
  return result;
}

/**
 * What promoting `target` means for `registry`: the event to append (none
 * when it is already active) and the result. Shared by the registry file and
 * the registry in the database.
 */
export function planPromotion(registry: RegistryFile | undefined, target: ModelVersion, { force = false, note, now = new Date() }: PromoteOptions): { event?: RegistryEvent; result: ActivationResult } {
  const previous = registry?.active ?? DEFAULT_VERSION_DIR;
  if (previous === target.name) return { result: { active: target, previous, changed: false } };
  if (target.status === 'refused' && !force) {
    throw new ColloquyError('version_refused', `Version ${target.name} was refused by the evaluation gate: ${target.gate?.message.replace(/^refused: /, '') ?? 'see its report'}`, 'Promote it anyway with --force, or retrain.');
  }
  const event: RegistryEvent = { action: 'promote', version: target.name, modelVersion: target.version, previous, at: now.toISOString(), note: note ?? (target.status === 'refused' ? 'by operator, past a refused gate' : 'by operator') };
  return { event, result: { active: { ...target, status: 'active' }, previous, changed: true } };
}

/**
 * Makes the version that was active before the current one active again.
 *
 * @example
 * const { active, previous } = await rollback('models');
 */
export function rollback(modelsDir: string, options: { now?: Date; note?: string } = {}): Promise<ActivationResult> {
  return withRegistryLock(modelsDir, () => rollbackLocked(modelsDir, options));
}

async function rollbackLocked(modelsDir: string, options: { now?: Date; note?: string }): Promise<ActivationResult> {
  const registry = await readRegistry(modelsDir);
  const { event, result } = planRollback(registry, await listVersions(modelsDir), modelsDir, options);
  await writeRegistry(modelsDir, appendEvent(registry, event));
  return result;
}

/** What rolling back `registry` means: the event to append and the result; `known` are the versions there are, `where` names the registry in errors. */
export function planRollback(registry: RegistryFile | undefined, known: ModelVersion[], where: string, { now = new Date(), note }: { now?: Date; note?: string }): { event: RegistryEvent; result: ActivationResult } {
  const chain = activeChain(registry);
  const current = chain[chain.length - 1];
  const back = chain[chain.length - 2];
  if (!back) {
    throw new ColloquyError('registry_no_previous', `There is nothing to roll back to: ${current} is the first version that served from ${where}`, 'Promote a version by name: colloquy models promote <version> (see colloquy models list).');
  }
  const target = known.find((v) => v.name === back);
  if (!target) throw new ColloquyError('registry_previous_missing', `The previous version ${back} is no longer in ${where}`, `Promote another version by name; known: ${known.map((v) => v.name).join(', ') || 'none'}.`);
  const event: RegistryEvent = { action: 'rollback', version: back, modelVersion: target.version, previous: current, at: now.toISOString(), note: note ?? 'by operator' };
  return { event, result: { active: { ...target, status: 'active' }, previous: current, changed: true } };
}

/** The registry with `event` appended (and made active). */
export function appendEvent(registry: RegistryFile | undefined, event: RegistryEvent): RegistryFile {
  return { format: 'colloquy-registry', formatVersion: 1, active: event.version, history: [...(registry?.history ?? []), event] };
}

/**
 * `models/registry.json`: which model version serves, and every promotion and
 * rollback with its time. Written atomically, always after the version
 * directory it points to is complete, so a crash leaves either the old or the
 * new pointer — never one to a half-written model.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ColloquyError } from '../errors.ts';
import { readTextIfExists, writeFileAtomic } from '../util/fs-atomic.ts';

export const REGISTRY_FILE = 'registry.json';

/** The model directory that serves when there is no registry yet. */
export const DEFAULT_VERSION_DIR = 'default';

/** One change of the active model. */
export interface RegistryEvent {
  action: 'promote' | 'rollback';
  /** Directory name (under the models dir) of the model made active. */
  version: string;
  /** Its manifest version (the weights hash bot turns are logged with). */
  modelVersion: string;
  /** Directory name of the model active before. */
  previous?: string;
  /** ISO time. */
  at: string;
  /** Why: `gate passed`, `by operator`, `forced past a refused gate`, ... */
  note?: string;
}

/** The registry file's content. */
export interface RegistryFile {
  format: 'colloquy-registry';
  formatVersion: 1;
  /** Directory name of the active model. */
  active: string;
  history: RegistryEvent[];
}

/** Path of the registry file in a models directory. */
export function registryPath(modelsDir: string): string {
  return path.join(modelsDir, REGISTRY_FILE);
}

/** Reads `registry.json`; undefined when there is none yet. A damaged file is an error naming it. */
export async function readRegistry(modelsDir: string): Promise<RegistryFile | undefined> {
  const file = registryPath(modelsDir);
  const raw = await readTextIfExists(file);
  if (raw === undefined) return undefined;
  const hint = `Restore it from a backup, or delete it to fall back to ${path.join(modelsDir, DEFAULT_VERSION_DIR)} (the promotion history is then lost).`;
  let r: RegistryFile;
  try {
    r = JSON.parse(raw);
  } catch {
    throw new ColloquyError('registry_corrupt', `${file} is not valid JSON`, hint);
  }
  if (r?.format !== 'colloquy-registry' || typeof r.active !== 'string' || !r.active || !Array.isArray(r.history)) {
    throw new ColloquyError('registry_corrupt', `${file} is not a Colloquy model registry`, hint);
  }
  // every name is a directory directly inside the models directory: "../../elsewhere" must not load a model from outside
  const names = [r.active, ...r.history.flatMap((e) => [e?.version, e?.previous])].filter((n) => n !== undefined && n !== null);
  const outside = names.find((n) => !isVersionName(n));
  if (outside !== undefined) {
    throw new ColloquyError('registry_corrupt', `${file} names a model outside ${modelsDir}: ${JSON.stringify(String(outside).slice(0, 200))}`, `Versions are directory names inside the models directory (letters, digits, ., _ and -). ${hint}`);
  }
  return r;
}

/**
 * True for a version directory name: letters, digits, `.`, `_`, `-`, not
 * starting with a dot (so never `..` or a path).
 *
 * @example
 * isVersionName('e822d52c29fc'); // true
 * isVersionName('../../etc'); // false
 */
export function isVersionName(name: unknown): name is string {
  return typeof name === 'string' && /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/.test(name);
}

/** Writes `registry.json` atomically (temp file, then rename). */
export async function writeRegistry(modelsDir: string, r: RegistryFile): Promise<void> {
  await fs.mkdir(modelsDir, { recursive: true });
  await writeFileAtomic(registryPath(modelsDir), JSON.stringify(r, null, 2) + '\n');
}

/**
 * The chain of active versions the history leaves, oldest first: a promotion
 * pushes, a rollback pops. The last entry is the active version; the one
 * before it is where a rollback goes.
 */
export function activeChain(r: RegistryFile | undefined): string[] {
  if (!r) return [DEFAULT_VERSION_DIR];
  const chain: string[] = [];
  for (const e of r.history) {
    if (chain.length === 0 && e.previous) chain.push(e.previous);
    if (e.action === 'promote') {
      if (chain[chain.length - 1] !== e.version) chain.push(e.version);
    } else {
      chain.pop();
      if (chain[chain.length - 1] !== e.version) chain.push(e.version);
    }
  }
  if (chain[chain.length - 1] !== r.active) chain.push(r.active); // a hand-edited file: trust `active`
  return chain;
}

const LOCK_DIR = '.registry.lock';
/** A lock older than this was left by a killed process and is broken. */
const STALE_LOCK_MS = 30_000;

/**
 * Runs `fn` holding the registry's lock (a directory created atomically), so
 * two processes changing registry.json at once — a scheduled retrain and an
 * operator's rollback — never lose one of the changes. Waits up to `waitMs`.
 */
export async function withRegistryLock<T>(modelsDir: string, fn: () => Promise<T>, waitMs = 10_000): Promise<T> {
  const lock = path.join(modelsDir, LOCK_DIR);
  await fs.mkdir(modelsDir, { recursive: true });
  const end = Date.now() + waitMs;
  for (;;) {
    try {
      await fs.mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await fs.stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > STALE_LOCK_MS) {
        await fs.rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > end) throw new ColloquyError('registry_busy', `The model registry in ${modelsDir} is being changed by another process`, `Try again in a moment; if no other colloquy is running, delete ${lock}.`);
      await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lock, { recursive: true, force: true });
  }
}

/**
 * Verified models: the manifest records the sha256 of every file the model
 * runs on (`files`), and its `version` is the weights' hash. Loading checks
 * both and refuses a model whose files were changed or damaged, naming the
 * file — a zeroed weights.bin would otherwise load and serve garbage under
 * the original's version. Whoever changes a model's files on purpose records
 * the new hashes: `npm run model:rehash -- models/<name>`.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ColloquyError } from '../errors.ts';
import { writeFileAtomic } from '../util/fs-atomic.ts';

/** The files of a model directory that hold the model, besides those a `scorer` entry names. */
export const MODEL_FILES = ['weights.bin', 'tokenizer.json', 'replies.json', 'claims.json', 'selection.json'] as const;
const MANIFEST = 'manifest.json';

/** The hash-related fields of a manifest. */
export interface HashedManifest {
  version: string;
  /** File name → sha256 (hex) of every model file present when the model was saved or rehashed. */
  files?: Record<string, string>;
  /** Out-of-scope scorer (see the oos work): any file it names is hashed too. */
  scorer?: unknown;
}

const sha256Hex = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** The version a model with these weights has: the first 12 hex digits of their sha256. */
export const versionOf = (weights: Uint8Array): string => sha256Hex(weights).slice(0, 12);

/** Names of files in `dir` that a manifest's `scorer` entry mentions (any string value naming a file there). */
async function scorerFiles(dir: string, scorer: unknown): Promise<string[]> {
  const names = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string' && /^[\w.-]+$/.test(v) && v !== MANIFEST) names.add(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(scorer);
  const present: string[] = [];
  for (const name of names) if (await fs.stat(path.join(dir, name)).then((s) => s.isFile(), () => false)) present.push(name);
  return present;
}

/**
 * The sha256 of each model file present in `dir` (weights, tokenizer, reply
 * index, scorer files), and the version the weights give.
 *
 * @example
 * const { files, version } = await hashModelFiles('models/default', manifest);
 */
export async function hashModelFiles(dir: string, manifest: Pick<HashedManifest, 'scorer'>): Promise<{ files: Record<string, string>; version: string }> {
  const files: Record<string, string> = {};
  let version = '';
  for (const name of [...MODEL_FILES, ...(await scorerFiles(dir, manifest.scorer))].sort()) {
    const data = await fs.readFile(path.join(dir, name)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!data) continue;
    files[name] = sha256Hex(data);
    if (name === 'weights.bin') version = versionOf(data);
  }
  return { files, version };
}

/**
 * Checks every file the manifest lists against its sha256, and the weights
 * against the version. Throws `model_hash_mismatch` naming the first file
 * that differs, `model_file_missing` for a listed file that is gone.
 *
 * @example
 * await verifyModelFiles('models/default', manifest);
 */
export async function verifyModelFiles(dir: string, manifest: HashedManifest): Promise<void> {
  const manifestFile = path.join(dir, MANIFEST);
  const rehash = `If you changed the model on purpose, record its new hashes: npm run model:rehash -- ${dir}`;
  const read = async (name: string): Promise<Buffer> => {
    if (!/^[\w.-]+$/.test(name)) throw new ColloquyError('model_file_corrupt', `${manifestFile} lists a file outside the model directory: ${JSON.stringify(name)}`);
    const data = await fs.readFile(path.join(dir, name)).catch(() => undefined);
    if (!data) throw new ColloquyError('model_file_missing', `${path.join(dir, name)} is missing: ${manifestFile} lists it`, 'The model directory is incomplete: restore it, or train it again.');
    return data;
  };
  for (const [name, expected] of Object.entries(manifest.files ?? {})) {
    const actual = sha256Hex(await read(name));
    if (actual !== expected) {
      throw new ColloquyError('model_hash_mismatch', `${path.join(dir, name)} does not match ${manifestFile}: the file was changed or damaged (sha256 ${actual.slice(0, 12)}…, expected ${String(expected).slice(0, 12)}…); the model was not loaded`, `Restore the file. ${rehash}`);
    }
  }
  // the version is the weights' hash (also in manifests from before `files`)
  const version = versionOf(await read('weights.bin'));
  if (version !== manifest.version) {
    throw new ColloquyError('model_hash_mismatch', `${path.join(dir, 'weights.bin')} does not match ${manifestFile}: its hash gives version ${version}, the manifest says ${manifest.version}; the model was not loaded`, `Restore the file. ${rehash}`);
  }
}

/**
 * Records the current hashes (and the weights' version) in `dir`'s manifest;
 * with `only`, just those files' hashes (the version stays). Returns what
 * changed. For whoever changes a model's files on purpose.
 *
 * @example
 * const { version, changed } = await rehashModel('models/default');
 * await rehashModel(dir, ['replies.json']); // after rebuilding the reply index
 */
export async function rehashModel(dir: string, only?: string[]): Promise<{ version: string; files: Record<string, string>; changed: string[] }> {
  const file = path.join(dir, MANIFEST);
  const manifest = JSON.parse(await fs.readFile(file, 'utf8')) as HashedManifest & Record<string, unknown>;
  const current = await hashModelFiles(dir, manifest);
  if (!current.files['weights.bin']) throw new ColloquyError('model_file_missing', `No weights.bin in ${dir}`, 'Only a model directory can be rehashed.');
  const before = manifest.files ?? {};
  const files = only ? { ...before, ...Object.fromEntries(only.filter((n) => current.files[n]).map((n) => [n, current.files[n]])) } : current.files;
  const version = only ? manifest.version : current.version;
  const changed = [...new Set([...Object.keys(before), ...Object.keys(files)])].filter((n) => before[n] !== files[n]);
  if (manifest.version !== version) changed.push('version');
  await writeFileAtomic(file, JSON.stringify({ ...manifest, version, files }, null, 2) + '\n');
  return { version, files, changed };
}

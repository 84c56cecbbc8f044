import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ColloquyError } from '../errors.ts';
import { ClaimIndex } from '../facts/claims.ts';
import { FactSelection } from '../facts/selection.ts';
import { ReplyIndex } from '../retrieval/reply-index.ts';
import { Tokenizer } from '../tokenizer/index.ts';
import { replaceDirectory, writeFileAtomic } from '../util/fs-atomic.ts';
import { parseModelConfig, type ModelConfig } from './config.ts';
import { hashModelFiles, rehashModel, verifyModelFiles } from './integrity.ts';
import { disposeParams, paramsFromArrays, weightArrays, type GeneratorParams } from './params.ts';
import { readWeights, writeWeights, type WeightSpec } from './weights-file.ts';
import { Scorer, type ScorerManifestEntry } from '../understanding/scorer.ts';

/** The manifest format this build reads and writes. */
export const MANIFEST_FORMAT_VERSION = 1;
const MANIFEST = 'manifest.json';
const WEIGHTS = 'weights.bin';
const TOKENIZER = 'tokenizer.json';
/** The training replies consensus decoding weighs candidates against; optional (models from before it have none). */
export const REPLIES = 'replies.json';
/** The phrases the corpus's replies use for each value of an action's fields, for the fact check; optional (models from before it have none). */
export const CLAIMS = 'claims.json';
/** The chances that a reply states each fact the conversation holds, for consensus decoding; optional (models from before it have none). */
export const SELECTION = 'selection.json';

/** What `models/<name>/manifest.json` says about a model. */
export interface Manifest {
  format: 'colloquy-model';
  formatVersion: number;
  name: string;
  /** Content hash of the weights (first 12 hex digits of their sha256): changes whenever the model does; checked at load. */
  version: string;
  /** File name → sha256 of every model file (weights, tokenizer, reply index, scorer files); checked at load. */
  files?: Record<string, string>;
  createdAt: string;
  backend: string;
  config: ModelConfig;
  weights: WeightSpec[];
  corpus: { sha256: string; dialogues: number; tokens: number; file?: string };
  training: Record<string, unknown>;
  metrics: Record<string, number>;
  history?: unknown[];
  /** The out-of-scope scorer (scorer.json, scorer.bin) and its calibration; models from before it have none. */
  scorer?: ScorerManifestEntry;
}

/** A model loaded into memory: weights, tokenizer and manifest. */
export interface LoadedModel {
  dir: string;
  manifest: Manifest;
  config: ModelConfig;
  params: GeneratorParams;
  tokenizer: Tokenizer;
  /**
   * The training replies by context (`replies.json`; undefined when the model
   * has none), read on first use: only consensus decoding needs them, and
   * building the index costs start-up time and memory (0.2 s and 60 MB for the
   * bundled model, 1.3 s and 380 MB for SGD's 112k replies).
   */
  replies?: () => Promise<ReplyIndex | undefined>;
  /** The out-of-scope scorer, when the manifest lists one. */
  scorer?: Scorer;
  /** The phrases the fact check reads replies after an action with (`claims.json`; undefined when the model has none). */
  claims?: ClaimIndex;
  /** Which facts the conversation holds a reply likely states (`selection.json`; undefined when the model has none). */
  selection?: FactSelection;
  dispose(): void;
}

export type ManifestFields = Omit<Manifest, 'format' | 'formatVersion' | 'version' | 'weights' | 'config' | 'createdAt'>;

/**
 * Refuses to replace `dir` unless it is absent, empty, or a model directory
 * (it has a manifest.json): training never deletes a folder of other files.
 */
export async function assertReplaceable(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new ColloquyError('output_not_model', `${dir} is a file, not a model directory`, 'Choose another --out.');
    throw err;
  }
  if (entries.length > 0 && !entries.includes(MANIFEST)) {
    throw new ColloquyError('output_not_model', `${dir} is not empty and is not a Colloquy model directory; refusing to replace it`, 'Choose another --out, or empty that directory first.');
  }
}

/**
 * Writes a model directory in one piece: everything goes to a staging
 * directory beside `dir`, which then replaces `dir`, so a failure never leaves
 * a half-written model where a good one was.
 */
export async function saveModel(
  dir: string,
  config: ModelConfig,
  params: GeneratorParams,
  tokenizer: Tokenizer,
  fields: ManifestFields,
  { replies, claims, selection }: { replies?: ReplyIndex; claims?: ClaimIndex; selection?: FactSelection } = {},
): Promise<Manifest> {
  await assertReplaceable(dir);
  const staged = `${dir}.staging-${process.pid}`;
  await fs.rm(staged, { recursive: true, force: true });
  await fs.mkdir(staged, { recursive: true });
  try {
    const weights = await writeWeights(path.join(staged, WEIGHTS), await weightArrays(params));
    await tokenizer.save(path.join(staged, TOKENIZER));
    if (replies) await writeIndexFile(staged, REPLIES, replies);
    if (claims) await writeIndexFile(staged, CLAIMS, claims);
    if (selection) await writeIndexFile(staged, SELECTION, selection);
    const { version, files } = await hashModelFiles(staged, fields as { scorer?: unknown });
    const manifest: Manifest = { format: 'colloquy-model', formatVersion: MANIFEST_FORMAT_VERSION, version, createdAt: new Date().toISOString(), config, weights, ...fields, files };
    await writeFileAtomic(path.join(staged, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    await fs.mkdir(path.dirname(path.resolve(dir)), { recursive: true });
    await replaceDirectory(staged, dir);
    return manifest;
  } catch (err) {
    await fs.rm(staged, { recursive: true, force: true });
    throw err;
  }
}

/** Reads and checks a manifest; every problem names the file. */
export async function readManifest(dir: string): Promise<Manifest> {
  const file = path.join(dir, MANIFEST);
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch {
    throw new ColloquyError('model_file_missing', `No model at ${dir}: ${MANIFEST} is missing`, 'Train one with `colloquy train --data FILE --out DIR`, or pass --model models/default.');
  }
  let m: Manifest;
  try {
    m = JSON.parse(raw);
  } catch {
    throw new ColloquyError('model_file_corrupt', `${file} is not valid JSON`);
  }
  if (m?.format !== 'colloquy-model') throw new ColloquyError('model_file_corrupt', `${file} is not a Colloquy model manifest`);
  if (m.formatVersion !== MANIFEST_FORMAT_VERSION) {
    throw new ColloquyError('model_incompatible', `${file} has format version ${m.formatVersion}; this Colloquy reads version ${MANIFEST_FORMAT_VERSION}`, 'Retrain the model with this version, or use the Colloquy version that wrote it.');
  }
  m.config = parseModelConfig(m.config, file);
  if (!Array.isArray(m.weights)) throw new ColloquyError('model_file_corrupt', `${file} has no weights list`);
  return m;
}

/**
 * Loads `models/<name>/` without the corpus: manifest, tokenizer and weights,
 * after checking every file against the hashes in the manifest (a changed or
 * damaged file is refused, naming it).
 */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const manifest = await readManifest(dir);
  await verifyModelFiles(dir, manifest);
  const tokenizer = await Tokenizer.load(path.join(dir, TOKENIZER));
  if (tokenizer.vocabSize !== manifest.config.vocabSize) {
    throw new ColloquyError('model_file_corrupt', `${path.join(dir, TOKENIZER)} has ${tokenizer.vocabSize} tokens but the manifest says ${manifest.config.vocabSize}`);
  }
  const arrays = await readWeights(path.join(dir, WEIGHTS), manifest.weights);
  let params: GeneratorParams;
  try {
    params = paramsFromArrays(manifest.config, arrays);
  } catch (err) {
    throw new ColloquyError('model_file_corrupt', `${path.join(dir, WEIGHTS)} does not match its manifest: ${(err as Error).message}`);
  }
  let replies: Promise<ReplyIndex | undefined> | undefined;
  let scorer: Scorer | undefined;
  let claims: ClaimIndex | undefined;
  let selection: FactSelection | undefined;
  try {
    scorer = manifest.scorer ? await Scorer.load(dir, manifest.scorer) : undefined;
    claims = await loadClaims(dir);
    selection = await loadSelection(dir);
  } catch (err) {
    disposeParams(params);
    throw err;
  }
  return { dir, manifest, config: manifest.config, params, tokenizer, scorer, claims, selection, replies: () => (replies ??= loadReplies(dir)), dispose: () => disposeParams(params) };
}

/**
 * Puts a scorer into an existing model directory: its files, then the
 * manifest's `scorer` entry (written atomically; the weights and the model's
 * version are untouched, so the generator is the same model).
 */
export async function attachScorer(dir: string, scorer: Scorer): Promise<Manifest> {
  await readManifest(dir); // refuses a directory that is not a model
  const entry = await scorer.save(dir);
  const raw = JSON.parse(await fs.readFile(path.join(dir, MANIFEST), 'utf8')) as Record<string, unknown>;
  await writeFileAtomic(path.join(dir, MANIFEST), JSON.stringify({ ...raw, scorer: entry }, null, 2) + '\n');
  await rehashModel(dir, [entry.file, entry.weights]);
  return readManifest(dir);
}

/** Writes a model's reply index (`replies.json`), atomically, and records its hash in the manifest. */
export function saveReplies(dir: string, replies: ReplyIndex): Promise<void> {
  return saveIndexFile(dir, REPLIES, replies);
}

/** Writes a model's claim phrases (`claims.json`), atomically, and records its hash in the manifest. */
export function saveClaims(dir: string, claims: ClaimIndex): Promise<void> {
  return saveIndexFile(dir, CLAIMS, claims);
}

/** Writes a model's fact selection (`selection.json`), atomically, and records its hash in the manifest. */
export function saveSelection(dir: string, selection: FactSelection): Promise<void> {
  return saveIndexFile(dir, SELECTION, selection);
}

/** One of the indexes `colloquy index` writes, into a model directory whose manifest then records its hash. */
async function saveIndexFile(dir: string, name: string, index: { toJSON(): unknown }): Promise<void> {
  await writeIndexFile(dir, name, index);
  await rehashModel(dir, [name]);
}

/** One of the indexes, as one line of JSON, atomically. */
function writeIndexFile(dir: string, name: string, index: { toJSON(): unknown }): Promise<void> {
  return writeFileAtomic(path.join(dir, name), JSON.stringify(index.toJSON()) + '\n');
}

/** A model's reply index, or undefined when it has none; a damaged one is an error naming the file. */
function loadReplies(dir: string): Promise<ReplyIndex | undefined> {
  return loadIndexFile(dir, REPLIES, 'a reply index', ReplyIndex.fromJSON);
}

/** A model's claim phrases, or undefined when it has none; a damaged file is an error naming it. */
function loadClaims(dir: string): Promise<ClaimIndex | undefined> {
  return loadIndexFile(dir, CLAIMS, 'a claim index', ClaimIndex.fromJSON);
}

/** A model's fact selection, or undefined when it has none; a damaged file is an error naming it. */
function loadSelection(dir: string): Promise<FactSelection | undefined> {
  return loadIndexFile(dir, SELECTION, 'a fact selection', FactSelection.fromJSON);
}

/** One of the indexes `colloquy index` writes, parsed, or undefined when the file is absent. */
async function loadIndexFile<T>(dir: string, name: string, what: string, parse: (raw: unknown) => T): Promise<T | undefined> {
  const file = path.join(dir, name);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return parse(JSON.parse(text));
  } catch (err) {
    throw new ColloquyError('model_file_corrupt', `${file} is not ${what} (${(err as Error).message})`, 'Rebuild it with `colloquy index --model DIR --data FILE`, or delete it.');
  }
}

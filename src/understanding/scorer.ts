/**
 * The out-of-scope scorer of a model directory: `scorer.json` (shape,
 * vocabulary, intents, calibrated threshold) and `scorer.bin` (its weights,
 * float32). It has its own vocabulary and weights, so retraining the
 * generator never breaks it; `colloquy scorer` rebuilds it for any model.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ColloquyError } from '../errors.ts';
import { MESSAGE_KINDS, type MessageUnderstander, type Understanding } from '../engine/understanding.ts';
import { writeFileAtomic } from '../util/fs-atomic.ts';
import { denseFeatures, featureRows, words, type FeatureSpace } from './features.ts';
import { NeighbourIndex } from './neighbours.ts';
import { Network, type NetworkShape } from './network.ts';

export const SCORER_FILE = 'scorer.json';
export const SCORER_WEIGHTS = 'scorer.bin';
const SCORER_FORMAT_VERSION = 1;

/** What training measured and chose; kept in scorer.json and summarized in the manifest. */
export interface ScorerCalibration {
  /** Out-of-scope score at and above which the engine falls back. */
  threshold: number;
  /** Share of held-out in-domain turns the threshold was chosen to send to the fallback. */
  fallbackRate: number;
  /**
   * How much the distance to the nearest training message adds to the
   * network's out-of-scope logit (absent: the network alone, as in scorers
   * from before the neighbour index).
   */
  neighbourWeight?: number;
  /** Held-out figures measured when the threshold was chosen. */
  heldOut: { inDomain: number; inDomainFallbackRate: number; outOfScope: number; outOfScopeFallbackRate?: number; auroc?: number; intentAccuracy?: number };
}

/** The `scorer` entry of manifest.json. */
export interface ScorerManifestEntry extends ScorerCalibration {
  file: string;
  weights: string;
  intents: number;
  createdAt: string;
}

interface ScorerFile extends ScorerCalibration {
  format: 'colloquy-scorer';
  formatVersion: number;
  shape: NetworkShape;
  vocab: string[];
  buckets: number;
  /** Words of the in-scope training texts (the unknown-word share is counted against them). */
  known: string[];
  /** In-scope training messages the nearest-neighbour distance is measured against (absent in scorers from before it). */
  neighbours?: string[];
  intents: string[];
  createdAt: string;
}

/** A trained scorer: reads a message, says how out of scope it is, its kind and intent. */
export class Scorer implements MessageUnderstander {
  private readonly space: FeatureSpace;
  private readonly knownWords: Set<string>;

  constructor(
    readonly network: Network,
    readonly vocab: string[],
    readonly buckets: number,
    known: Iterable<string>,
    readonly intents: string[],
    readonly calibration: ScorerCalibration,
    readonly createdAt = new Date().toISOString(),
    readonly neighbours?: NeighbourIndex,
  ) {
    this.space = { vocab: new Map(vocab.map((w, i) => [w, i])), buckets };
    this.knownWords = new Set(known);
  }

  /** Out-of-scope score, kind and intent of one message. */
  understand(text: string): Understanding {
    const ws = words(text);
    const dense = denseFeatures(ws, (w) => this.knownWords.has(w));
    const f = this.network.forward(featureRows(ws, this.space), dense);
    let k = 0;
    for (let i = 1; i < f.kind.length; i++) if (f.kind[i] > f.kind[k]) k = i;
    const u: Understanding = {
      outOfScope: this.combine(f.kind[MESSAGE_KINDS.indexOf('off-topic')], text),
      threshold: this.calibration.threshold,
      kind: MESSAGE_KINDS[k],
      kindProbability: f.kind[k],
      unknownWords: dense[0],
    };
    if (this.intents.length) {
      let best = 0;
      for (let i = 1; i < f.intent.length; i++) if (f.intent[i] > f.intent[best]) best = i;
      u.intent = { name: this.intents[best], probability: f.intent[best] };
    }
    return u;
  }

  /**
   * The out-of-scope score: the network's probability, its logit raised by the
   * distance to the nearest training message when the scorer has neighbours.
   */
  private combine(networkProbability: number, text: string): number {
    const weight = this.calibration.neighbourWeight;
    if (!this.neighbours || !weight) return networkProbability;
    return withNeighbourDistance(networkProbability, this.neighbours.distance(text), weight);
  }

  /** Only the out-of-scope score (for evaluation loops). */
  score(text: string): number {
    return this.understand(text).outOfScope;
  }

  /** A copy with another calibration (the network and vocabulary are shared). */
  withCalibration(calibration: ScorerCalibration): Scorer {
    return new Scorer(this.network, this.vocab, this.buckets, this.knownWords, this.intents, calibration, this.createdAt, this.neighbours);
  }

  /** Writes scorer.json and scorer.bin into `dir`; returns the manifest entry. */
  async save(dir: string): Promise<ScorerManifestEntry> {
    const arrays = this.network.arrays();
    const bytes = Buffer.alloc(arrays.reduce((n, a) => n + a.byteLength, 0));
    let offset = 0;
    for (const a of arrays) {
      Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(bytes, offset);
      offset += a.byteLength;
    }
    const file: ScorerFile = {
      format: 'colloquy-scorer',
      formatVersion: SCORER_FORMAT_VERSION,
      shape: this.network.shape,
      vocab: this.vocab,
      buckets: this.buckets,
      known: [...this.knownWords].sort(),
      ...(this.neighbours ? { neighbours: [...this.neighbours.texts] } : {}),
      intents: this.intents,
      createdAt: this.createdAt,
      ...this.calibration,
    };
    await writeFileAtomic(path.join(dir, SCORER_WEIGHTS), bytes);
    await writeFileAtomic(path.join(dir, SCORER_FILE), JSON.stringify(file) + '\n');
    return { file: SCORER_FILE, weights: SCORER_WEIGHTS, intents: this.intents.length, createdAt: this.createdAt, ...this.calibration };
  }

  /** Reads a scorer from a model directory; a missing or damaged file is an error naming it. */
  static async load(dir: string, entry: Pick<ScorerManifestEntry, 'file' | 'weights'> = { file: SCORER_FILE, weights: SCORER_WEIGHTS }): Promise<Scorer> {
    const jsonPath = path.join(dir, entry.file);
    const binPath = path.join(dir, entry.weights);
    const hint = 'Rebuild it with `colloquy scorer --model DIR --data FILE`, or remove the "scorer" entry from manifest.json.';
    let meta: ScorerFile;
    let bytes: Buffer;
    try {
      meta = JSON.parse(await fs.readFile(jsonPath, 'utf8'));
      bytes = await fs.readFile(binPath);
    } catch (err) {
      throw new ColloquyError('scorer_file_corrupt', `The scorer in ${dir} cannot be read: ${(err as Error).message}`, hint);
    }
    if (meta?.format !== 'colloquy-scorer' || meta.formatVersion !== SCORER_FORMAT_VERSION) {
      throw new ColloquyError('scorer_file_corrupt', `${jsonPath} is not a scorer this Colloquy reads (format ${meta?.format} version ${meta?.formatVersion})`, hint);
    }
    const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const { rows, dim, dense, hidden, kinds, intents } = meta.shape;
    const sizes = [rows * dim, hidden * (dim + dense), hidden, kinds * hidden, kinds, intents * hidden, intents];
    if (floats.length !== sizes.reduce((a, b) => a + b, 0)) throw new ColloquyError('scorer_file_corrupt', `${binPath} holds ${floats.length} numbers; ${jsonPath} needs ${sizes.reduce((a, b) => a + b, 0)}`, hint);
    let at = 0;
    const arrays = sizes.map((n) => floats.subarray(at, (at += n)));
    const { threshold, fallbackRate, heldOut, neighbourWeight } = meta;
    if (meta.neighbours !== undefined && !(Array.isArray(meta.neighbours) && meta.neighbours.every((t) => typeof t === 'string'))) {
      throw new ColloquyError('scorer_file_corrupt', `${jsonPath} has a "neighbours" list that is not a list of messages`, hint);
    }
    const neighbours = meta.neighbours ? new NeighbourIndex(meta.neighbours) : undefined;
    return new Scorer(new Network(meta.shape, arrays), meta.vocab, meta.buckets, meta.known, meta.intents, { threshold, fallbackRate, ...(neighbourWeight ? { neighbourWeight } : {}), heldOut }, meta.createdAt, neighbours);
  }
}

/** The network's out-of-scope probability with `weight` × the nearest-neighbour distance added to its logit. */
export function withNeighbourDistance(networkProbability: number, distance: number, weight: number): number {
  return 1 / (1 + Math.exp(-(logit(networkProbability) + weight * distance)));
}

/** log(p / (1 − p)), with p kept off 0 and 1. */
export function logit(probability: number): number {
  const p = Math.min(1 - 1e-7, Math.max(1e-7, probability));
  return Math.log(p / (1 - p));
}

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
import { CUE_KINDS, KindCues, type KindCuesFile } from './kind-cues.ts';
import { NeighbourIndex } from './neighbours.ts';
import { Network, type NetworkShape } from './network.ts';

export const SCORER_FILE = 'scorer.json';
export const SCORER_WEIGHTS = 'scorer.bin';
const SCORER_FORMAT_VERSION = 1;

/** What training measured and chose; kept in scorer.json and summarized in the manifest. */
export interface ScorerCalibration {
  /** Out-of-scope score at and above which the engine falls back. */
  threshold: number;
  /**
   * Share of in-domain turns the threshold was chosen to send to the
   * fallback: of held-out turns or, when the corpus names ten topics or
   * more, of the turns of topics a probe was trained without
   * (`heldOut.novelTopics`).
   */
  fallbackRate: number;
  /**
   * How much the distance to the nearest training message adds to the
   * network's out-of-scope logit (absent: the network alone, as in scorers
   * from before the neighbour index).
   */
  neighbourWeight?: number;
  /**
   * How much the scorer's uncertainty about the intent (−log of the chosen
   * intent's probability) adds to the out-of-scope logit (absent: nothing;
   * scorers without intents).
   */
  intentWeight?: number;
  /**
   * What the combined logit is divided by before it becomes a score (absent:
   * 1). Set at training so that held-out in-scope turns spread over a few
   * units of it: with large evidence weights the logits run to ±100, where
   * every score would round to exactly 0 or 1 and no threshold could tell
   * messages apart.
   */
  temperature?: number;
  /** How the nearest training messages vote on the intent (absent: the networks alone). */
  intentVote?: IntentVote;
  /** Held-out figures measured when the threshold was chosen. */
  heldOut: {
    inDomain: number;
    inDomainFallbackRate: number;
    outOfScope: number;
    outOfScopeFallbackRate?: number;
    auroc?: number;
    intentAccuracy?: number;
    /** The topics (and their distinct user turns) left out of the probe whose rate the threshold was set for (absent: set on held-out turns). */
    novelTopics?: { topics: number; turns: number };
  };
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
  /** Each neighbour's intent, an index into `intents` (-1: none); absent when the corpus had no intents or the scorer is from before the vote. */
  neighbourIntents?: number[];
  /** Per-word counts behind the rare kinds' cues (absent in scorers from before them). */
  cues?: KindCuesFile;
  /** Networks in scorer.bin, one after the other, whose probabilities are averaged (absent: 1). */
  members?: number;
  intents: string[];
  createdAt: string;
}

const OFF_TOPIC = MESSAGE_KINDS.indexOf('off-topic');

/** A share of the neighbours' vote an intent always has, so that one no neighbour names keeps a chance. */
const VOTE_FLOOR = 0.01;

/**
 * Intents: the networks' probabilities times the vote of the most similar
 * training messages (each its similarity, shares floored at
 * {@link VOTE_FLOOR}) raised to `weight` — log-probability plus `weight` ×
 * log-share. Both chosen at training on held-out in-domain turns.
 */
export interface IntentVote {
  voters: number;
  weight: number;
}

/**
 * Each intent's share of the similarity of the nearest training messages that
 * carry one, floored; `labels` and `nearest` as a NeighbourIndex gives them.
 */
export function voteShares(nearest: ReadonlyArray<{ index: number; similarity: number }>, labels: readonly number[], intents: number): Float64Array {
  const shares = new Float64Array(intents);
  let total = 0;
  for (const { index, similarity } of nearest) {
    const label = labels[index];
    if (label < 0 || label >= intents) continue;
    shares[label] += similarity;
    total += similarity;
  }
  for (let i = 0; i < intents; i++) shares[i] = (total > 0 ? shares[i] / total : 0) + VOTE_FLOOR;
  return shares;
}

/** A trained scorer: reads a message, says how out of scope it is, its kind and intent. */
export class Scorer implements MessageUnderstander {
  private readonly space: FeatureSpace;
  private readonly knownWords: Set<string>;

  /**
   * `networks`: one or more networks of one shape trained from different
   * seeds; their probabilities are averaged.
   */
  constructor(
    readonly networks: readonly Network[],
    readonly vocab: string[],
    readonly buckets: number,
    known: Iterable<string>,
    readonly intents: string[],
    readonly calibration: ScorerCalibration,
    readonly createdAt = new Date().toISOString(),
    readonly neighbours?: NeighbourIndex,
    /** Words that mark the rare kinds (absent in scorers from before them, whose networks do not read them). */
    readonly cues?: KindCues,
  ) {
    this.space = { vocab: new Map(vocab.map((w, i) => [w, i])), buckets };
    this.knownWords = new Set(known);
  }

  /** Out-of-scope score, kind and intent of one message. */
  understand(text: string): Understanding {
    const { f, dense } = this.read(text);
    const intent = this.intents.length ? this.intentOf(text, f.intent) : undefined;
    const logit = this.evidenceLogit(f.kind[OFF_TOPIC], text, intent?.probability);
    let k = 0;
    for (let i = 1; i < f.kind.length; i++) if (f.kind[i] > f.kind[k]) k = i;
    return {
      outOfScope: logit === undefined ? f.kind[OFF_TOPIC] : 1 / (1 + Math.exp(-logit / (this.calibration.temperature ?? 1))),
      threshold: this.calibration.threshold,
      kind: MESSAGE_KINDS[k],
      kindProbability: f.kind[k],
      unknownWords: dense[0],
      ...(intent ? { intent } : {}),
    };
  }

  /** The shape every network of the scorer has. */
  get shape(): NetworkShape {
    return this.networks[0].shape;
  }

  /** The networks' intent probabilities for a message, averaged (before the neighbours' vote). */
  intentProbabilities(text: string): Float32Array {
    return this.read(text).f.intent;
  }

  /** A message's dense inputs and what the networks make of it. */
  private read(text: string): { f: { kind: Float32Array; intent: Float32Array }; dense: Float32Array } {
    const ws = words(text);
    // scorers from before the tone inputs and cues read the first three
    const dense = denseFeatures(text, ws, (w) => this.knownWords.has(w), this.cues && ((ws) => this.cues!.strongest(ws))).subarray(0, this.shape.dense);
    return { f: this.forward(featureRows(ws, this.space), dense), dense };
  }

  /** The networks' kind and intent probabilities, averaged. */
  private forward(rows: number[], dense: Float32Array): { kind: Float32Array; intent: Float32Array } {
    if (this.networks.length === 1) return this.networks[0].forward(rows, dense);
    const kind = new Float32Array(this.shape.kinds);
    const intent = new Float32Array(this.shape.intents);
    for (const network of this.networks) {
      const f = network.forward(rows, dense);
      f.kind.forEach((p, i) => (kind[i] += p / this.networks.length));
      f.intent.forEach((p, i) => (intent[i] += p / this.networks.length));
    }
    return { kind, intent };
  }

  /** The most likely intent: the networks' probabilities times the nearest training messages' vote, when the scorer has one. */
  private intentOf(text: string, probabilities: Float32Array): { name: string; probability: number } {
    const vote = this.calibration.intentVote;
    const labels = this.neighbours?.labels;
    const shares = vote && labels ? voteShares(this.neighbours!.nearestMany(text, vote.voters), labels, probabilities.length) : undefined;
    return pickIntent(this.intents, probabilities, shares, vote?.weight ?? 0);
  }

  /**
   * The networks' out-of-scope logit raised by the distance to the nearest
   * training message when the scorer has neighbours, and by its uncertainty
   * about the intent when it has intents; undefined when it has neither
   * (the score is then the networks' probability).
   */
  private evidenceLogit(networkProbability: number, text: string, intentProbability?: number): number | undefined {
    const { neighbourWeight, intentWeight } = this.calibration;
    const evidence: Evidence[] = [];
    if (this.neighbours && neighbourWeight) evidence.push({ value: this.neighbours.distance(text), weight: neighbourWeight });
    if (intentProbability !== undefined && intentWeight) evidence.push({ value: intentUncertainty(intentProbability), weight: intentWeight });
    return evidence.length ? combinedLogit(networkProbability, evidence) : undefined;
  }

  /** Only the out-of-scope score (for evaluation loops). */
  score(text: string): number {
    return this.understand(text).outOfScope;
  }

  /** A copy with another calibration (the network and vocabulary are shared). */
  withCalibration(calibration: ScorerCalibration): Scorer {
    return new Scorer(this.networks, this.vocab, this.buckets, this.knownWords, this.intents, calibration, this.createdAt, this.neighbours, this.cues);
  }

  /** Writes scorer.json and scorer.bin into `dir`; returns the manifest entry. */
  async save(dir: string): Promise<ScorerManifestEntry> {
    const arrays = this.networks.flatMap((n) => n.arrays());
    const bytes = Buffer.alloc(arrays.reduce((n, a) => n + a.byteLength, 0));
    let offset = 0;
    for (const a of arrays) {
      Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(bytes, offset);
      offset += a.byteLength;
    }
    const file: ScorerFile = {
      format: 'colloquy-scorer',
      formatVersion: SCORER_FORMAT_VERSION,
      shape: this.shape,
      ...(this.networks.length > 1 ? { members: this.networks.length } : {}),
      vocab: this.vocab,
      buckets: this.buckets,
      known: [...this.knownWords].sort(),
      ...(this.neighbours ? { neighbours: [...this.neighbours.texts] } : {}),
      ...(this.neighbours?.labels ? { neighbourIntents: [...this.neighbours.labels] } : {}),
      ...(this.cues ? { cues: this.cues.file } : {}),
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
    const members = meta.members ?? 1;
    const needed = members * sizes.reduce((a, b) => a + b, 0);
    if (!(Number.isInteger(members) && members >= 1) || floats.length !== needed) throw new ColloquyError('scorer_file_corrupt', `${binPath} holds ${floats.length} numbers; ${jsonPath} needs ${needed}`, hint);
    let at = 0;
    const networks = Array.from({ length: members }, () => new Network(meta.shape, sizes.map((n) => floats.subarray(at, (at += n)))));
    const { threshold, fallbackRate, heldOut, neighbourWeight, intentVote, intentWeight, temperature } = meta;
    if (meta.neighbours !== undefined && !(Array.isArray(meta.neighbours) && meta.neighbours.every((t) => typeof t === 'string'))) {
      throw new ColloquyError('scorer_file_corrupt', `${jsonPath} has a "neighbours" list that is not a list of messages`, hint);
    }
    const labels = meta.neighbourIntents;
    if (labels !== undefined && !(Array.isArray(labels) && labels.length === meta.neighbours?.length && labels.every((i) => Number.isInteger(i) && i >= -1 && i < meta.intents.length))) {
      throw new ColloquyError('scorer_file_corrupt', `${jsonPath} has a "neighbourIntents" list that does not match its neighbours and intents`, hint);
    }
    if (intentVote !== undefined && !(Number.isInteger(intentVote?.voters) && intentVote.voters >= 1 && intentVote.voters <= 1000 && Number.isFinite(intentVote.weight) && intentVote.weight >= 0)) {
      throw new ColloquyError('scorer_file_corrupt', `${jsonPath} has an "intentVote" that is not {voters: 1–1000, weight ≥ 0}`, hint);
    }
    if (temperature !== undefined && !(Number.isFinite(temperature) && temperature > 0)) {
      throw new ColloquyError('scorer_file_corrupt', `${jsonPath} has a "temperature" that is not a number > 0`, hint);
    }
    if (intentWeight !== undefined && !(Number.isFinite(intentWeight) && intentWeight >= 0)) {
      throw new ColloquyError('scorer_file_corrupt', `${jsonPath} has an "intentWeight" that is not a number ≥ 0`, hint);
    }
    const cues = meta.cues;
    const counts = (c: unknown): c is number[] => Array.isArray(c) && c.length === CUE_KINDS.length + 1 && c.every((n) => Number.isInteger(n) && n >= 0);
    if (cues !== undefined && !(Array.isArray(cues?.words) && Array.isArray(cues.counts) && cues.words.length === cues.counts.length && cues.counts.every(counts) && counts(cues.totals))) {
      throw new ColloquyError('scorer_file_corrupt', `${jsonPath} has "cues" that are not {words, counts, totals} for ${CUE_KINDS.join(', ')}`, hint);
    }
    const neighbours = meta.neighbours ? new NeighbourIndex(meta.neighbours, labels) : undefined;
    return new Scorer(networks, meta.vocab, meta.buckets, meta.known, meta.intents, { threshold, fallbackRate, ...(neighbourWeight ? { neighbourWeight } : {}), ...(labels && intentVote ? { intentVote } : {}), ...(intentWeight ? { intentWeight } : {}), ...(temperature ? { temperature } : {}), heldOut }, meta.createdAt, neighbours, cues && new KindCues(cues));
  }
}

/** The intent with the highest log-probability plus `weight` × log-share of the vote, and its probability under that product. */
export function pickIntent(intents: readonly string[], probabilities: Float32Array, shares: Float64Array | undefined, weight: number): { name: string; probability: number } {
  const n = probabilities.length;
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) scores[i] = -intentUncertainty(probabilities[i]) + (shares ? weight * Math.log(shares[i]) : 0);
  let best = 0;
  for (let i = 1; i < n; i++) if (scores[i] > scores[best]) best = i;
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.exp(scores[i] - scores[best]);
  return { name: intents[best], probability: 1 / total };
}

/** A signal beside the networks' out-of-scope logit and how much it adds to it. */
export interface Evidence {
  value: number;
  weight: number;
}

/** The networks' out-of-scope logit with each signal × its weight added. */
export function combinedLogit(networkProbability: number, evidence: readonly Evidence[]): number {
  return evidence.reduce((sum, e) => sum + e.weight * e.value, logit(networkProbability));
}

/** −log of the chosen intent's probability: 0 when the scorer is sure of the intent, large when many intents are as likely. */
export function intentUncertainty(probability: number): number {
  return -Math.log(Math.max(probability, 1e-12));
}

/** log(p / (1 − p)), with p kept off 0 and 1. */
export function logit(probability: number): number {
  const p = Math.min(1 - 1e-7, Math.max(1e-7, probability));
  return Math.log(p / (1 - p));
}

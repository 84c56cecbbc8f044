/**
 * `models/<version>/lineage.json`: where a retrained model came from (parent
 * version, data hashes and counts, settings) and how it did at the gate.
 * Written inside the version directory before that directory is moved into
 * place, so a version in the registry always has its whole lineage.
 */
import path from 'node:path';
import { ColloquyError } from '../errors.ts';
import { readTextIfExists, writeFileAtomic } from '../util/fs-atomic.ts';

export const LINEAGE_FILE = 'lineage.json';
export const REPORT_FILE = 'report.html';

/** Held-out metrics of one model, as the gate compares them. */
export interface EvalSummary {
  modelVersion: string;
  turns: number;
  perWordPerplexity: number;
  perTokenPerplexity: number;
  bleu4: number;
  distinct1: number;
  distinct2: number;
  avgLength: number;
}

/** Gate thresholds: per-word perplexity may rise at most `maxPplIncrease` (0.05 = 5 %); BLEU-4 must change by at least `minBleuDelta`. */
export interface GateSettings {
  maxPplIncrease: number;
  minBleuDelta: number;
}

/** One metric the gate checked. */
export interface GateCheck {
  metric: 'perWordPerplexity' | 'bleu4';
  candidate: number;
  current: number;
  /** The rule in words, e.g. `at most 5% above current`. */
  rule: string;
  passed: boolean;
}

/** The gate's verdict; `message` names every failing metric with both values. */
export interface GateVerdict {
  passed: boolean;
  checks: GateCheck[];
  message: string;
  settings: GateSettings;
}

/** A data set by content hash and size. */
export interface DataRef {
  sha256: string;
  dialogues: number;
  file?: string;
}

export interface Lineage {
  format: 'colloquy-lineage';
  formatVersion: 1;
  /** Manifest version (weights hash), also the directory name. */
  version: string;
  /** Directory name of the model this one was fine-tuned from and compared against. */
  parent?: string;
  parentVersion?: string;
  createdAt: string;
  data: {
    base: DataRef;
    /** The reviewed-log export; `repeats`: how many times it was repeated in the training mix. */
    export: DataRef & { heldBack: number; repeats: number; skipped: Record<string, number> };
    /** The fixed held-out set both models were scored on. */
    eval: DataRef & { turns: number };
    train: { dialogues: number; valid: number };
  };
  /** `runKey`: hash of the parent, the data and the settings; the same key means the same run. */
  settings: { fromScratch: boolean; training: Record<string, unknown>; gate: GateSettings; runKey?: string };
  evaluation: { candidate: EvalSummary; current: EvalSummary; gate: GateVerdict };
  /** At creation: `candidate` (gate passed) or `refused`. Whether it is active lives in registry.json. */
  status: 'candidate' | 'refused';
}

/** Reads a version's lineage; undefined when it has none (a model trained with `colloquy train`). */
export async function readLineage(dir: string): Promise<Lineage | undefined> {
  const file = path.join(dir, LINEAGE_FILE);
  const raw = await readTextIfExists(file);
  if (raw === undefined) return undefined;
  try {
    const l = JSON.parse(raw) as Lineage;
    if (l?.format !== 'colloquy-lineage') throw new Error('wrong format');
    return l;
  } catch {
    throw new ColloquyError('lineage_corrupt', `${file} is not a valid lineage file`);
  }
}

/** Writes a lineage file atomically. */
export async function writeLineage(dir: string, lineage: Lineage): Promise<void> {
  await writeFileAtomic(path.join(dir, LINEAGE_FILE), JSON.stringify(lineage, null, 2) + '\n');
}

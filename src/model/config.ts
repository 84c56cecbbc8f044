import { ColloquyError } from '../errors.ts';
import { parseCopyConfig, type CopyConfig } from './copy-config.ts';

/**
 * The shape of an LSTM generator. Saved inside every model directory, so a
 * model is self-describing (nanoGPT's habit).
 */
export interface ModelConfig {
  /** Tokens in the tokenizer's vocabulary (specials + bytes + merges). */
  vocabSize: number;
  /** Embedding width. 128 is enough for a few thousand subwords. */
  embedDim: number;
  /** LSTM hidden size per layer; the main knob for quality vs. speed. */
  hiddenSize: number;
  /** Stacked LSTM layers. One layer is the fast default. */
  layers: number;
  /** Dropout on the embedding, between layers and before the output (training only). */
  dropout: number;
  /** Copying tokens from the conversation (src/model/copy.ts); absent = a plain LSTM language model. */
  copy?: CopyConfig;
}

export const DEFAULT_MODEL_CONFIG: Omit<ModelConfig, 'vocabSize'> = {
  embedDim: 128,
  hiddenSize: 512,
  layers: 1,
  dropout: 0.1,
};

const KEYS = ['vocabSize', 'embedDim', 'hiddenSize', 'layers', 'dropout', 'copy'] as const;

/** Validates a model config read from a manifest or the CLI; unknown keys are an error, not ignored. */
export function parseModelConfig(raw: unknown, where = 'model config'): ModelConfig {
  if (!raw || typeof raw !== 'object') throw new ColloquyError('config_invalid', `${where} must be an object`);
  const obj = raw as Record<string, unknown>;
  const unknown = Object.keys(obj).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length) throw new ColloquyError('config_invalid', `${where} has unknown keys: ${unknown.join(', ')}`);
  const intIn = (key: string, min: number, max: number) => {
    const v = obj[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new ColloquyError('config_invalid', `${where}: ${key} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const dropout = obj.dropout;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new ColloquyError('config_invalid', `${where}: dropout must be a number in [0, 1), got ${JSON.stringify(dropout)}`);
  }
  return {
    vocabSize: intIn('vocabSize', 8, 1_000_000),
    embedDim: intIn('embedDim', 1, 8192),
    hiddenSize: intIn('hiddenSize', 1, 8192),
    layers: intIn('layers', 1, 8),
    dropout,
    ...(obj.copy !== undefined ? { copy: parseCopyConfig(obj.copy, where) } : {}),
  };
}

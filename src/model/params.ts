import * as tf from '@tensorflow/tfjs-core';
import { ColloquyError } from '../errors.ts';
import type { ModelConfig } from './config.ts';
import type { NamedArray } from './weights-file.ts';

/** One LSTM layer's weights; gate columns are laid out [i | f | o | g] so one sigmoid covers 3H. */
export interface LstmLayerParams {
  /** [inputDim, 4H] */ wx: tf.Variable;
  /** [H, 4H] */ wh: tf.Variable;
  /** [4H] */ b: tf.Variable;
}

/** All trainable weights of the generator. */
export interface GeneratorParams {
  /** [V, E] */ embedding: tf.Variable;
  layers: LstmLayerParams[];
  /** [H, V] */ outW: tf.Variable;
  /** [V] */ outB: tf.Variable;
  /** The copy mechanism's weights, when the config has `copy`. */
  copy?: CopyParams;
}

/** Weights of the copy mechanism (src/model/copy.ts). */
export interface CopyParams {
  /** [H, A] query from the state after reading the current token */ wq: tf.Variable;
  /** [H, A] key of a token from the state before reading it */ wk: tf.Variable;
  /** [H, 1] sentinel gate weights */ wg: tf.Variable;
  /** [1] sentinel gate bias */ bg: tf.Variable;
  /** Positions a prediction may copy from (config `copy.window`); not a weight. */
  window: number;
}

/** Flat, ordered list of named weights: the order weights are saved in. */
export function namedWeights(p: GeneratorParams): Array<{ name: string; variable: tf.Variable }> {
  const out = [{ name: 'embedding', variable: p.embedding }];
  p.layers.forEach((l, i) => {
    out.push({ name: `lstm${i}.wx`, variable: l.wx }, { name: `lstm${i}.wh`, variable: l.wh }, { name: `lstm${i}.b`, variable: l.b });
  });
  out.push({ name: 'out.w', variable: p.outW }, { name: 'out.b', variable: p.outB });
  if (p.copy) out.push({ name: 'copy.wq', variable: p.copy.wq }, { name: 'copy.wk', variable: p.copy.wk }, { name: 'copy.wg', variable: p.copy.wg }, { name: 'copy.bg', variable: p.copy.bg });
  return out;
}

/** The current weights as named float32 arrays, in save order. */
export async function weightArrays(p: GeneratorParams): Promise<NamedArray[]> {
  return Promise.all(namedWeights(p).map(async ({ name, variable }) => ({ name, shape: variable.shape, values: (await variable.data()) as Float32Array })));
}

/** The shape each named weight must have for a config. */
export function expectedShapes(c: ModelConfig): Record<string, number[]> {
  const shapes: Record<string, number[]> = { embedding: [c.vocabSize, c.embedDim] };
  for (let i = 0; i < c.layers; i++) {
    shapes[`lstm${i}.wx`] = [i === 0 ? c.embedDim : c.hiddenSize, 4 * c.hiddenSize];
    shapes[`lstm${i}.wh`] = [c.hiddenSize, 4 * c.hiddenSize];
    shapes[`lstm${i}.b`] = [4 * c.hiddenSize];
  }
  shapes['out.w'] = [c.hiddenSize, c.vocabSize];
  shapes['out.b'] = [c.vocabSize];
  if (c.copy) {
    shapes['copy.wq'] = [c.hiddenSize, c.copy.keyDim];
    shapes['copy.wk'] = [c.hiddenSize, c.copy.keyDim];
    shapes['copy.wg'] = [c.hiddenSize, 1];
    shapes['copy.bg'] = [1];
  }
  return shapes;
}

/** A variable made from a freshly computed tensor, without keeping the tensor itself alive. */
function variableOf(make: () => tf.Tensor): tf.Variable {
  return tf.tidy(() => tf.variable(make()));
}

/**
 * Fresh weights: uniform Glorot-style init, forget-gate bias 1 (keeps memory
 * early in training), deterministic for a seed.
 */
export function initParams(c: ModelConfig, seed: number): GeneratorParams {
  let s = seed;
  const uniform = (shape: number[], fanIn: number, fanOut: number) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const seed = s++;
    return variableOf(() => tf.randomUniform(shape, -limit, limit, 'float32', seed));
  };
  const H = c.hiddenSize;
  const layers = Array.from({ length: c.layers }, (_, i) => {
    const inDim = i === 0 ? c.embedDim : H;
    const bias = new Float32Array(4 * H);
    bias.fill(1, H, 2 * H); // forget gate
    return {
      wx: uniform([inDim, 4 * H], inDim, H),
      wh: uniform([H, 4 * H], H, H),
      b: variableOf(() => tf.tensor1d(bias)),
    };
  });
  const embeddingSeed = s++;
  const params: GeneratorParams = {
    embedding: variableOf(() => tf.randomUniform([c.vocabSize, c.embedDim], -0.1, 0.1, 'float32', embeddingSeed)),
    layers,
    outW: uniform([H, c.vocabSize], H, c.vocabSize),
    outB: variableOf(() => tf.zeros([c.vocabSize])),
  };
  // Drawn last, so a copy model's LSTM starts from the same weights as the plain one with the same seed.
  if (c.copy) {
    const A = c.copy.keyDim;
    params.copy = { wq: uniform([H, A], H, A), wk: uniform([H, A], H, A), wg: uniform([H, 1], H, 1), bg: variableOf(() => tf.zeros([1])), window: c.copy.window };
  }
  return params;
}

/** Builds params from saved arrays (name → values), checking every shape. */
export function paramsFromArrays(c: ModelConfig, arrays: Map<string, Float32Array>): GeneratorParams {
  const shapes = expectedShapes(c);
  const v = (name: string) => {
    const values = arrays.get(name);
    if (!values) throw new ColloquyError('model_file_corrupt', `The weights file has no ${name}`, 'The model directory is incomplete: train or copy it again.');
    return variableOf(() => tf.tensor(values, shapes[name], 'float32'));
  };
  return {
    embedding: v('embedding'),
    layers: Array.from({ length: c.layers }, (_, i) => ({ wx: v(`lstm${i}.wx`), wh: v(`lstm${i}.wh`), b: v(`lstm${i}.b`) })),
    outW: v('out.w'),
    outB: v('out.b'),
    ...(c.copy ? { copy: { wq: v('copy.wq'), wk: v('copy.wk'), wg: v('copy.wg'), bg: v('copy.bg'), window: c.copy.window } } : {}),
  };
}

/** Frees every weight tensor. */
export function disposeParams(p: GeneratorParams): void {
  for (const { variable } of namedWeights(p)) variable.dispose();
}

import * as tf from '@tensorflow/tfjs-core';
import type { LstmGenerator } from '../../src/generation/generator.ts';

/**
 * Live tensors, not counting the states a generator's prefix cache holds
 * (h and c per layer for each entry; bounded by its capacity): what must stay
 * flat from reply to reply.
 */
export function tensorsBesidesCache(g: LstmGenerator): number {
  const entries = g.cacheStats()?.entries ?? 0;
  return tf.memory().numTensors - entries * 2 * g.model.params.layers.length;
}

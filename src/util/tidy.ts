import * as tf from '@tensorflow/tfjs-core';

/**
 * Like tf.tidy, but returns any value: every tensor created inside is freed
 * unless it was passed to tf.keep (e.g. through keepState).
 */
export function tidyKeep<T>(fn: () => T): T {
  let out!: T;
  tf.tidy(() => {
    out = fn();
  });
  return out;
}

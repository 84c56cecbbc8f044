import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean sparse softmax cross-entropy: log-sum-exp minus the target logit, with
 * the gradient written directly (softmax − one-hot) so no [N, V] graph of
 * small ops is recorded.
 * @param logits [N, V]
 * @param labels int32 [N]
 * @returns scalar mean negative log-likelihood (nats per token)
 */
export function sparseCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const V = logits.shape[1];
  const fn = tf.customGrad(((lg: tf.Tensor, save: tf.GradSaveFunc) => {
    // Made inside and saved: tensors of the forward pass are freed before the backward one runs.
    const onehot = tf.cast(tf.oneHot(labels, V), 'float32');
    const lse = tf.logSumExp(lg, 1, true);
    save([lg, lse, onehot]);
    const picked = tf.sum(tf.mul(lg, onehot), 1, true);
    const value = tf.mean(tf.sub(lse, picked)) as tf.Scalar;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [l, s, onehot] = saved;
      const n = l.shape[0] as number;
      return tf.mul(tf.sub(tf.exp(tf.sub(l, s)), onehot), tf.div(dy, n));
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return fn(logits) as tf.Scalar;
}

/**
 * Per-row negative log-likelihood without gradients (evaluation).
 * @returns Float32Array [N] of −log p(label)
 */
export function rowNll(logits: tf.Tensor2D, labels: tf.Tensor1D): Float32Array {
  return tf.tidy(() => {
    const V = logits.shape[1];
    const lse = tf.logSumExp(logits, 1);
    const picked = tf.sum(tf.mul(logits, tf.cast(tf.oneHot(labels, V), 'float32')), 1);
    return tf.sub(lse, picked).dataSync() as Float32Array;
  });
}

import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean sparse softmax cross-entropy: log-sum-exp minus the target logit (see
 * `targetLogSoftmax`, whose gradient is written directly).
 * @param logits [N, V]
 * @param labels int32 [N]
 * @returns scalar mean negative log-likelihood (nats per token)
 */
export function sparseCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.neg(tf.mean(targetLogSoftmax(logits, labels))) as tf.Scalar;
}

/**
 * Log-softmax of each row's target with the gradient written directly
 * (one-hot − softmax), so no [N, V] graph of small ops is recorded.
 * @returns [N] log p_vocab(label)
 */
export function targetLogSoftmax(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  const V = logits.shape[1];
  const fn = tf.customGrad(((lg: tf.Tensor, save: tf.GradSaveFunc) => {
    // Made inside and saved: tensors of the forward pass are freed before the backward one runs.
    const onehot = tf.cast(tf.oneHot(labels, V), 'float32');
    const lse = tf.logSumExp(lg, 1, true);
    save([lg, lse, onehot]);
    const value = tf.reshape(tf.sub(tf.sum(tf.mul(lg, onehot), 1, true), lse), [-1]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [l, s, oh] = saved;
      return tf.mul(tf.sub(oh, tf.exp(tf.sub(l, s))), tf.reshape(dy, [-1, 1]));
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return fn(logits) as tf.Tensor1D;
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

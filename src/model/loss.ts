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
  const [N, V] = logits.shape;
  const fn = tf.customGrad(((lg: tf.Tensor, save: tf.GradSaveFunc) => {
    // Made inside and saved: tensors of the forward pass are freed before the backward one runs.
    // exp(l − max) is kept for the gradient, so the [N, V] exponentials are computed once.
    const max = tf.max(lg, 1, true);
    const e = tf.exp(tf.sub(lg, max));
    const sum = tf.sum(e, 1, true);
    const lse = tf.reshape(tf.add(tf.log(sum), max), [-1]);
    const flat = tf.add(tf.mul(tf.range(0, N, 1, 'int32'), tf.scalar(V, 'int32')), labels);
    const target = tf.gather(tf.reshape(lg, [-1]), flat);
    const onehot = tf.cast(tf.oneHot(labels, V), 'float32'); // wasm's OneHot ignores a float32 dtype (writes int bits)
    save([e, sum, onehot]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [ex, s, oh] = saved;
      return tf.mul(tf.sub(oh, tf.div(ex, s)), tf.reshape(dy, [-1, 1]));
    };
    return { value: tf.sub(target, lse), gradFunc };
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

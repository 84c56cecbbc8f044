import * as tf from '@tensorflow/tfjs-core';

/**
 * A layer's whole recurrence over a chunk as ONE differentiable op with a
 * hand-written gradient (PERFORMANCE.md: autodiff records thousands of small
 * kernels per training step). The forward loop keeps what the backward needs;
 * the backward loop runs 7 kernels a step (the recurrent matMul against a
 * transpose of W_h made once), and the gradient of W_h is one matMul over all
 * steps. Gate layout [i | f | o | g], as in lstm.ts.
 *
 * @param zx [T*B, 4H] input projection of every step (x·W_x + b), row t*B+b
 * @param wh [H, 4H]
 * @param h0 [B, H] and @param c0 [B, H] the state before the chunk
 * @param keep [T*B], 0 where a stream starts a new dialogue at that step (its state is zeroed first)
 * @returns [(T+1)*B, H]: the hidden state after each step (T*B rows), then the final cell state (B rows)
 */
export function lstmRecurrence(zx: tf.Tensor2D, wh: tf.Tensor2D, h0: tf.Tensor2D, c0: tf.Tensor2D, T: number, keep?: Float32Array): tf.Tensor2D {
  const [B, H] = h0.shape;
  const maskAt = (t: number): tf.Tensor2D | null => {
    if (!keep) return null;
    const row = keep.subarray(t * B, (t + 1) * B);
    return row.every((v) => v === 1) ? null : tf.tensor2d(row, [B, 1]);
  };
  const fn = tf.customGrad(((zxIn: tf.Tensor2D, whIn: tf.Tensor2D, hIn: tf.Tensor2D, cIn: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const steps = tf.split(zxIn, T, 0) as tf.Tensor2D[];
    const hs: tf.Tensor2D[] = [];
    const kept = { ifo: [] as tf.Tensor[], g: [] as tf.Tensor[], cPrev: [] as tf.Tensor[], hPrev: [] as tf.Tensor[], tc: [] as tf.Tensor[] };
    let h = hIn;
    let c = cIn;
    for (let t = 0; t < T; t++) {
      const m = maskAt(t);
      if (m) [h, c] = [tf.mul(h, m), tf.mul(c, m)];
      const z = tf.add(steps[t], tf.matMul(h, whIn));
      const ifo = tf.sigmoid(tf.slice(z, [0, 0], [B, 3 * H]));
      const g = tf.tanh(tf.slice(z, [0, 3 * H], [B, H]));
      const [i, f, o] = tf.split(ifo, 3, 1);
      kept.ifo.push(ifo);
      kept.g.push(g);
      kept.cPrev.push(c);
      kept.hPrev.push(h);
      c = tf.add(tf.mul(f, c), tf.mul(i, g));
      const tc = tf.tanh(c);
      kept.tc.push(tc);
      h = tf.mul(o, tc);
      hs.push(h);
    }
    const stacked = Object.fromEntries(Object.entries(kept).map(([k, list]) => [k, tf.concat(list, 0)])) as Record<keyof typeof kept, tf.Tensor2D>;
    save([whIn, stacked.ifo, stacked.g, stacked.cPrev, stacked.hPrev, stacked.tc]);
    const value = tf.concat([...hs, c], 0) as tf.Tensor2D;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [w, ifoAll, gAll, cPrevAll, hPrevAll, tcAll] = saved as tf.Tensor2D[];
      // Per-step factors, for all steps at once: dz = [dc, dc, dh, dc] ⊙ P, dc += dh ⊙ OD, dc_prev = dc ⊙ F.
      const [iAll, fAll, oAll] = tf.split(ifoAll, 3, 1);
      const dSig = tf.mul(ifoAll, tf.sub(1, ifoAll));
      const [dI, dF, dO] = tf.split(dSig, 3, 1);
      const P = tf.concat([tf.mul(gAll, dI), tf.mul(cPrevAll, dF), tf.mul(tcAll, dO), tf.mul(iAll, tf.sub(1, tf.square(gAll)))], 1);
      const OD = tf.mul(oAll, tf.sub(1, tf.square(tcAll)));
      const perStep = (x: tf.Tensor) => tf.split(x, T, 0) as tf.Tensor2D[];
      const [Ps, ODs, Fs] = [perStep(P), perStep(OD), perStep(fAll)];
      const dHs = perStep(tf.slice(dy, [0, 0], [T * B, H]));
      const wT = tf.transpose(w);
      let dh: tf.Tensor2D = tf.zerosLike(h0);
      let dc: tf.Tensor2D = tf.slice(dy, [T * B, 0], [B, H]) as tf.Tensor2D;
      const dz: tf.Tensor2D[] = new Array(T);
      for (let t = T - 1; t >= 0; t--) {
        dh = tf.add(dHs[t], dh);
        dc = tf.add(dc, tf.mul(dh, ODs[t]));
        dz[t] = tf.mul(tf.concat([dc, dc, dh, dc], 1), Ps[t]);
        dh = tf.matMul(dz[t], wT);
        dc = tf.mul(dc, Fs[t]);
        const m = maskAt(t);
        if (m) [dh, dc] = [tf.mul(dh, m), tf.mul(dc, m)];
      }
      const dZ = tf.concat(dz, 0);
      return [dZ, tf.matMul(hPrevAll, dZ, true, false), dh, dc];
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return fn(zx, wh, h0, c0) as tf.Tensor2D;
}

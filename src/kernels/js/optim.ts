import type { FloatArray } from '../../_lib/typed.js';

/** Hyperparameters of one SGD update (see {@link sgdUpdateJs}). */
export interface SgdHyper {
  /** Learning rate. */
  readonly lr: number;
  /** Momentum factor; 0 disables momentum (the buffer is then not touched). */
  readonly momentum: number;
  /** L2 penalty added to the gradient: g + weightDecay·p. */
  readonly weightDecay: number;
  /** Nesterov momentum (only with momentum > 0). */
  readonly nesterov: boolean;
}

/** Hyperparameters of one Adam/AdamW update (see {@link adamUpdateJs}). */
export interface AdamHyper {
  /** Learning rate. */
  readonly lr: number;
  /** Decay of the first-moment average, usually 0.9. */
  readonly beta1: number;
  /** Decay of the second-moment average, usually 0.999. */
  readonly beta2: number;
  /** Added to the bias-corrected sqrt of the second moment, usually 1e-8. */
  readonly eps: number;
  /** Weight decay: an L2 term in the gradient (Adam) or decoupled shrinkage (AdamW). */
  readonly weightDecay: number;
  /** true: AdamW's decoupled decay p -= lr·weightDecay·p; false: Adam's g += weightDecay·p. */
  readonly decoupled: boolean;
  /** The 1-based number of this step (1 on the first update), for bias correction. */
  readonly step: number;
}

/**
 * One SGD step in place, PyTorch semantics (dampening 0), for i < length:
 *
 *   d = g + weightDecay·p
 *   if momentum ≠ 0:  buf = momentum·buf + d;  d = nesterov ? d + momentum·buf : buf
 *   p = p − lr·d
 *
 * `buf` starts as zeros, which makes the first step buf = d, as PyTorch's.
 * With momentum = 0 `buf` is never read (an empty array is fine).
 *
 * @example
 * ```ts
 * const p = new Float32Array([1]), buf = new Float32Array(1);
 * const h = { lr: 0.1, momentum: 0.9, weightDecay: 0, nesterov: false };
 * sgdUpdateJs(p, new Float32Array([2]), buf, 1, h); // buf = [2], p = [0.8]
 * sgdUpdateJs(p, new Float32Array([2]), buf, 1, h); // buf = [3.8], p = [0.42]
 * ```
 */
export function sgdUpdateJs(
  p: FloatArray,
  g: FloatArray,
  buf: FloatArray,
  length: number,
  h: SgdHyper,
): void {
  const { lr, momentum, weightDecay: wd, nesterov } = h;
  if (momentum !== 0) {
    for (let i = 0; i < length; i++) {
      const pi = p[i]!;
      const d = g[i]! + wd * pi;
      const b = momentum * buf[i]! + d;
      buf[i] = b;
      p[i] = pi - lr * (nesterov ? d + momentum * b : b);
    }
  } else {
    for (let i = 0; i < length; i++) {
      const pi = p[i]!;
      p[i] = pi - lr * (g[i]! + wd * pi);
    }
  }
}

/**
 * The bias-correction factors of Adam step t:
 * stepSize = lr / (1 − β1^t) and bc2Sqrt = sqrt(1 − β2^t).
 *
 * @example
 * ```ts
 * adamFactors({ lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 });
 * // { stepSize: 1, bc2Sqrt: 0.0316... }
 * ```
 */
export function adamFactors(h: AdamHyper): { stepSize: number; bc2Sqrt: number } {
  return {
    stepSize: h.lr / (1 - Math.pow(h.beta1, h.step)),
    bc2Sqrt: Math.sqrt(1 - Math.pow(h.beta2, h.step)),
  };
}

/**
 * One Adam or AdamW step in place (Kingma and Ba, arXiv:1412.6980; AdamW:
 * Loshchilov and Hutter, arXiv:1711.05101), PyTorch semantics, for i < length,
 * with t = h.step (1-based):
 *
 *   Adam:  g = g + weightDecay·p            AdamW:  p = p − lr·weightDecay·p
 *   m = β1·m + (1 − β1)·g
 *   v = β2·v + (1 − β2)·g²
 *   p = p − lr/(1 − β1^t) · m / (sqrt(v)/sqrt(1 − β2^t) + eps)
 *
 * eps is added after the square root of the bias-corrected second moment, as
 * in PyTorch (TF/Keras add it to an uncorrected root instead). `m` and `v`
 * start as zeros and are updated in place; the gradient array is not written.
 *
 * @example
 * ```ts
 * // first step from zero moments: m̂ = g, v̂ = g², so p moves by lr·g/(|g| + eps) ≈ lr·sign(g)
 * const p = new Float32Array([1]), m = new Float32Array(1), v = new Float32Array(1);
 * adamUpdateJs(p, new Float32Array([0.5]), m, v, 1, {
 *   lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1,
 * }); // m = [0.05], v = [0.00025], p ≈ [0.9]
 * ```
 */
export function adamUpdateJs(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  length: number,
  h: AdamHyper,
): void {
  const { lr, beta1, beta2, eps, weightDecay: wd, decoupled } = h;
  const { stepSize, bc2Sqrt } = adamFactors(h);
  const coupled = decoupled ? 0 : wd;
  const shrink = decoupled ? 1 - lr * wd : 1;
  for (let i = 0; i < length; i++) {
    let pi = p[i]!;
    const gi = g[i]! + coupled * pi;
    pi *= shrink;
    const mi = beta1 * m[i]! + (1 - beta1) * gi;
    const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = pi - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}

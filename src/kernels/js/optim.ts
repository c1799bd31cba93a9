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

// Float32 arrays: the kernels compute in float64 and round once, when they
// store. That differs from PyTorch's float32 arithmetic (rounded after every
// operation) only in the last bit, except where an intermediate leaves the
// float32 range: PyTorch then holds ±Infinity (a momentum buffer, Adam's
// second moment) and the step follows from that, where the float64 value
// would step as if nothing had overflowed. So such a value is rounded to
// float32 before it is used; every other value keeps all its bits.
const F32_EDGE = 3.4e38; // just below the largest float32, 3.4028234663852886e38

/**
 * One SGD step in place, PyTorch semantics (dampening 0), for i < length:
 *
 *   d = g + weightDecay·p          (only when weightDecay ≠ 0)
 *   if momentum ≠ 0:  buf = momentum·buf + d;  d = nesterov ? d + momentum·buf : buf
 *   p = p − lr·d
 *
 * `buf` starts as zeros, which makes the first step buf = d, as PyTorch's.
 * With momentum = 0 `buf` is never read (an empty array is fine).
 *
 * As in PyTorch, the decay term is skipped when weightDecay is 0 (0·p would
 * be NaN at an infinite weight, which then stays infinite). On float32
 * arrays d, buf and the Nesterov sum overflow to ±Infinity where PyTorch's
 * float32 tensors do (gradients of 3e38, say), and the weight goes to
 * ∓Infinity with them.
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
  const f32 = p instanceof Float32Array;
  if (momentum !== 0) {
    for (let i = 0; i < length; i++) {
      const pi = p[i]!;
      let d = g[i]!;
      if (wd !== 0) {
        d += wd * pi;
        if (f32 && Math.abs(d) > F32_EDGE) d = Math.fround(d);
      }
      let b = momentum * buf[i]! + d;
      if (f32 && Math.abs(b) > F32_EDGE) b = Math.fround(b);
      buf[i] = b;
      if (nesterov) {
        d += momentum * b;
        if (f32 && Math.abs(d) > F32_EDGE) d = Math.fround(d);
      } else d = b;
      p[i] = pi - lr * d;
    }
  } else {
    for (let i = 0; i < length; i++) {
      const pi = p[i]!;
      let d = g[i]!;
      if (wd !== 0) {
        d += wd * pi;
        if (f32 && Math.abs(d) > F32_EDGE) d = Math.fround(d);
      }
      p[i] = pi - lr * d;
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
 * As in PyTorch, Adam's decay term is skipped when weightDecay is 0 (0·p
 * would be NaN at an infinite weight). On float32 arrays v overflows to
 * Infinity where PyTorch's float32 state does: with a gradient of 1e30,
 * v = (1 − β2)·g² = 1e57 is Infinity and the step m/(√∞ + eps) is 0, not a
 * step of about lr from a float64 v. (m cannot leave the float32 range with
 * finite gradients; the decayed gradient could, for |weightDecay·p| near
 * 3.4e38, and is not checked.)
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
  // (A flag tested per element measured faster than reading v[i] back.)
  const f32 = p instanceof Float32Array;
  for (let i = 0; i < length; i++) {
    let pi = p[i]!;
    const gi = coupled ? g[i]! + coupled * pi : g[i]!;
    pi *= shrink;
    const mi = beta1 * m[i]! + (1 - beta1) * gi;
    let vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
    if (f32 && vi > F32_EDGE) vi = Math.fround(vi);
    m[i] = mi;
    v[i] = vi;
    p[i] = pi - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}

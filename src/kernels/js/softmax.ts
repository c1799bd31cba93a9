import type { FloatArray } from '../../_lib/typed.js';

// x viewed as [outer, n, inner]; softmax over the middle axis. Subtract the
// max before exp: softmax is shift-invariant, and this keeps exp() finite for
// inputs of any size (exp(1000) would be Infinity).

export function softmaxJs(
  x: FloatArray,
  out: FloatArray,
  outer: number,
  n: number,
  inner: number,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let max = -Infinity;
      for (let q = 0; q < n; q++) max = Math.max(max, x[base + q * inner]!);
      if (max === -Infinity) max = 0; // a row of all -Infinity: exp gives 0/0 = NaN, as in PyTorch
      let sum = 0;
      for (let q = 0; q < n; q++) {
        const e = Math.exp(x[base + q * inner]! - max);
        out[base + q * inner] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let q = 0; q < n; q++) out[base + q * inner]! *= inv;
    }
  }
}

/** log-softmax = x - max - log Σ exp(x - max). */
export function logSoftmaxJs(
  x: FloatArray,
  out: FloatArray,
  outer: number,
  n: number,
  inner: number,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let max = -Infinity;
      for (let q = 0; q < n; q++) max = Math.max(max, x[base + q * inner]!);
      if (max === -Infinity) max = 0;
      let sum = 0;
      for (let q = 0; q < n; q++) sum += Math.exp(x[base + q * inner]! - max);
      const lse = max + Math.log(sum);
      for (let q = 0; q < n; q++) out[base + q * inner] = x[base + q * inner]! - lse;
    }
  }
}

/** log Σ exp over the middle axis, into out [outer, inner]. */
export function logSumExpJs(
  x: FloatArray,
  out: FloatArray,
  outer: number,
  n: number,
  inner: number,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let max = -Infinity;
      for (let q = 0; q < n; q++) max = Math.max(max, x[base + q * inner]!);
      if (!Number.isFinite(max)) {
        out[o * inner + i] = max; // all -Infinity gives -Infinity; any +Infinity gives +Infinity
        continue;
      }
      let sum = 0;
      for (let q = 0; q < n; q++) sum += Math.exp(x[base + q * inner]! - max);
      out[o * inner + i] = max + Math.log(sum);
    }
  }
}

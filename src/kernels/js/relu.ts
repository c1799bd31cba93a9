import type { FloatArray } from '../../_lib/typed.js';

/**
 * ReLU forward: out[i] = max(x[i], 0) for i < length; NaN stays NaN (as in
 * PyTorch). `out` may be `x`.
 *
 * @example
 * ```ts
 * const out = new Float32Array(3);
 * reluJs(new Float32Array([-1, 0.5, 2]), out, 3); // out = [0, 0.5, 2]
 * ```
 */
export function reluJs(x: FloatArray, out: FloatArray, length: number): void {
  for (let i = 0; i < length; i++) {
    const v = x[i]!;
    out[i] = v < 0 ? 0 : v; // NaN < 0 is false, so NaN passes through
  }
}

/**
 * ReLU backward: dx[i] = x[i] <= 0 ? 0 : dy[i] for i < length, as PyTorch's
 * threshold_backward. `x` may be the ReLU's input or its output (both are
 * positive at the same places, and NaN at the same places); the gradient at
 * exactly 0 is 0, and at NaN it passes through (NaN <= 0 is false), as in
 * PyTorch. `dx` may be `dy`.
 *
 * @example
 * ```ts
 * const dx = new Float32Array(4);
 * reluBackwardJs(new Float32Array([-1, 0, 2, NaN]), new Float32Array([5, 6, 7, 8]), dx, 4);
 * // dx = [0, 0, 7, 8]
 * ```
 */
export function reluBackwardJs(
  x: FloatArray,
  dy: FloatArray,
  dx: FloatArray,
  length: number,
): void {
  for (let i = 0; i < length; i++) dx[i] = x[i]! <= 0 ? 0 : dy[i]!;
}

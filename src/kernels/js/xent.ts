import { fail } from '../../_lib/assert.js';
import type { FloatArray } from '../../_lib/typed.js';

/**
 * Throws a ValueError unless labels[0..rows) are integers in [0, cols).
 * Both backends call it before reading, so a bad label never indexes out of a row.
 *
 * @example
 * ```ts
 * checkLabels('softmaxCrossEntropy', [0, 2], 2, 3); // fine
 * checkLabels('softmaxCrossEntropy', [0, 3], 2, 3); // ValueError: labels[1] must be an integer in [0, 3), got 3
 * ```
 */
export function checkLabels(
  fn: string,
  labels: ArrayLike<number>,
  rows: number,
  cols: number,
): void {
  if (labels.length < rows) fail(fn, 'labels', `at least ${rows} entries`, labels.length);
  for (let r = 0; r < rows; r++) {
    const l = labels[r]!;
    if (!Number.isInteger(l) || l < 0 || l >= cols)
      fail(fn, `labels[${r}]`, `an integer in [0, ${cols})`, l);
  }
}

/**
 * Fused softmax + cross-entropy forward over logits[rows, cols] (row-major).
 * Writes probs[r,c] = exp(x[r,c] - max_r) / Σ_c exp(x[r,c] - max_r) and
 * returns the mean over rows of -log probs[r, labels[r]], computed as
 * log Σ exp(x - max) + max - x[label] so that a tiny probability never goes
 * through log(0). Subtracting the row max keeps exp() finite (softmax is
 * shift-invariant). With rows = 0 the mean is NaN (0/0), as in PyTorch.
 *
 * @example
 * ```ts
 * const probs = new Float32Array(2);
 * const loss = softmaxXentJs(new Float32Array([0, 0]), [1], probs, 1, 2);
 * // probs = [0.5, 0.5], loss = ln 2 ≈ 0.6931
 * ```
 */
export function softmaxXentJs(
  logits: FloatArray,
  labels: ArrayLike<number>,
  probs: FloatArray,
  rows: number,
  cols: number,
): number {
  checkLabels('softmaxCrossEntropy', labels, rows, cols);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, logits[o + c]!);
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(logits[o + c]! - max);
      probs[o + c] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let c = 0; c < cols; c++) probs[o + c]! *= inv;
    total += Math.log(sum) + max - logits[o + labels[r]!]!;
  }
  return total / rows;
}

/**
 * Fused softmax + cross-entropy backward: the gradient of `scale` times the
 * mean loss with respect to the logits,
 * dlogits[r,c] = scale · (probs[r,c] − [c = labels[r]]) / rows.
 * `probs` is what {@link softmaxXentJs} wrote; `dlogits` may be `probs`.
 *
 * @example
 * ```ts
 * const d = new Float32Array(2);
 * softmaxXentBackwardJs(new Float32Array([0.5, 0.5]), [1], d, 1, 2, 1);
 * // d = [0.5, -0.5]
 * ```
 */
export function softmaxXentBackwardJs(
  probs: FloatArray,
  labels: ArrayLike<number>,
  dlogits: FloatArray,
  rows: number,
  cols: number,
  scale: number,
): void {
  checkLabels('softmaxCrossEntropy', labels, rows, cols);
  const s = scale / rows;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const l = o + labels[r]!;
    const pl = probs[l]!; // read before the row is written: dlogits may be probs
    for (let c = 0; c < cols; c++) dlogits[o + c] = probs[o + c]! * s;
    dlogits[l] = (pl - 1) * s;
  }
}

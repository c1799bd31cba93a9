import type { FloatArray } from '../../_lib/typed.js';

// Row-wise bias for [rows, cols] matrices, row-major (the dense-layer layout:
// batch first, one bias per unit).

/**
 * Adds a bias row to every row: out[r,c] = x[r,c] + bias[c]. `out` may be `x`.
 *
 * @example
 * ```ts
 * const out = new Float32Array(4);
 * biasAddJs(new Float32Array([1, 2, 3, 4]), new Float32Array([10, 20]), out, 2, 2);
 * // out = [11, 22, 13, 24]
 * ```
 */
export function biasAddJs(
  x: FloatArray,
  bias: FloatArray,
  out: FloatArray,
  rows: number,
  cols: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) out[o + c] = x[o + c]! + bias[c]!;
  }
}

/**
 * Column sums (the bias gradient): out[c] = Σ_r x[r,c], overwriting `out`.
 * Rows are added in order into `out` itself, so a float32 `out` rounds after
 * every addition, exactly as the WebAssembly kernel does.
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * colSumJs(new Float32Array([1, 2, 3, 4, 5, 6]), out, 3, 2);
 * // out = [9, 12]
 * ```
 */
export function colSumJs(x: FloatArray, out: FloatArray, rows: number, cols: number): void {
  out.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) out[c]! += x[o + c]!;
  }
}

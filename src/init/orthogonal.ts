import { assertKnownKeys, assertNumber, assertOptions } from '../_lib/assert.js';
import { makeInitializer, type Initializer } from './initializer.js';

/** The config of {@link orthogonal}. */
export interface OrthogonalConfig {
  readonly [key: string]: number;
  readonly gain: number;
}

/**
 * Orthogonal initializer (Keras `Orthogonal`, `torch.nn.init.orthogonal_`):
 * the shape is flattened to [rows, cols] with cols its last dimension; a
 * matrix of unit normal draws, [max, min] of the two, is orthonormalized
 * (Gram–Schmidt on its columns, which is its QR factorization with a
 * positive diagonal in R), transposed when rows < cols, and scaled by `gain`.
 * So the result W satisfies WᵀW = gain²·I when rows >= cols and
 * W·Wᵀ = gain²·I otherwise. The default recurrent-kernel initializer of
 * simpleRnn, lstm and gru: a product with an orthogonal matrix neither grows
 * nor shrinks a state. Saxe et al. 2013, arXiv:1312.6120.
 *
 * Options: `gain` (default 1), a finite number; an unknown key is an error.
 *
 * @example
 * ```ts
 * import { orthogonal, createRng } from 'myelin';
 * const q = orthogonal().init([3, 3], { rng: createRng(0) }); // qᵀq = I
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function orthogonal(
  options: { gain?: number } = {},
): Initializer<'orthogonal', OrthogonalConfig> {
  assertOptions('orthogonal', options);
  assertKnownKeys('orthogonal', 'options', options, ['gain']);
  const gain = assertNumber('orthogonal', 'gain', options.gain ?? 1);
  return makeInitializer('orthogonal', { gain }, (r) => {
    const shape = r.shape;
    const cols = shape.length === 0 ? 1 : shape[shape.length - 1]!;
    const rows = cols === 0 ? 0 : r.data.length / cols;
    if (r.data.length === 0) return;
    // Work on a tall matrix m×n (m >= n) of orthonormal columns, column-major in `q`.
    const m = Math.max(rows, cols);
    const n = Math.min(rows, cols);
    const q = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[j * m + i] = r.rng.normal();
    for (let j = 0; j < n; j++) {
      // Modified Gram–Schmidt, twice ("twice is enough") for orthogonality to rounding.
      for (let pass = 0; pass < 2; pass++)
        for (let k = 0; k < j; k++) {
          let d = 0;
          for (let i = 0; i < m; i++) d += q[k * m + i]! * q[j * m + i]!;
          for (let i = 0; i < m; i++) q[j * m + i] = q[j * m + i]! - d * q[k * m + i]!;
        }
      let s = 0;
      for (let i = 0; i < m; i++) s += q[j * m + i]! * q[j * m + i]!;
      const inv = 1 / Math.sqrt(s);
      for (let i = 0; i < m; i++) q[j * m + i] = q[j * m + i]! * inv;
    }
    // rows >= cols: W[i, j] = q[i, j]; otherwise W = qᵀ, W[i, j] = q[j, i].
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++)
        r.data[i * cols + j] = gain * (rows >= cols ? q[j * m + i]! : q[i * m + j]!);
  });
}

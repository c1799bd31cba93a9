import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { luDet, luFactor, luSolve } from '../kernels/js/lu.js';
import { Tensor } from '../tensor/tensor.js';
import { squareArg } from './_linalg.js';

/** The cofactor matrix of the n×n matrix at a[off…], from n² minors (used when A is singular). */
function cofactors(a: ArrayLike<number>, off: number, n: number, out: Float64Array): void {
  const minor = new Float64Array((n - 1) * (n - 1));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let w = 0;
      for (let r = 0; r < n; r++) {
        if (r === i) continue;
        for (let c = 0; c < n; c++) if (c !== j) minor[w++] = a[off + r * n + c]!;
      }
      const d = n === 1 ? 1 : luDet(luFactor(minor, 0, n - 1), n - 1);
      out[i * n + j] = (i + j) % 2 === 0 ? d : -d;
    }
  }
}

/**
 * The determinant of a square matrix, or of each in a batch [..., n, n], as
 * `torch.linalg.det`, by LU factorization with partial pivoting computed in
 * float64 (a float32 input gets its result rounded once at the end). The
 * determinant of a 0×0 matrix is 1.
 *
 * Gradient: g times the cofactor matrix, which is det(A)·A⁻ᵀ when A is
 * invertible; for a singular A it is formed from the n² minors, so it stays
 * exact (and finite) where A⁻¹ does not exist.
 *
 * @category Linear algebra
 * @example
 * ```ts
 * import { det, tensor } from 'myelin';
 * det(tensor([[1, 2], [3, 4]])).item();            // -2
 * det(tensor([[[2, 0], [0, 3]], [[1, 1], [1, 1]]])).toArray(); // [6, 0]
 * ```
 */
export function det(x: Tensor): Tensor {
  const { t, n, count } = squareArg('det', 'x', x);
  const src = t.data;
  const data = allocate(t.dtype, count);
  for (let b = 0; b < count; b++) data[b] = luDet(luFactor(src, b * n * n, n), n);
  const out = new Tensor(data, t.shape.slice(0, -2));
  return record('det', out, [t], (g) => {
    const d = allocate(t.dtype, t.size);
    const cof = new Float64Array(n * n);
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    const inv = new Float64Array(n * n);
    for (let b = 0; b < count; b++) {
      const off = b * n * n;
      const f = luFactor(src, off, n);
      if (f.singular) cofactors(src, off, n, cof);
      else {
        // cofactor(A) = det(A)·A⁻ᵀ.
        luSolve(f, n, eye, 0, n, inv, 0);
        const dt = luDet(f, n);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) cof[i * n + j] = dt * inv[j * n + i]!;
      }
      const gb = g.data[b]!;
      for (let i = 0; i < n * n; i++) d[off + i] = gb * cof[i]!;
    }
    return [new Tensor(d, t.shape)];
  });
}

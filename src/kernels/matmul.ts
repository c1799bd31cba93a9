import type { FloatArray } from '../_lib/typed.js';
import { matmulNN, matmulNT, matmulTN } from './js/matmul.js';

/**
 * A matrix-product kernel: writes C[m,n] = op(A)·op(B), overwriting C.
 * `transA`: A is stored [k,m] and used transposed; `transB`: B is stored [n,k].
 * All three arrays have the same element type.
 */
export type MatmulKernel = (
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
) => void;

/** The portable JS matrix product (float32 and float64). */
export const matmulJs: MatmulKernel = (a, b, c, m, k, n, transA, transB) => {
  if (transA && transB) {
    // Rare (no backward pass needs it): Aᵀ·Bᵀ = (B·A)ᵀ, computed then transposed.
    const tmp = new (c.constructor as typeof Float64Array)(m * n);
    matmulNN(b, a, tmp, n, k, m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) c[j * n + i] = tmp[i * m + j]!;
  } else if (transA) matmulTN(a, b, c, m, k, n);
  else if (transB) matmulNT(a, b, c, m, k, n);
  else matmulNN(a, b, c, m, k, n);
};

/**
 * The dispatch slot for matrix products. The WebAssembly backend replaces
 * `impl` when enabled (float32 inputs go to SIMD code, float64 falls through
 * to the JS kernel); the JS kernel serves otherwise.
 */
export const matmulSlot: { impl: MatmulKernel } = { impl: matmulJs };

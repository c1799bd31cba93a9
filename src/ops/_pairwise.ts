import { allocate } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import { expandData } from './_elementwise.js';
import { unbroadcast } from './_util.js';

/**
 * Backward of `maximum` (sign = 1) and `minimum` (sign = -1): the winner gets
 * g, a tie gives g/2 to each side (PyTorch's rule). When a NaN is involved
 * neither side wins nor ties, and both get g (again as PyTorch's masks give).
 */
export function pairwiseExtremumGrad(
  g: Tensor,
  ta: Tensor,
  tb: Tensor,
  out: Tensor,
  sign: 1 | -1,
): (Tensor | null)[] {
  const shape = out.shape;
  const A = expandData(ta, shape),
    B = expandData(tb, shape);
  const G = g.data;
  const da = ta.requiresGrad ? allocate(out.dtype, out.size) : null;
  const db = tb.requiresGrad ? allocate(out.dtype, out.size) : null;
  for (let i = 0; i < out.size; i++) {
    const x = A[i]!,
      y = B[i]!,
      gi = G[i]!;
    const aLoses = sign === 1 ? x < y : x > y;
    const bLoses = sign === 1 ? y < x : y > x;
    const share = x === y ? gi / 2 : gi;
    if (da !== null) da[i] = aLoses ? 0 : share;
    if (db !== null) db[i] = bLoses ? 0 : share;
  }
  return [
    da === null ? null : unbroadcast(new Tensor(da, shape), ta.shape),
    db === null ? null : unbroadcast(new Tensor(db, shape), tb.shape),
  ];
}

import { shapeSize } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { groups } from './_groups.js';
import { int32Reduce } from './_int.js';
import { reduceArgs } from './_reduce.js';
import type { ReduceOptions } from './sum.js';

/**
 * Product over axes (all by default), as `torch.prod(x, dim, keepdim)`; the
 * product of no elements is 1.
 *
 * Gradient: ∂/∂xᵢ is the product of the other elements of its group, times
 * g. Computed as out/xᵢ when the group holds no zero; with exactly one zero,
 * only that element gets a gradient (the product of the rest); with two or
 * more, every gradient is 0, as PyTorch's rule gives.
 *
 * An int32 x gives an exact int32 product (PyTorch widens to int64); a
 * product outside the int32 range throws a `ValueError` rather than wrapping.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { prod, tensor } from 'myelin';
 * const x = tensor([[1, 2], [3, 4]]);
 * prod(x).item();                 // 24
 * prod(x, { axis: 1 }).toArray(); // [2, 12]
 * ```
 */
export function prod(x: Tensor, options: ReduceOptions = {}): Tensor {
  const { t, axes, kept, dropped, keepDims } = reduceArgs('prod', x, options, [], true);
  if (t.dtype === 'int32')
    return new Tensor(int32Reduce('prod', t, axes, int32Prod), keepDims ? kept : dropped);
  const { data: src, rows, n, back } = groups(t, axes);
  const data = allocate(t.dtype, shapeSize(dropped));
  for (let r = 0; r < rows; r++) {
    let p = 1;
    for (let k = 0; k < n; k++) p *= src[r * n + k]!;
    data[r] = p;
  }
  const out = new Tensor(data, keepDims ? kept : dropped);
  return record('prod', out, [t], (g) => {
    const d = allocate(t.dtype, t.size);
    for (let r = 0; r < rows; r++) {
      const gr = g.data[r]!;
      let zeros = 0,
        at = -1;
      for (let k = 0; k < n; k++) {
        if (src[r * n + k] === 0) {
          zeros++;
          at = k;
        }
      }
      if (zeros === 0) {
        for (let k = 0; k < n; k++) d[r * n + k] = (gr * data[r]!) / src[r * n + k]!;
      } else if (zeros === 1) {
        let rest = 1;
        for (let k = 0; k < n; k++) if (k !== at) rest *= src[r * n + k]!;
        d[r * n + at] = gr * rest;
      }
    }
    return [new Tensor(back(d), t.shape)];
  });
}

/**
 * The exact product of n int32 values: a zero makes it 0; otherwise its
 * magnitude only grows, so once out of the int32 range it stays out, and it
 * is multiplied no further (each product is then at most 2^62, never
 * Infinity).
 */
function int32Prod(d: ArrayLike<number>, at: number, n: number): number {
  let p = 1;
  for (let k = 0; k < n; k++) {
    const v = d[at + k]!;
    if (v === 0) return 0;
    if (Math.abs(p) <= 2147483648) p *= v;
  }
  return p;
}

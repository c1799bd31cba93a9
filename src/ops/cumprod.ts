import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { lanes } from './_groups.js';
import { int32Scan } from './_int.js';
import { floatArg } from './_util.js';

/**
 * Cumulative product along `axis`: out[…, i, …] = Π_{j ≤ i} x[…, j, …], as
 * `torch.cumprod(x, dim)`. The shape is unchanged.
 *
 * Gradient: ∂/∂xᵢ = Σ_{j ≥ i} g[j]·Π_{k ≤ j, k ≠ i} x[k]. Before the first
 * zero of a lane this is Σ_{j ≥ i} g[j]·out[j] / xᵢ; the first zero itself
 * gets the products of the elements around it, and everything after it 0
 * (every product there still holds that zero), so zeros give exact
 * gradients, not 0/0.
 *
 * An int32 x gives exact int32 products (PyTorch widens to int64); a running
 * product outside the int32 range throws a `ValueError` rather than wrapping.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { cumprod, tensor } from 'myelin';
 * cumprod(tensor([1, 2, 3, 4]), 0).toArray(); // [1, 2, 6, 24]
 * ```
 */
export function cumprod(x: Tensor, axis: number): Tensor {
  if (x instanceof Tensor && x.dtype === 'int32')
    return int32Scan('cumprod', x, axis, 1, (p, v) => p * v);
  const t = floatArg('cumprod', 'x', x);
  const { outer, n, inner } = lanes('cumprod', t, axis);
  const src = t.data;
  const data = allocate(t.dtype, t.size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let p = 1;
      for (let k = 0; k < n; k++) {
        const at = (o * n + k) * inner + i;
        p *= src[at]!;
        data[at] = p;
      }
    }
  }
  return record('cumprod', new Tensor(data, t.shape), [t], (g) => {
    const d = allocate(g.dtype, t.size);
    const G = g.data;
    const at = (o: number, k: number, i: number): number => (o * n + k) * inner + i;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let z = n; // first zero of the lane
        for (let k = 0; k < n; k++) {
          if (src[at(o, k, i)] === 0) {
            z = k;
            break;
          }
        }
        // Before the first zero: suffix sums of g·out, divided by x.
        let s = 0;
        for (let k = z - 1; k >= 0; k--) {
          s += G[at(o, k, i)]! * data[at(o, k, i)]!;
          d[at(o, k, i)] = s / src[at(o, k, i)]!;
        }
        if (z < n) {
          // The first zero: Σ_{j ≥ z} g[j]·Π_{k ≤ j, k ≠ z} x[k].
          let p = z === 0 ? 1 : data[at(o, z - 1, i)]!;
          let acc = G[at(o, z, i)]! * p;
          for (let j = z + 1; j < n; j++) {
            p *= src[at(o, j, i)]!;
            acc += G[at(o, j, i)]! * p;
          }
          d[at(o, z, i)] = acc;
        }
      }
    }
    return [new Tensor(d, t.shape)];
  });
}

import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { defineActivation } from './define.js';
import { checkInput } from './_check.js';

/**
 * Rectified linear unit max(0, x). Gradient: g where x > 0, else 0 (the
 * subgradient at 0 is 0, as in PyTorch). NaN stays NaN.
 *
 * @example
 * ```ts
 * import { relu, tensor } from 'myelin';
 * relu(tensor([-2, 3, 0.5])).toArray(); // [0, 3, 0.5]
 * ```
 */
export const relu = defineActivation('relu', (x: Tensor): Tensor => {
  const t = checkInput('relu', x);
  const src = t.data;
  const y = allocate(t.dtype, t.size);
  for (let i = 0; i < y.length; i++) {
    const v = src[i]!;
    y[i] = v > 0 ? v : v === v ? 0 : v; // v === v is false only for NaN
  }
  return record('relu', new Tensor(y, t.shape), [t], (g) => {
    const d = allocate(t.dtype, t.size);
    const gd = g.data;
    for (let i = 0; i < d.length; i++) d[i] = src[i]! > 0 ? gd[i]! : 0;
    return [new Tensor(d, t.shape)];
  });
});

import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { defineActivation } from './define.js';
import { checkInput } from './_check.js';

/**
 * Hyperbolic tangent. Gradient: g·(1 − tanh²(x)), from the output.
 *
 * @example
 * ```ts
 * import { tanh, tensor } from 'myelin';
 * tanh(tensor([-2, 3, 0.5])).toArray(); // [-0.9640276, 0.9950548, 0.4621172]
 * ```
 *
 * @group Activations
 */
export const tanh = defineActivation('tanh', (x: Tensor): Tensor => {
  const t = checkInput('tanh', x);
  const src = t.data;
  const y = allocate(t.dtype, t.size);
  for (let i = 0; i < y.length; i++) y[i] = Math.tanh(src[i]!);
  return record('tanh', new Tensor(y, t.shape), [t], (g) => {
    const d = allocate(t.dtype, t.size);
    const gd = g.data;
    for (let i = 0; i < d.length; i++) d[i] = gd[i]! * (1 - y[i]! * y[i]!);
    return [new Tensor(d, t.shape)];
  });
});

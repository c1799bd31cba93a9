import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { defineActivation } from './define.js';
import { checkInput } from './_check.js';

/**
 * Softsign x / (1 + |x|), a tanh-like squashing into (−1, 1) with polynomial
 * tails, as `torch.nn.Softsign` and Keras's `softsign`. softsign(±∞) = ±1.
 * Gradient: 1 / (1 + |x|)².
 *
 * @example
 * ```ts
 * import { softsign, tensor } from 'myelin';
 * softsign(tensor([-1, 3])).toArray(); // [-0.5, 0.75]
 * ```
 *
 * @group Activations
 */
export const softsign = defineActivation('softsign', (x: Tensor): Tensor => {
  const t = checkInput('softsign', x);
  const src = t.data;
  const y = allocate(t.dtype, t.size);
  for (let i = 0; i < y.length; i++) {
    const v = src[i]!;
    const a = Math.abs(v);
    // ∞/∞ would be NaN; the limit is ±1.
    y[i] = a === Infinity ? Math.sign(v) : v / (1 + a);
  }
  return record('softsign', new Tensor(y, t.shape), [t], (g) => {
    const d = allocate(t.dtype, t.size);
    const gd = g.data;
    for (let i = 0; i < d.length; i++) {
      const q = 1 + Math.abs(src[i]!);
      d[i] = gd[i]! / (q * q);
    }
    return [new Tensor(d, t.shape)];
  });
});

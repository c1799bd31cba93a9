import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { defineActivation } from './define.js';
import { checkInput } from './_check.js';

/**
 * Logistic sigmoid σ(x) = 1 / (1 + e⁻ˣ), computed without overflow for any x
 * (for x < 0 as eˣ / (1 + eˣ)). Gradient: g·σ(x)·(1 − σ(x)), from the output.
 * Matches `torch.sigmoid`.
 *
 * @example
 * ```ts
 * import { sigmoid, tensor } from 'myelin';
 * sigmoid(tensor([0, 2])).toArray(); // [0.5, 0.8807971]
 * ```
 *
 * @group Activations
 */
export const sigmoid = defineActivation('sigmoid', (x: Tensor): Tensor => {
  const t = checkInput('sigmoid', x);
  const src = t.data;
  const y = allocate(t.dtype, t.size);
  for (let i = 0; i < y.length; i++) {
    const v = src[i]!;
    if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
    else {
      const e = Math.exp(v);
      y[i] = e / (1 + e);
    }
  }
  return record('sigmoid', new Tensor(y, t.shape), [t], (g) => {
    const d = allocate(t.dtype, t.size);
    const gd = g.data;
    for (let i = 0; i < d.length; i++) d[i] = gd[i]! * y[i]! * (1 - y[i]!);
    return [new Tensor(d, t.shape)];
  });
});

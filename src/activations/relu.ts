import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { reluBackwardSlot, reluSlot } from '../kernels/relu.js';
import { Tensor } from '../tensor/tensor.js';
import { defineActivation } from './define.js';
import { checkInput } from './_check.js';

/**
 * Rectified linear unit max(0, x), as `torch.relu`. Gradient: g where x > 0,
 * else 0 (the subgradient at 0 is 0, as in PyTorch). NaN stays NaN. Runs on
 * the `relu` kernel slot, so the WebAssembly backend accelerates it.
 *
 * @example
 * ```ts
 * import { relu, tensor } from 'myelin';
 * relu(tensor([-2, 3, 0.5])).toArray(); // [0, 3, 0.5]
 * ```
 *
 * @group Activations
 */
export const relu = defineActivation('relu', (x: Tensor): Tensor => {
  const t = checkInput('relu', x);
  const y = allocate(t.dtype, t.size);
  reluSlot.impl(t.data, y, t.size);
  return record('relu', new Tensor(y, t.shape), [t], (g) => {
    const d = allocate(t.dtype, t.size);
    reluBackwardSlot.impl(t.data, g.data, d, t.size);
    return [new Tensor(d, t.shape)];
  });
});

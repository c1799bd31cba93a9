import type { FloatArray } from '../_lib/typed.js';
import type { Tensor } from '../tensor/tensor.js';
import { makeActivation } from './define.js';
import { checkInput } from './_check.js';

/**
 * The identity activation (a linear layer): returns its input unchanged.
 *
 * @example
 * ```ts
 * import { identity, tensor } from 'myelin';
 * identity(tensor([1, -1])).toArray(); // [1, -1]
 * ```
 *
 * @group Activations
 */
export const identity = /* @__PURE__ */ makeActivation(
  'identity',
  {
    forward(x: FloatArray, y: FloatArray): void {
      y.set(x);
    },
    backward(_x: FloatArray, _y: FloatArray, gy: FloatArray, gx: FloatArray): void {
      gx.set(gy);
    },
    linear: true,
  },
  {},
  // As a function it hands back its input itself, as torch.nn.Identity does.
  (x: Tensor): Tensor => checkInput('identity', x),
);

import type { FloatArray } from '../_lib/typed.js';
import { reluBackwardSlot, reluSlot } from '../kernels/relu.js';
import { makeActivation } from './define.js';

/**
 * Rectified linear unit max(0, x), as `torch.relu`. Gradient: 0 where x <= 0,
 * else g (the subgradient at 0 is 0, as in PyTorch). NaN stays NaN, and at a
 * NaN input the gradient passes through, as PyTorch's (NaN <= 0 is false).
 * Runs on the `relu` kernel slot, so the WebAssembly backend accelerates it.
 *
 * @example
 * ```ts
 * import { relu, tensor } from 'myelin';
 * relu(tensor([-2, 3, 0.5])).toArray(); // [0, 3, 0.5]
 * ```
 *
 * @group Activations
 */
export const relu = /* @__PURE__ */ makeActivation('relu', {
  relu: true,
  forward(x: FloatArray, y: FloatArray): void {
    reluSlot.impl(x, y, x.length);
  },
  // Gradient except where y <= 0, which is where x <= 0 (y is NaN where x is NaN);
  // the mask a fused dense layer uses too.
  backward(_x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray): void {
    reluBackwardSlot.impl(y, gy, gx, y.length);
  },
});

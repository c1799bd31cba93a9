import { assertNumber } from '../_lib/assert.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { defineConfigurable, type ConfigurableActivation } from './define.js';
import { checkInput } from './_check.js';

/** Settings of {@link leakyRelu}: the slope for negative inputs. */
export type LeakyReluConfig = { alpha: number };

function leakyReluWith(x: Tensor, alpha: number): Tensor {
  const t = checkInput('leakyRelu', x);
  const src = t.data;
  const y = allocate(t.dtype, t.size);
  // NaN > 0 is false, so NaN goes to alpha·NaN = NaN.
  for (let i = 0; i < y.length; i++) {
    const v = src[i]!;
    y[i] = v > 0 ? v : alpha * v;
  }
  return record('leakyRelu', new Tensor(y, t.shape), [t], (g) => {
    const d = allocate(t.dtype, t.size);
    const gd = g.data;
    // Slope alpha at exactly 0, as PyTorch's leaky_relu_backward (x > 0 ? g : alpha·g).
    for (let i = 0; i < d.length; i++) d[i] = src[i]! > 0 ? gd[i]! : alpha * gd[i]!;
    return [new Tensor(d, t.shape)];
  });
}

/**
 * Leaky ReLU: x for x > 0, alpha·x otherwise (alpha default 0.01), as
 * `torch.nn.LeakyReLU(negative_slope=0.01)` (Keras's LeakyReLU defaults to
 * 0.3; pass `alpha` to match it). Gradient: 1 for x > 0, alpha otherwise.
 * Maas et al. 2013, "Rectifier nonlinearities improve neural network acoustic
 * models".
 *
 * @example
 * ```ts
 * import { leakyRelu, tensor } from 'myelin';
 * leakyRelu(tensor([-2, 3])).toArray();                   // [-0.02, 3]
 * leakyRelu.with({ alpha: 0.2 })(tensor([-2, 3])).toArray(); // [-0.4, 3]
 * ```
 *
 * @group Activations
 */
export const leakyRelu: ConfigurableActivation<LeakyReluConfig> =
  /* @__PURE__ */ defineConfigurable<LeakyReluConfig>(
    'leakyRelu',
    { alpha: 0.01 },
    (c) => (x) => leakyReluWith(x, c.alpha),
    (c) => {
      assertNumber('leakyRelu', 'alpha', c.alpha);
    },
  );

import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { tensorArg } from './_util.js';

/**
 * A copy of `x` with its own data buffer, as `torch.clone`: writing into the
 * copy's data (an optimizer update, say) leaves `x` alone. Unlike
 * `tensor(x)`, the copy stays in the autograd graph. Gradient: g.
 *
 * @category Shape
 * @example
 * ```ts
 * import { clone, tensor } from 'myelin';
 * const x = tensor([1, 2]);
 * const y = clone(x);
 * y.data[0] = 9;
 * console.log(x.toArray()); // [1, 2]
 * ```
 */
export function clone(x: Tensor): Tensor {
  const t = tensorArg('clone', 'x', x);
  const data = allocate(t.dtype, t.size);
  data.set(t.data);
  return record('clone', new Tensor(data, t.shape), [t], (g) => [g]);
}

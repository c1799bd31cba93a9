import type { Tensor } from '../tensor/tensor.js';
import { mapUnary } from './_map.js';

/**
 * 1 where x is +Infinity or −Infinity and 0 elsewhere (NaN included), as
 * `torch.isinf` (a 0/1 mask in x's float dtype, float32 for int32). Not differentiable: no graph is
 * recorded.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { isInf, tensor } from 'myelin';
 * isInf(tensor([1, NaN, -Infinity])).toArray(); // [0, 0, 1]
 * ```
 */
export function isInf(x: Tensor): Tensor {
  return mapUnary('isInf', x, (v) => (v === Infinity || v === -Infinity ? 1 : 0), false);
}

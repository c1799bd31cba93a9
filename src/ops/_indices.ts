import type { Shape } from '../_lib/shape.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A tensor of element indices or counts (argsort, topk, unique, bincount,
 * the coordinates of where(cond)): int32, like argmax's, so they feed
 * gather, index and scatter directly and never carry gradients.
 */
export function indexTensor(idx: ArrayLike<number>, shape: Shape): Tensor {
  return new Tensor(idx instanceof Int32Array ? idx : Int32Array.from(idx), shape);
}

import type { Shape } from '../_lib/shape.js';
import { allocate, type DType } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A tensor of element indices (argsort, topk, unique's inverse, nonzero
 * coordinates, counts): in `dtype`, like argmax's, exact up to 2²⁴ in float32.
 */
export function indexTensor(idx: ArrayLike<number>, shape: Shape, dtype: DType): Tensor {
  const data = allocate(dtype, idx.length);
  for (let i = 0; i < idx.length; i++) data[i] = idx[i]!;
  return new Tensor(data, shape);
}

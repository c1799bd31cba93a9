import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { Tensor } from '../tensor/tensor.js';

export function checkInput(fn: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${fn}: x must be a Tensor, got ${show(x)}`);
  // int32 input promotes to float32, as the arithmetic ops do.
  return x.dtype === 'int32' ? new Tensor(Float32Array.from(x.data), x.shape) : x;
}

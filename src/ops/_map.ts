import { allocate } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import { tensorArg } from './_util.js';

/**
 * Element-wise f over `x` with no graph recorded: the forward of the
 * piecewise-constant ops (floor, sign, ...) and the predicates (isNaN, ...),
 * whose derivative is zero wherever it exists. The result has x's dtype.
 */
export function mapUnary(name: string, x: unknown, f: (v: number) => number): Tensor {
  const t = tensorArg(name, 'x', x);
  const src = t.data;
  const data = allocate(t.dtype, t.size);
  for (let i = 0; i < data.length; i++) data[i] = f(src[i]!);
  return new Tensor(data, t.shape);
}

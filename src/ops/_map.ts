import { allocate } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import { floatArg, tensorArg } from './_util.js';

/**
 * Element-wise f over `x` with no graph recorded: the forward of the
 * piecewise-constant ops (floor, sign, ...), whose derivative is zero
 * wherever it exists, and of the predicates (isNaN, ...). The rounding ops
 * keep x's dtype (`keepInt`: on int32 they are the identity, as in PyTorch);
 * the predicates return a 0/1 float mask like the comparisons, float32 for
 * an int32 x.
 */
export function mapUnary(
  name: string,
  x: unknown,
  f: (v: number) => number,
  keepInt: boolean,
): Tensor {
  const t = keepInt ? tensorArg(name, 'x', x) : floatArg(name, 'x', x);
  const src = t.data;
  const data = allocate(t.dtype, t.size);
  for (let i = 0; i < data.length; i++) data[i] = f(src[i]!);
  return new Tensor(data, t.shape);
}

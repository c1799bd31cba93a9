import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { floatArg } from './_util.js';

/**
 * Shared forward for element-wise unary ops: out[i] = f(x[i]), recording
 * `backward(g, x, out)` when gradients are on. `dfdx(x, y)` variant: pass a
 * derivative of the element and the element-wise chain rule is applied here.
 */
export function unaryOp(
  name: string,
  x: unknown,
  f: (v: number) => number,
  dfdx: (v: number, y: number) => number,
): Tensor {
  const t = floatArg(name, 'x', x);
  const src = t.data;
  const data = allocate(t.dtype, t.size);
  for (let i = 0; i < data.length; i++) data[i] = f(src[i]!);
  const out = new Tensor(data, t.shape);
  return record(name, out, [t], (g) => {
    const gd = allocate(t.dtype, t.size);
    const gs = g.data;
    for (let i = 0; i < gd.length; i++) gd[i] = gs[i]! * dfdx(src[i]!, data[i]!);
    return [new Tensor(gd, t.shape)];
  });
}

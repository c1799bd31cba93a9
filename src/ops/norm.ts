import { assertKnownKeys, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, shapeSize } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { groups } from './_groups.js';
import { assertNonEmptyAxes, reduceArgs, type ReduceArgs } from './_reduce.js';
import { abs } from './abs.js';
import { max } from './max.js';
import { sum, type ReduceOptions } from './sum.js';
import { tensorArg } from './_util.js';

/** Options of {@link norm}. */
export interface NormOptions extends ReduceOptions {
  /**
   * Which norm (default 2): 1 is Σ|x|, 2 is √Σx², `Infinity` is max|x|, all
   * over the elements of the reduced axes (a vector norm, as
   * `torch.linalg.vector_norm`); `'fro'` is the Frobenius norm of the
   * matrices spanned by two axes (the last two unless `axis` names two).
   */
  ord?: number | 'fro';
}

/** √Σx² of n elements from `off`, scaled by the largest |x| so squares cannot overflow or underflow. */
function euclid(src: ArrayLike<number>, off: number, n: number): number {
  let scale = 0;
  for (let k = 0; k < n; k++) {
    const a = Math.abs(src[off + k]!);
    if (a > scale || Number.isNaN(a)) scale = a;
  }
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let k = 0; k < n; k++) {
    const v = src[off + k]! / scale;
    s += v * v;
  }
  return scale * Math.sqrt(s);
}

/**
 * Vector norms over axes (all by default), as `torch.linalg.vector_norm`
 * (not `torch.linalg.norm`, whose ord 1, 2 and Infinity on a matrix are
 * matrix norms), and the Frobenius norm: `ord` 1 (Σ|x|), 2 (√Σx², the default),
 * `Infinity` (max|x|) or `'fro'` (Frobenius, over the last two axes unless
 * `axis` names two). The 2-norm scales by the largest element first, so it
 * neither overflows nor underflows where the answer is representable. An
 * int32 x is computed in float32, as arithmetic promotes it. Over no
 * elements, ord 1, 2 and 'fro' give 0; `Infinity` is an error (the max of
 * nothing is undefined, as in PyTorch).
 *
 * Gradients: ord 1 gives g·sign(x); ord 2 and 'fro' give g·x/‖x‖, and 0 for
 * an all-zero group (PyTorch's subgradient); `Infinity` gives g·sign(x) on the
 * elements of largest magnitude, split evenly among ties.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { norm, tensor } from 'myelin';
 * const x = tensor([[3, -4], [0, 0]]);
 * norm(x).item();                               // 5
 * norm(x, { ord: 1, axis: 1 }).toArray();       // [7, 0]
 * norm(x, { ord: Infinity }).item();            // 4
 * norm(x, { ord: 'fro' }).item();               // 5
 * ```
 */
export function norm(x: Tensor, options: NormOptions = {}): Tensor {
  const t = tensorArg('norm', 'x', x);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(`norm: options must be an object, got ${show(options)}`);
  }
  assertKnownKeys('norm', 'options', options, ['axis', 'keepDims', 'ord']);
  const { ord = 2, ...rest } = options;
  if (ord !== 1 && ord !== 2 && ord !== Infinity && ord !== 'fro') {
    throw new ValueError(`norm: ord must be 1, 2, Infinity or "fro", got ${show(ord)}`);
  }
  if (ord === 'fro') {
    if (rest.axis === undefined && t.rank < 2) {
      throw new ShapeError(
        `norm: the Frobenius norm needs a tensor of rank >= 2, got shape ${fmtShape(t.shape)}`,
      );
    }
    const axis = rest.axis ?? [-2, -1];
    if (typeof axis === 'number' || axis.length !== 2) {
      throw new ValueError(
        `norm: the Frobenius norm reduces exactly two axes, got axis ${show(axis)}`,
      );
    }
    return euclidNorm(reduceArgs('norm', t, { ...rest, axis }));
  }
  // Validated (and an int32 x promoted to float32, as arithmetic does) once,
  // so every ord names norm in its errors and computes in floating point.
  const args = reduceArgs('norm', t, rest);
  const axes = { axis: args.axes, keepDims: args.keepDims };
  if (ord === 1) return sum(abs(args.t), axes);
  if (ord === Infinity) {
    // max|x| of no elements is undefined (PyTorch refuses it too); 1 and 2 give 0.
    assertNonEmptyAxes('norm', args.t, args.axes);
    return max(abs(args.t), axes);
  }
  return euclidNorm(args);
}

function euclidNorm({ t, axes, kept, dropped, keepDims }: ReduceArgs): Tensor {
  const { data: src, rows, n, back } = groups(t, axes);
  const data = allocate(t.dtype, shapeSize(dropped));
  for (let r = 0; r < rows; r++) data[r] = euclid(src, r * n, n);
  const out = new Tensor(data, keepDims ? kept : dropped);
  return record('norm', out, [t], (g) => {
    const d = allocate(t.dtype, t.size);
    for (let r = 0; r < rows; r++) {
      const y = data[r]!;
      if (y === 0) continue;
      const s = g.data[r]! / y;
      for (let k = 0; k < n; k++) d[r * n + k] = s * src[r * n + k]!;
    }
    return [new Tensor(back(d), t.shape)];
  });
}

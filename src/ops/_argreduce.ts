import { assertKnownKeys, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { fmtShape, normalizeAxis } from '../_lib/shape.js';
import { asFloat } from '../_lib/typed.js';
import { argReduceBlock } from '../kernels/js/arg.js';
import { Tensor } from '../tensor/tensor.js';
import { tensorArg } from './_util.js';

/** Options of {@link argmax} and {@link argmin}. */
export interface ArgReduceOptions {
  /** The one axis to search along (negative counts from the end); the flattened tensor when omitted. */
  axis?: number;
  /** Keep the searched axis (all axes, when flattened) with size 1 (default false). */
  keepDims?: boolean;
}

export function argReduce(fn: 'argmax' | 'argmin', x: unknown, options: unknown): Tensor {
  const x0 = tensorArg(fn, 'x', x);
  // int32 values are compared as themselves: a float64 copy holds every one
  // exactly, where float32 would merge neighbours above 2^24.
  const t = x0.dtype === 'int32' ? new Tensor(Float64Array.from(x0.data), x0.shape) : x0;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(`${fn}: options must be an object, got ${show(options)}`);
  }
  assertKnownKeys(fn, 'options', options, ['axis', 'keepDims']);
  const { axis, keepDims } = options as { axis?: unknown; keepDims?: unknown };
  if (keepDims !== undefined && typeof keepDims !== 'boolean')
    throw new ValueError(`${fn}: keepDims must be a boolean, got ${show(keepDims)}`);
  if (axis !== undefined && typeof axis !== 'number')
    throw new ValueError(`${fn}: axis must be an integer, got ${show(axis)}`);
  const op = fn === 'argmax' ? 'max' : 'min';
  const keep = keepDims === true;
  if (axis === undefined || t.rank === 0) {
    if (axis !== undefined) normalizeAxis(fn, axis, t.rank);
    if (t.size === 0)
      throw new ValueError(`${fn}: cannot search an empty tensor of shape ${fmtShape(t.shape)}`);
    const out = new Int32Array(1);
    argReduceBlock(op, asFloat(t.data), 1, t.size, 1, out);
    return new Tensor(out, keep ? t.shape.map(() => 1) : []);
  }
  const a = normalizeAxis(fn, axis, t.rank);
  const r = t.shape[a]!;
  if (r === 0)
    throw new ValueError(
      `${fn}: cannot search along axis ${a} of size 0 in shape ${fmtShape(t.shape)}`,
    );
  let outer = 1,
    inner = 1;
  for (let i = 0; i < a; i++) outer *= t.shape[i]!;
  for (let i = a + 1; i < t.rank; i++) inner *= t.shape[i]!;
  const out = new Int32Array(outer * inner);
  argReduceBlock(op, asFloat(t.data), outer, r, inner, out);
  const shape = keep ? t.shape.map((d, i) => (i === a ? 1 : d)) : t.shape.filter((_, i) => i !== a);
  return new Tensor(out, shape);
}

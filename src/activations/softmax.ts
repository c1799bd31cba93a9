import { fail } from '../_lib/assert.js';
import { normalizeAxis } from '../_lib/shape.js';
import { allocate, type FloatArray } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { logSoftmaxSlot, softmaxSlot } from '../kernels/softmax.js';
import { Tensor } from '../tensor/tensor.js';
import { defineConfigurable, type ConfigurableActivation } from './define.js';
import { checkInput } from './_check.js';

/** x viewed as [outer, n, inner] around `axis`. */
export function splitAround(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1,
    inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return [outer, shape[axis] ?? 1, inner];
}

function forEachLine(
  outer: number,
  n: number,
  inner: number,
  f: (base: number, stride: number) => void,
): void {
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) f(o * n * inner + i, inner);
}

function softmaxAlong(x: Tensor, axisArg: number): Tensor {
  const t = checkInput('softmax', x);
  // A scalar is a line of one element (axis 0 or -1), as in PyTorch: softmax = 1.
  const axis = normalizeAxis('softmax', axisArg, Math.max(t.rank, 1));
  const [outer, n, inner] = splitAround(t.shape, axis);
  const y = allocate(t.dtype, t.size);
  softmaxSlot.impl(t.data, y, outer, n, inner);
  return record('softmax', new Tensor(y, t.shape), [t], (g) => {
    // dx = y ⊙ (g − Σ g⊙y along the axis): the Jacobian-vector product of softmax.
    const d: FloatArray = allocate(t.dtype, t.size);
    const gd = g.data;
    forEachLine(outer, n, inner, (base, s) => {
      let dot = 0;
      for (let q = 0; q < n; q++) dot += gd[base + q * s]! * y[base + q * s]!;
      for (let q = 0; q < n; q++) d[base + q * s] = y[base + q * s]! * (gd[base + q * s]! - dot);
    });
    return [new Tensor(d, t.shape)];
  });
}

function logSoftmaxAlong(x: Tensor, axisArg: number): Tensor {
  const t = checkInput('logSoftmax', x);
  const axis = normalizeAxis('logSoftmax', axisArg, Math.max(t.rank, 1));
  const [outer, n, inner] = splitAround(t.shape, axis);
  const y = allocate(t.dtype, t.size);
  logSoftmaxSlot.impl(t.data, y, outer, n, inner);
  return record('logSoftmax', new Tensor(y, t.shape), [t], (g) => {
    // dx = g − softmax(x)·Σ g along the axis, with softmax(x) = exp(y).
    const d = allocate(t.dtype, t.size);
    const gd = g.data;
    forEachLine(outer, n, inner, (base, s) => {
      let total = 0;
      for (let q = 0; q < n; q++) total += gd[base + q * s]!;
      for (let q = 0; q < n; q++)
        d[base + q * s] = gd[base + q * s]! - Math.exp(y[base + q * s]!) * total;
    });
    return [new Tensor(d, t.shape)];
  });
}

// The axis is checked against the rank only when a tensor arrives; here only that it is an integer.
function checkAxis(fn: string): (c: { axis: number }) => void {
  return (c) => {
    if (!Number.isInteger(c.axis)) fail(fn, 'axis', 'an integer', c.axis);
  };
}

/** The softmax family: an activation along `axis` (default −1, the last). */
export interface SoftmaxActivation extends ConfigurableActivation<{ axis: number }> {
  (x: Tensor, axis?: number): Tensor;
  /** The same function over another default axis, e.g. `softmax.with({ axis: 0 })`. */
  with(config: Partial<{ axis: number }>): SoftmaxActivation;
}

function withAxisArgument(
  base: ConfigurableActivation<{ axis: number }>,
  along: (x: Tensor, axis: number) => Tensor,
): SoftmaxActivation {
  const f = ((x: Tensor, axis?: number) =>
    along(x, axis ?? (base.config.axis as number))) as SoftmaxActivation;
  Object.defineProperties(f, {
    name: { value: base.activationName },
    activationName: { value: base.activationName },
    config: { value: base.config },
    with: { value: (c: Partial<{ axis: number }>) => withAxisArgument(base.with(c), along) },
  });
  return f;
}

/**
 * Softmax along an axis (default the last): exp(xᵢ − max) / Σⱼ exp(xⱼ − max).
 * Subtracting the max first makes it exact for inputs of any size (softmax is
 * shift-invariant). Matches `torch.softmax(x, dim)`.
 * Gradient: y ⊙ (g − Σ g⊙y).
 *
 * @example
 * ```ts
 * import { softmax, tensor } from 'myelin';
 * softmax(tensor([-2, 3, 0.5])).toArray(); // [0.0061883, 0.918423, 0.0753888]
 * softmax.with({ axis: 0 });               // an activation over axis 0
 * ```
 *
 * @group Activations
 */
export const softmax: SoftmaxActivation = /* @__PURE__ */ withAxisArgument(
  defineConfigurable(
    'softmax',
    { axis: -1 },
    (c) => (x) => softmaxAlong(x, c.axis),
    checkAxis('softmax'),
  ),
  softmaxAlong,
);

/**
 * Log of softmax along an axis, computed as x − max − log Σ exp(x − max), so
 * it is finite where softmax would underflow to 0. Matches
 * `torch.log_softmax`. Gradient: g − softmax(x)·Σ g.
 *
 * @example
 * ```ts
 * import { logSoftmax, tensor } from 'myelin';
 * logSoftmax(tensor([1000, 0])).toArray(); // [0, -1000]
 * ```
 *
 * @group Activations
 */
export const logSoftmax: SoftmaxActivation = /* @__PURE__ */ withAxisArgument(
  defineConfigurable(
    'logSoftmax',
    { axis: -1 },
    (c) => (x) => logSoftmaxAlong(x, c.axis),
    checkAxis('logSoftmax'),
  ),
  logSoftmaxAlong,
);

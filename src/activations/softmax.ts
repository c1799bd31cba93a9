import { fail } from '../_lib/assert.js';
import { normalizeAxis } from '../_lib/shape.js';
import type { FloatArray } from '../_lib/typed.js';
import { logSoftmaxSlot, softmaxSlot } from '../kernels/softmax.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  kernelFunction,
  makeConfigurable,
  type ActivationKernel,
  type ConfigurableActivation,
} from './define.js';

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

/** The shape of data along `axisArg` as [outer, n, inner] (a scalar is a line of one element, as in PyTorch). */
function lines(fn: string, shape: readonly number[], axisArg: number): [number, number, number] {
  const axis = normalizeAxis(fn, axisArg, Math.max(shape.length, 1));
  return splitAround(shape, axis);
}

function softmaxKernel(axis: number): ActivationKernel {
  return {
    forward(x: FloatArray, y: FloatArray, shape: readonly number[]): void {
      const [outer, n, inner] = lines('softmax', shape, axis);
      softmaxSlot.impl(x, y, outer, n, inner);
    },
    // dx = y ⊙ (g − Σ g⊙y along the axis): the Jacobian-vector product of softmax.
    backward(
      _x: FloatArray,
      y: FloatArray,
      gd: FloatArray,
      d: FloatArray,
      shape: readonly number[],
    ): void {
      const [outer, n, inner] = lines('softmax', shape, axis);
      forEachLine(outer, n, inner, (base, s) => {
        let dot = 0;
        for (let q = 0; q < n; q++) dot += gd[base + q * s]! * y[base + q * s]!;
        for (let q = 0; q < n; q++) d[base + q * s] = y[base + q * s]! * (gd[base + q * s]! - dot);
      });
    },
  };
}

function logSoftmaxKernel(axis: number): ActivationKernel {
  return {
    forward(x: FloatArray, y: FloatArray, shape: readonly number[]): void {
      const [outer, n, inner] = lines('logSoftmax', shape, axis);
      logSoftmaxSlot.impl(x, y, outer, n, inner);
    },
    // dx = g − softmax(x)·Σ g along the axis, with softmax(x) = exp(y).
    backward(
      _x: FloatArray,
      y: FloatArray,
      gd: FloatArray,
      d: FloatArray,
      shape: readonly number[],
    ): void {
      const [outer, n, inner] = lines('logSoftmax', shape, axis);
      forEachLine(outer, n, inner, (base, s) => {
        let total = 0;
        for (let q = 0; q < n; q++) total += gd[base + q * s]!;
        for (let q = 0; q < n; q++)
          d[base + q * s] = gd[base + q * s]! - Math.exp(y[base + q * s]!) * total;
      });
    },
  };
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
  kernelOf: (axis: number) => ActivationKernel,
): SoftmaxActivation {
  const name = base.activationName;
  const f = ((x: Tensor, axis?: number) =>
    axis === undefined ? base(x) : kernelFunction(name, kernelOf(axis))(x)) as SoftmaxActivation;
  Object.defineProperties(f, {
    name: { value: name },
    activationName: { value: name },
    config: { value: base.config },
    kernel: { value: base.kernel },
    with: { value: (c: Partial<{ axis: number }>) => withAxisArgument(base.with(c), kernelOf) },
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
  makeConfigurable('softmax', { axis: -1 }, (c) => softmaxKernel(c.axis), checkAxis('softmax')),
  softmaxKernel,
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
  makeConfigurable(
    'logSoftmax',
    { axis: -1 },
    (c) => logSoftmaxKernel(c.axis),
    checkAxis('logSoftmax'),
  ),
  logSoftmaxKernel,
);

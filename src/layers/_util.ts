import { assertDtype, assertOptions, fail, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, sameShape } from '../_lib/shape.js';
import type { DType, FloatDType } from '../_lib/typed.js';
import type { Activation, ActivationConfig } from '../activations/define.js';
import { allocSlot } from '../kernels/alloc.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

/** A JSON-able reference to a saved `{ kind, config }` object (an initializer or a regularizer). */
export interface KindConfig {
  readonly kind: string;
  readonly config: Readonly<Record<string, number>>;
}

export function checkDtype(fn: string, dtype: unknown): FloatDType {
  return assertDtype(fn, dtype);
}

export function checkOptions(fn: string, options: unknown): void {
  assertOptions(fn, options);
}

export function checkActivation(fn: string, a: unknown): Activation {
  if (typeof a !== 'function' || typeof (a as Partial<Activation>).activationName !== 'string') {
    fail(
      fn,
      'activation',
      'an activation function (such as relu, sigmoid or leakyRelu.with({...}))',
      a,
    );
  }
  return a as Activation;
}

export function activationConfigOf(a: Activation): ActivationConfig {
  return { ...a.config };
}

export function checkRegularizer(fn: string, name: string, r: unknown): Regularizer | undefined {
  if (r === undefined) return undefined;
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof (r as Partial<Regularizer>).penalty !== 'function'
  ) {
    fail(fn, name, 'a regularizer (such as l2(1e-4))', r);
  }
  return r as Regularizer;
}

export function kindConfig(x: {
  kind: string;
  config: Readonly<Record<string, number>>;
}): KindConfig {
  return { kind: x.kind, config: { ...x.config } };
}

/** Copies a TensorLike weight into a fresh parameter of the given shape and dtype. */
export function weightFrom(
  fn: string,
  name: string,
  value: TensorLike,
  shape: readonly number[],
  dtype: DType,
): Tensor {
  let t: Tensor;
  try {
    t = asTensor(value, dtype);
  } catch (e) {
    throw new ValueError(
      `${fn}: ${name} must be a tensor or nested number arrays, got ${show(value)} (${(e as Error).message})`,
    );
  }
  if (!sameShape(t.shape, shape)) {
    // The same sizes in another order: most often a PyTorch weight.
    const sorted = (s: readonly number[]): string => [...s].sort().join();
    const hint =
      t.rank > 1 && sorted(t.shape) === sorted(shape)
        ? ` (a PyTorch weight? ${t.rank > 2 ? 'convert it with fromTorchConvKernel or fromTorchConvTransposeKernel' : 'pass its transpose [in, out]; recurrent ones convert with lstmFromPyTorch, gruFromPyTorch or simpleRnnFromPyTorch'})`
        : '';
    throw new ShapeError(
      `${fn}: ${name} must have shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}${hint}`,
    );
  }
  // Always a private copy: the layer updates it in place during training (a
  // float32 one from the backend's allocator, as initializers do).
  const src = t.data;
  if (!(src instanceof Float32Array)) return new Tensor(src.slice(), shape, true);
  const data = allocSlot.impl(src.length);
  data.set(src);
  return new Tensor(data, shape, true);
}

export function checkInputTensor(fn: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) fail(fn, 'x', 'a Tensor', x);
  return x;
}

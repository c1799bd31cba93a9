import {
  assertAnyDtype,
  assertBoolean,
  assertInteger,
  assertKnownKeys,
  assertOptions,
  fail,
  show,
} from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { checkShape, fmtShape, shapeSize, type Shape } from '../_lib/shape.js';
import { allocate, dtypeOf, type DType, type TensorData } from '../_lib/typed.js';
import { defaultRng, type Rng } from '../random/rng.js';
import { int32GradError, Tensor, type ReadonlyNestedArray } from './tensor.js';

/** Anything `tensor()` accepts: a number, nested arrays (readonly ones too), a typed array (with a shape) or a Tensor. */
export type TensorLike = Tensor | ReadonlyNestedArray | TensorData;

/** Options of {@link tensor}. */
export interface TensorOptions {
  /** Element type; default 'float32', or the dtype of a typed array or Tensor passed in. */
  dtype?: DType;
  /** Shape for flat data (a typed array or a flat number array). */
  shape?: readonly number[];
  /** Mark as a leaf that gradients flow to. */
  requiresGrad?: boolean;
}

const checkDtype = assertAnyDtype;

/** Whether a number can be stored in int32 as it is (an integer in range). Internal. */
export function isInt32(v: number): boolean {
  return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
}

function checkInt32(v: number, path: string): void {
  if (!isInt32(v))
    throw new ValueError(
      `tensor: values${path} must be an integer in the int32 range for dtype int32, got ${show(v)}`,
    );
}

/**
 * Deepest nesting `tensor()` follows. NumPy allows 64 dimensions; 32 is far
 * beyond any model's needs and stops a circular array (`a[0] = a`) or a
 * 100,000-deep one with a clear error long before the stack runs out.
 */
const MAX_NESTING = 32;

function inferShape(values: ReadonlyNestedArray): number[] {
  // A loop down the first elements, not recursion: depth is checked as it goes.
  const shape: number[] = [];
  let v: unknown = values;
  let path = '';
  while (typeof v !== 'number') {
    if (!Array.isArray(v)) {
      throw new ValueError(`tensor: values${path} must be a number or an array, got ${show(v)}`);
    }
    if (shape.length === MAX_NESTING) {
      throw new ValueError(
        `tensor: values is nested more than ${MAX_NESTING} arrays deep (a circular array?); a tensor has at most ${MAX_NESTING} dimensions here`,
      );
    }
    shape.push(v.length);
    if (v.length === 0) break;
    v = (v as readonly unknown[])[0];
    path += '[0]';
  }
  return shape;
}

function readTensorOptions(options: unknown): TensorOptions {
  assertOptions('tensor', options);
  assertKnownKeys('tensor', 'options', options, ['dtype', 'shape', 'requiresGrad']);
  const o = options as TensorOptions;
  if (o.requiresGrad !== undefined) assertBoolean('tensor', 'requiresGrad', o.requiresGrad);
  return o;
}

function fillFrom(
  values: ReadonlyNestedArray,
  shape: Shape,
  dim: number,
  out: TensorData,
  offset: number,
  path: string,
): number {
  if (dim === shape.length) {
    if (typeof values !== 'number') {
      if (Array.isArray(values)) {
        throw new ShapeError(
          `tensor: ragged nested array: values${path} is ${show(values)} where a number was expected`,
        );
      }
      throw new ValueError(`tensor: values${path} must be a number, got ${show(values)}`);
    }
    if (out instanceof Int32Array) checkInt32(values, path);
    out[offset] = values;
    return offset + 1;
  }
  if (!Array.isArray(values)) {
    throw new ShapeError(
      `tensor: ragged nested array: values${path} is ${show(values)} where an array of length ${shape[dim]} was expected`,
    );
  }
  // (Array.isArray narrows a readonly array to any[]: name its type again.)
  const items: readonly ReadonlyNestedArray[] = values;
  if (items.length !== shape[dim]) {
    throw new ShapeError(
      `tensor: ragged nested array: values${path} has length ${items.length}, expected ${shape[dim]}`,
    );
  }
  for (let i = 0; i < items.length; i++)
    offset = fillFrom(items[i]!, shape, dim + 1, out, offset, `${path}[${i}]`);
  return offset;
}

/**
 * Creates a tensor from a number, nested arrays, or flat data plus a shape.
 * Numbers are copied; the tensor never aliases the caller's arrays (a typed
 * array of the requested dtype is copied too, so later writes cannot leak in).
 *
 * @category Creation
 * @example
 * ```ts
 * import { tensor } from 'myelin';
 * tensor(3);                                          // scalar, shape []
 * tensor([[1, 2], [3, 4]]);                           // shape [2, 2], float32
 * tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] }); // float64
 * tensor([1, 2, 3], { dtype: 'float64' });
 * ```
 */
export function tensor(values: TensorLike, options: TensorOptions = {}): Tensor {
  readTensorOptions(options);
  const requiresGrad = options.requiresGrad ?? false;
  const isTensor = values instanceof Tensor;
  if (
    isTensor ||
    values instanceof Float32Array ||
    values instanceof Float64Array ||
    values instanceof Int32Array
  ) {
    // A tensor's own data array is the typed array of its dtype.
    const src = isTensor ? values.data : values;
    const dtype = options.dtype === undefined ? dtypeOf(src) : checkDtype('tensor', options.dtype);
    const shape =
      options.shape === undefined
        ? isTensor
          ? values.shape
          : [src.length]
        : reshapeCheck(src.length, options.shape);
    checkElements('tensor', `data of shape ${fmtShape(shape)}`, src.length);
    if (requiresGrad && dtype === 'int32') throw int32GradError('tensor');
    const data = allocate(dtype, src.length);
    if (data instanceof Int32Array && !(src instanceof Int32Array)) {
      for (let i = 0; i < src.length; i++) checkInt32(src[i]!, `[${i}]`);
    }
    data.set(src);
    return new Tensor(data, shape, requiresGrad);
  }
  if (ArrayBuffer.isView(values)) {
    fail(
      'tensor',
      'values',
      'a number, nested arrays, a Float32Array, Float64Array or Int32Array',
      values,
    );
  }
  const dtype = options.dtype === undefined ? 'float32' : checkDtype('tensor', options.dtype);
  if (requiresGrad && dtype === 'int32') throw int32GradError('tensor');
  const nested: ReadonlyNestedArray = values;
  const inferred = inferShape(nested);
  checkElements('tensor', `nested arrays of shape ${fmtShape(inferred)}`, shapeSize(inferred));
  const data = allocate(dtype, shapeSize(inferred));
  fillFrom(nested, inferred, 0, data, 0, '');
  return new Tensor(
    data,
    options.shape === undefined ? inferred : reshapeCheck(data.length, options.shape),
    requiresGrad,
  );
}

function reshapeCheck(size: number, shape: readonly number[]): number[] {
  const s = checkShape('tensor', 'shape', shape);
  if (shapeSize(s) !== size) {
    throw new ShapeError(
      `tensor: shape ${fmtShape(s)} needs ${shapeSize(s)} elements, got ${size}`,
    );
  }
  return s;
}

/** Options shared by the creation functions. */
export interface CreateOptions {
  /** Element type; default 'float32'. */
  dtype?: DType;
  /** Mark as a leaf that gradients flow to. */
  requiresGrad?: boolean;
}

const CREATE_KEYS = ['dtype', 'requiresGrad'] as const;

/** Checks a creation function's options object: an object with only `allowed` keys. */
export function createOptions(
  fn: string,
  options: unknown,
  allowed: readonly string[] = CREATE_KEYS,
): void {
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, allowed);
  const r = (options as CreateOptions).requiresGrad;
  if (r !== undefined) assertBoolean(fn, 'requiresGrad', r);
}

/**
 * The `rng` option of a random creation function, checked to be an Rng with
 * the `method` it draws with (a seed number or a missing method would fail
 * inside the fill loop with a TypeError), or the shared default stream.
 */
export function rngOption(fn: string, rng: unknown, method: keyof Rng): Rng {
  if (rng === undefined) return defaultRng();
  if (
    typeof rng !== 'object' ||
    rng === null ||
    typeof (rng as Record<string, unknown>)[method] !== 'function'
  )
    fail(fn, 'rng', `an Rng (createRng(seed)) providing ${method}()`, rng);
  return rng as Rng;
}

/** A new tensor of a validated shape and dtype, filled by `fill` (zeros otherwise). */
export function make(
  fn: string,
  shape: readonly number[],
  options: CreateOptions,
  fill?: (data: TensorData) => void,
): Tensor {
  const s = checkShape(fn, 'shape', shape);
  const dtype = options.dtype === undefined ? 'float32' : checkDtype(fn, options.dtype);
  const requiresGrad = options.requiresGrad ?? false;
  // Named here: the Tensor constructor would name itself, not zeros or arange.
  if (requiresGrad && dtype === 'int32') throw int32GradError(fn);
  checkElements(fn, `shape ${fmtShape(s)}`, shapeSize(s));
  const data = allocate(dtype, shapeSize(s));
  fill?.(data);
  return new Tensor(data, s, requiresGrad);
}

/**
 * A tensor of zeros.
 * @category Creation
 * @example
 * ```ts
 * import { zeros } from 'myelin';
 * zeros([2, 3]).toArray(); // [[0, 0, 0], [0, 0, 0]]
 * ```
 */
export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  createOptions('zeros', options);
  return make('zeros', shape, options);
}

/**
 * A tensor of ones.
 * @category Creation
 * @example
 * ```ts
 * import { ones } from 'myelin';
 * ones([2]).toArray(); // [1, 1]
 * ```
 */
export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  createOptions('ones', options);
  return make('ones', shape, options, (d) => d.fill(1));
}

/**
 * A tensor filled with one value, as `torch.full`. With dtype int32 the value
 * must be an integer in the int32 range (as for {@link tensor}): 3e9, 1.5 or
 * NaN would otherwise wrap or truncate silently.
 * @category Creation
 * @example
 * ```ts
 * import { full } from 'myelin';
 * full([2, 2], 7).toArray(); // [[7, 7], [7, 7]]
 * ```
 */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  if (typeof value !== 'number') fail('full', 'value', 'a number', value);
  createOptions('full', options);
  if (options.dtype === 'int32' && !isInt32(value))
    fail('full', 'value', 'an integer in the int32 range for dtype int32', value);
  return make('full', shape, options, (d) => d.fill(value));
}

/**
 * An identity matrix of n rows and m columns (m defaults to n): ones on the
 * main diagonal, zeros elsewhere, as `torch.eye(n, m)`. The options may
 * come second: `eye(3, { dtype: 'float64' })`.
 *
 * @category Creation
 * @example
 * ```ts
 * import { eye } from 'myelin';
 * eye(2).toArray();    // [[1, 0], [0, 1]]
 * eye(2, 3).toArray(); // [[1, 0, 0], [0, 1, 0]]
 * eye(2, { dtype: 'float64' }).dtype; // 'float64'
 * ```
 */
export function eye(n: number, m?: number | CreateOptions, options: CreateOptions = {}): Tensor {
  if (typeof m === 'object') return eye(n, n, m);
  createOptions('eye', options);
  assertInteger('eye', 'n', n);
  const cols = m ?? n;
  assertInteger('eye', 'm', cols);
  return make('eye', [n, cols], options, (d) => {
    for (let i = 0; i < Math.min(n, cols); i++) d[i * cols + i] = 1;
  });
}

/**
 * A tensor of zeros with the shape and dtype of another.
 * @category Creation
 * @example
 * ```ts
 * import { zerosLike, tensor } from 'myelin';
 * zerosLike(tensor([1, 2])).toArray(); // [0, 0]
 * ```
 */
export function zerosLike(t: Tensor): Tensor {
  if (!(t instanceof Tensor)) fail('zerosLike', 't', 'a Tensor', t);
  return make('zerosLike', t.shape, { dtype: t.dtype });
}

/**
 * A tensor of ones with the shape and dtype of another.
 * @category Creation
 * @example
 * ```ts
 * import { onesLike, tensor } from 'myelin';
 * onesLike(tensor([1, 2])).toArray(); // [1, 1]
 * ```
 */
export function onesLike(t: Tensor): Tensor {
  if (!(t instanceof Tensor)) fail('onesLike', 't', 'a Tensor', t);
  return make('onesLike', t.shape, { dtype: t.dtype }, (d) => d.fill(1));
}

/** Options of {@link randomUniform}. */
export interface RandomUniformOptions extends CreateOptions {
  low?: number;
  high?: number;
  /** Random stream; the shared default stream when omitted. */
  rng?: Rng;
}

/**
 * Uniform random values in [low, high) (default [0, 1)), high excluded in
 * float32 too (a draw that rounds up to high is drawn again).
 * @category Creation
 * @example
 * ```ts
 * import { randomUniform, createRng } from 'myelin';
 * const t = randomUniform([2, 3], { low: -1, high: 1, rng: createRng(0) });
 * ```
 */
export function randomUniform(
  shape: readonly number[],
  options: RandomUniformOptions = {},
): Tensor {
  createOptions('randomUniform', options, [...CREATE_KEYS, 'low', 'high', 'rng']);
  const { low = 0, high = 1 } = options;
  const rng = rngOption('randomUniform', options.rng, 'uniform');
  if (!Number.isFinite(low) || !Number.isFinite(high) || high < low) {
    fail('randomUniform', 'low/high', 'finite numbers with low <= high', [low, high]);
  }
  if (options.dtype === 'int32')
    fail('randomUniform', 'dtype', '"float32" or "float64" (randomInt draws integers)', 'int32');
  return make('randomUniform', shape, options, (d) => {
    // A draw below high can round up to high in float32 (every u >= 1 - 2^-25
    // of [0, 1) does): draw again, so high stays excluded, as torch.rand never
    // gives 1. Unless no float32 lies in [low, high) at all (low rounds to
    // high or above), when the rounded draws are all there is.
    // (Float64 draws already exclude high: Rng.uniform sees to that.)
    if (d instanceof Float32Array && high > low && Math.fround(low) < high) {
      for (let i = 0; i < d.length; i++) {
        let v = Math.fround(rng.uniform(low, high));
        while (v >= high) v = Math.fround(rng.uniform(low, high));
        d[i] = v;
      }
    } else for (let i = 0; i < d.length; i++) d[i] = rng.uniform(low, high);
  });
}

/** Options of {@link randomNormal}. */
export interface RandomNormalOptions extends CreateOptions {
  mean?: number;
  std?: number;
  /** Random stream; the shared default stream when omitted. */
  rng?: Rng;
}

/**
 * Normal random values (default mean 0, std 1).
 * @category Creation
 * @example
 * ```ts
 * import { randomNormal, createRng } from 'myelin';
 * const t = randomNormal([4], { std: 0.1, rng: createRng(0) });
 * ```
 */
export function randomNormal(shape: readonly number[], options: RandomNormalOptions = {}): Tensor {
  createOptions('randomNormal', options, [...CREATE_KEYS, 'mean', 'std', 'rng']);
  const { mean = 0, std = 1 } = options;
  const rng = rngOption('randomNormal', options.rng, 'normal');
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
    fail('randomNormal', 'mean/std', 'finite numbers with std >= 0', [mean, std]);
  }
  if (options.dtype === 'int32') fail('randomNormal', 'dtype', '"float32" or "float64"', 'int32');
  return make('randomNormal', shape, options, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = rng.normal(mean, std);
  });
}

/**
 * Converts a TensorLike to a Tensor without copying when it already is one.
 * Used at API boundaries (`predict(model, [[...]])`).
 * @category Creation
 * @example
 * ```ts
 * import { asTensor } from 'myelin';
 * asTensor([[1, 2]]).shape; // [1, 2]
 * ```
 */
export function asTensor(value: TensorLike, dtype?: DType): Tensor {
  // Named here: tensor() would name itself (and show `{ dtype }`, not the value given).
  if (dtype !== undefined) checkDtype('asTensor', dtype);
  if (value instanceof Tensor && (dtype === undefined || value.dtype === dtype)) return value;
  return tensor(value, dtype === undefined ? {} : { dtype });
}

import { fail } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { fmtShape, type Shape } from '../_lib/shape.js';
import type { DType, TensorData } from '../_lib/typed.js';

/** Nested JS arrays of numbers, as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];

/**
 * Nested JS arrays of numbers as `tensor()` (and every function taking a
 * `TensorLike`) accepts them: a {@link NestedArray}, or readonly arrays, such
 * as data declared `as const` or typed `readonly number[][]`.
 *
 * @example
 * ```ts
 * import { tensor, type ReadonlyNestedArray } from 'myelin';
 * const rows: ReadonlyNestedArray = [[0, 1], [1, 0]] as const;
 * console.log(tensor(rows).shape); // [2, 2]
 * ```
 */
export type ReadonlyNestedArray = number | readonly ReadonlyNestedArray[];

/**
 * One recorded step of the autograd graph: the inputs of an op and the
 * function that maps the output's gradient to the inputs' gradients
 * (`null` for an input that needs none).
 */
export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Maps the output's gradient to one gradient (or null) per input. */
  readonly backward: (grad: Tensor) => readonly (Tensor | null)[];
}

// The last frozen shape array a Tensor was built with, and its element count.
let lastFrozen: Shape | null = null;
let lastSize = 0;

/**
 * An n-dimensional array of float32 or float64 numbers, stored contiguously
 * in row-major (C) order. A Tensor is a plain garbage-collected object: there
 * is nothing to dispose.
 *
 * Math on tensors lives in standalone functions (`add`, `matmul`, `relu`, ...)
 * rather than methods, so a bundle holds only the ops it imports.
 *
 * @example
 * ```ts
 * import { tensor } from 'myelin';
 * const t = tensor([[1, 2, 3], [4, 5, 6]]);
 * console.log(t.shape, t.dtype, t.size); // [2, 3] 'float32' 6
 * console.log(t.toArray());             // [[1, 2, 3], [4, 5, 6]]
 * ```
 */
export class Tensor {
  /** Dimensions, outermost first. `[]` is a scalar. */
  readonly shape: Shape;
  /** Element type: 'float32' (the default), 'float64', or 'int32' (labels, ids, indices; never differentiated). */
  readonly dtype: DType;
  /** The elements in row-major order. Optimizers update it in place. */
  readonly data: TensorData;
  /** Number of elements (the product of the shape). */
  readonly size: number;
  private grads: boolean;
  /** Accumulated gradient of a leaf tensor after `backward`, or null. */
  grad: Tensor | null = null;
  /** The op that produced this tensor when it was recorded for autograd. */
  node: GradNode | null = null;

  /**
   * Wraps `data` (not copied) as a tensor of `shape`. The data must be a
   * Float32Array, Float64Array or Int32Array (its type is the dtype) holding
   * exactly the product of the shape's entries, each a non-negative integer.
   * Prefer {@link tensor}, which also takes nested arrays and copies.
   */
  constructor(data: TensorData, shape: Shape, requiresGrad = false) {
    // A frozen array can be shared as it is (hot paths pass one cached shape
    // per call); anything else is copied so later writes to it cannot leak in.
    // An array stays frozen for good, so the last one seen needs no new look
    // (nor a new count or check of its entries).
    const known = shape === lastFrozen;
    const size = known ? lastSize : checkedSize(shape);
    // The dtype comes from the class; anything else (a plain array, a
    // Uint8Array) would fail later inside a kernel, so it is refused here.
    const dtype: DType =
      data instanceof Float32Array
        ? 'float32'
        : data instanceof Float64Array
          ? 'float64'
          : data instanceof Int32Array
            ? 'int32'
            : fail('Tensor', 'data', 'a Float32Array, Float64Array or Int32Array', data);
    if (data.length !== size) {
      throw new ValueError(
        `Tensor: data has ${data.length} elements but shape ${fmtShape(shape)} needs ${size}`,
      );
    }
    if (requiresGrad && dtype === 'int32') throw int32GradError('Tensor');
    if (!known) {
      if (!Object.isFrozen(shape)) shape = Object.freeze([...shape]);
      lastFrozen = shape;
      lastSize = size;
    }
    this.data = data;
    this.shape = shape;
    this.dtype = dtype;
    this.size = size;
    this.grads = requiresGrad;
  }

  /** Whether gradients flow to this tensor (parameters and `grad` inputs). Never true for int32. */
  get requiresGrad(): boolean {
    return this.grads;
  }

  set requiresGrad(value: boolean) {
    if (value && this.data instanceof Int32Array) throw int32GradError('Tensor.requiresGrad');
    this.grads = value;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /**
   * The elements as nested JS arrays (a number for a scalar): `rank` levels
   * of arrays. Its type cannot know the rank, so state it to index the result
   * in strict TypeScript (`as number[][]` for a rank-2 tensor), or read the
   * flat `.data` with `.shape`.
   *
   * @example
   * ```ts
   * import { tensor } from 'myelin';
   * console.log(tensor([[1, 2], [3, 4]]).toArray()); // [[1, 2], [3, 4]]
   * const rows = tensor([[1, 2], [3, 4]]).toArray() as number[][];
   * console.log(rows[1]![0]); // 3
   * ```
   */
  toArray(): NestedArray {
    const { data, shape } = this;
    if (shape.length === 0) return data[0]!;
    const build = (dim: number, offset: number, stride: number): NestedArray[] => {
      const n = shape[dim]!;
      const inner = stride / (n || 1);
      const out: NestedArray[] = new Array<NestedArray>(n);
      for (let i = 0; i < n; i++) {
        out[i] =
          dim === shape.length - 1 ? data[offset + i]! : build(dim + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, this.size);
  }

  /**
   * The single element of a one-element tensor, as a JS number.
   *
   * @example
   * ```ts
   * import { tensor } from 'myelin';
   * console.log(tensor([[2.5]]).item()); // 2.5
   * ```
   */
  item(): number {
    if (this.size !== 1) {
      throw new ValueError(
        `Tensor.item: tensor must have exactly one element, got shape ${fmtShape(this.shape)}`,
      );
    }
    return this.data[0]!;
  }

  /** A short description such as `Tensor([2,3], float32)`. */
  toString(): string {
    return `Tensor(${fmtShape(this.shape)}, ${this.dtype})`;
  }
}

/**
 * The element count of a shape given to the constructor, checking that it is
 * an array of non-negative integers: a negative or fractional entry would
 * otherwise pass the count check ([-2, -2] holds 4) and fail later with an
 * internal RangeError. (Kept small: it is in every bundle.)
 */
function checkedSize(shape: unknown): number {
  let n = Array.isArray(shape) ? 1 : NaN;
  // NaN (not an array, or a bad entry) ends the loop and fails the check below.
  for (let i = 0; n >= 0 && i < (shape as unknown[]).length; i++) {
    const d = (shape as unknown[])[i];
    n = Number.isInteger(d) && (d as number) >= 0 ? n * (d as number) : NaN;
  }
  return n >= 0 ? n : fail('Tensor', 'shape', 'an array of non-negative integers', shape);
}

/** The error for an int32 tensor where gradients are needed (int32 is for labels, ids and indices). */
export function int32GradError(fn: string): ValueError {
  return new ValueError(
    `${fn}: an int32 tensor cannot require gradients (int32 holds labels, token ids and indices; cast it to float32 to differentiate)`,
  );
}

/**
 * Whether a value is a myelin Tensor.
 *
 * @example
 * ```ts
 * import { isTensor, tensor } from 'myelin';
 * console.log(isTensor(tensor(1)), isTensor([1])); // true false
 * ```
 */
export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

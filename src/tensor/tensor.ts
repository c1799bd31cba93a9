import { ValueError } from '../_lib/errors.js';
import { fmtShape, shapeSize, type Shape } from '../_lib/shape.js';
import { dtypeOf, type DType, type TensorData } from '../_lib/typed.js';

/** Nested JS arrays of numbers, as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];

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

  constructor(data: TensorData, shape: Shape, requiresGrad = false) {
    // A frozen array can be shared as it is (hot paths pass one cached shape
    // per call); anything else is copied so later writes to it cannot leak in.
    // An array stays frozen for good, so the last one seen needs no new look
    // (nor a new count of its elements).
    const known = shape === lastFrozen;
    const size = known ? lastSize : shapeSize(shape);
    if (data.length !== size) {
      throw new ValueError(
        `Tensor: data has ${data.length} elements but shape ${fmtShape(shape)} needs ${size}`,
      );
    }
    if (requiresGrad && data instanceof Int32Array) throw int32GradError('Tensor');
    if (!known) {
      if (!Array.isArray(shape) || !Object.isFrozen(shape)) shape = Object.freeze([...shape]);
      lastFrozen = shape;
      lastSize = size;
    }
    this.data = data;
    this.shape = shape;
    this.dtype = dtypeOf(data);
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
   * The elements as nested JS arrays (a number for a scalar).
   *
   * @example
   * ```ts
   * import { tensor } from 'myelin';
   * console.log(tensor([[1, 2], [3, 4]]).toArray()); // [[1, 2], [3, 4]]
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

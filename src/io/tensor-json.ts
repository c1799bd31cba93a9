import { fmtShape } from '../_lib/shape.js';
import { dtypeOf, type DType, type FloatDType, type TensorData } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import {
  LIMITS,
  at,
  formatError,
  mustBe,
  readArray,
  readObject,
  readOneOf,
  type Where,
} from './_check.js';
import { decodeBase64, encodeBase64 } from './base64.js';
import { DTYPE_BYTES, fromLittleEndianBytes, toLittleEndianBytes } from './bytes.js';
import type { TensorJSON } from './format.js';

/** Encodes a tensor's exact bytes (see {@link TensorJSON}). */
export function encodeTensor(data: TensorData, shape: readonly number[]): TensorJSON {
  return {
    dtype: dtypeOf(data),
    shape: [...shape],
    data: encodeBase64(toLittleEndianBytes(data)),
  };
}

/** A validated shape: at most maxRank dimensions, each an integer in [0, maxDimension], product within `maxElements`. */
export function readShape(w: Where, value: unknown, maxElements: number): number[] {
  const dims = readArray(w, value, LIMITS.maxRank);
  let size = 1;
  const shape = dims.map((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > LIMITS.maxDimension) {
      mustBe(at(w, i), `an integer in [0, ${LIMITS.maxDimension}]`, d);
    }
    size *= d;
    return d;
  });
  // Checked on the running product, so an absurd shape is refused before
  // anything of that size exists.
  if (size > maxElements)
    formatError(w, `has ${size} elements, more than the limit of ${maxElements}`);
  return shape;
}

/** The dtypes a model file stores (weights and optimizer slots are float). */
const FLOAT_DTYPES: readonly FloatDType[] = ['float32', 'float64'];

/**
 * Reads a {@link TensorJSON}: dtype, shape (bounded), then base64 whose length
 * must match product(shape) × element size exactly, before decoding. When
 * `expectedShape` is given the shape must equal it (`why` explains the
 * expectation in the error, e.g. "for a dense layer with inputs 4 and units 2").
 * `dtypes` lists the dtypes accepted (model files: the float ones).
 */
export function decodeTensor(
  w: Where,
  value: unknown,
  maxElements: number,
  expected?: { shape: readonly number[]; why: string; dtype?: DType; dtypeWhy?: string },
  dtypes: readonly DType[] = FLOAT_DTYPES,
): Tensor {
  const obj = readObject(w, value, ['dtype', 'shape', 'data']);
  const dtype = readOneOf(at(w, 'dtype'), obj.dtype, dtypes);
  const shape = readShape(at(w, 'shape'), obj.shape, maxElements);
  if (expected && fmtShape(expected.shape) !== fmtShape(shape)) {
    mustBe(at(w, 'shape'), `${fmtShape(expected.shape)} ${expected.why}`, shape);
  }
  if (expected?.dtype !== undefined && dtype !== expected.dtype) {
    mustBe(
      at(w, 'dtype'),
      `${JSON.stringify(expected.dtype)} ${expected.dtypeWhy ?? expected.why}`,
      dtype,
    );
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (typeof obj.data !== 'string') mustBe(at(w, 'data'), 'a base64 string', obj.data);
  const bytes = decodeBase64(w.fn, at(w, 'data').path, obj.data, size * DTYPE_BYTES[dtype]);
  return new Tensor(fromLittleEndianBytes(bytes, dtype), shape);
}

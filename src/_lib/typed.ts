/** The floating-point element types: what gradients, weights and activations are computed in. */
export type FloatDType = 'float32' | 'float64';
/**
 * The element types a tensor can have. float32 is the default, as in PyTorch
 * and TF.js; float64 for exact work; int32 for labels, token ids and indices
 * (never differentiated).
 */
export type DType = FloatDType | 'int32';
/** The typed arrays float tensor data lives in, one per float dtype. */
export type FloatArray = Float32Array | Float64Array;
/** The typed arrays tensor data lives in, one per dtype. */
export type TensorData = FloatArray | Int32Array;

export function allocate(dtype: FloatDType, length: number): FloatArray;
export function allocate(dtype: DType, length: number): TensorData;
export function allocate(dtype: DType, length: number): TensorData {
  return dtype === 'float64'
    ? new Float64Array(length)
    : dtype === 'int32'
      ? new Int32Array(length)
      : new Float32Array(length);
}

export function dtypeOf(data: TensorData): DType {
  return data instanceof Float64Array
    ? 'float64'
    : data instanceof Int32Array
      ? 'int32'
      : 'float32';
}

/** float64 wins when mixing, as in PyTorch's type promotion; int32 with anything promotes to a float dtype. */
export function promote(a: DType, b: DType): FloatDType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}

/** Whether a dtype is a floating-point one. */
export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype !== 'int32';
}

/**
 * The data of a float tensor, typed as such. Float-only code paths call it
 * where their inputs were already checked or promoted to a float dtype; an
 * Int32Array here is a bug in that check, reported instead of computed on.
 */
export function asFloat(data: TensorData): FloatArray {
  if (data instanceof Int32Array)
    throw new TypeError('internal: int32 data reached a floating-point kernel');
  return data;
}

/** {@link allocate} for float-only code paths (see {@link asFloat}). */
export function allocFloat(dtype: DType, length: number): FloatArray {
  return asFloat(allocate(dtype, length));
}

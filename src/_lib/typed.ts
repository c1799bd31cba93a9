/** The element types myelin computes in. float32 is the default, as in PyTorch and TF.js. */
export type DType = 'float32' | 'float64';
/** The typed arrays tensor data lives in, one per dtype. */
export type FloatArray = Float32Array | Float64Array;

export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
}

export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

/** float64 wins when mixing, as in PyTorch's type promotion. */
export function promote(a: DType, b: DType): DType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}

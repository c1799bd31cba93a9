// The PyTorch weight converters read nested arrays in the dtype asked for, so
// a float64 layer gets its weights exactly (they once rounded to float32).
import { describe, expect, it } from 'vitest';
import {
  fromTorchConvKernel,
  fromTorchConvTransposeKernel,
  fromTorchDenseAfterFlatten,
} from '../../src/io/layout-image.js';
import { conv2d } from '../../src/layers/conv2d.js';
import { tensor } from '../../src/tensor/create.js';

const v = 0.1234567890123; // not a float32 value

describe('PyTorch weight converters and dtypes', () => {
  it('keep float64 values exactly with { dtype: "float64" }', () => {
    const k = fromTorchConvKernel([[[[v]]]], { dtype: 'float64' });
    expect(k.dtype).toBe('float64');
    expect(k.data[0]).toBe(v);
    const layer = conv2d(1, 1, 1, { kernel: k, dtype: 'float64' });
    expect(layer.params.kernel!.data[0]).toBe(v);
    expect(fromTorchConvTransposeKernel([[[[v]]]], { dtype: 'float64' }).data[0]).toBe(v);
    expect(fromTorchDenseAfterFlatten([[v, 1]], [2, 1, 1], { dtype: 'float64' }).data[0]).toBe(v);
  });

  it('read nested arrays in float32 by default, and keep a tensor in its own dtype', () => {
    expect(fromTorchConvKernel([[[[v]]]]).data[0]).toBe(Math.fround(v));
    expect(fromTorchConvKernel(tensor([[[[v]]]], { dtype: 'float64' })).data[0]).toBe(v);
  });

  it('refuse a bad dtype or an unknown option, naming the function', () => {
    expect(() => fromTorchConvKernel([[[[v]]]], { dtype: 'int32' as 'float32' })).toThrow(
      'fromTorchConvKernel: dtype must be "float32" or "float64"',
    );
    expect(() =>
      fromTorchDenseAfterFlatten([[v, 1]], [2, 1, 1], { dtyp: 'float64' } as object),
    ).toThrow(/fromTorchDenseAfterFlatten: .*dtyp/);
  });
});

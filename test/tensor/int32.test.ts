// The int32 dtype: labels, token ids and indices. Never differentiated;
// arithmetic promotes it to float32; creation checks every value is an integer
// in range; cast truncates toward zero (PyTorch's .to(torch.int32)).
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { valueAndGrad } from '../../src/autograd/functional.js';
import { relu } from '../../src/activations/relu.js';
import { add } from '../../src/ops/add.js';
import { argmax } from '../../src/ops/argmax.js';
import { cast } from '../../src/ops/cast.js';
import { exp } from '../../src/ops/exp.js';
import { gather } from '../../src/ops/gather.js';
import { matmul } from '../../src/ops/matmul.js';
import { reshape } from '../../src/ops/reshape.js';
import { sum } from '../../src/ops/sum.js';
import { equal } from '../../src/ops/compare.js';
import { ones, randomUniform, tensor, zeros } from '../../src/tensor/create.js';
import { Tensor } from '../../src/tensor/tensor.js';

describe('int32 tensors', () => {
  it('are created from nested arrays, Int32Array and other tensors', () => {
    const t = tensor(
      [
        [1, -2],
        [3, 2147483647],
      ],
      { dtype: 'int32' },
    );
    expect(t.dtype).toBe('int32');
    expect(t.data).toBeInstanceOf(Int32Array);
    expect(t.toArray()).toEqual([
      [1, -2],
      [3, 2147483647],
    ]);
    const u = tensor(new Int32Array([4, 5, 6]), { shape: [3, 1] });
    expect(u.dtype).toBe('int32');
    expect(u.shape).toEqual([3, 1]);
    expect(tensor(u).data).not.toBe(u.data); // copied
    expect(zeros([2], { dtype: 'int32' }).data).toEqual(new Int32Array(2));
    expect(ones([2], { dtype: 'int32' }).toArray()).toEqual([1, 1]);
  });

  it('refuse non-integers and values outside the int32 range', () => {
    expect(() => tensor([1, 1.5], { dtype: 'int32' })).toThrow(
      'tensor: values[1] must be an integer in the int32 range for dtype int32, got 1.5',
    );
    expect(() => tensor([2 ** 31], { dtype: 'int32' })).toThrow(/values\[0\] must be an integer/);
    expect(() => tensor(new Float32Array([NaN]), { dtype: 'int32' })).toThrow(
      'tensor: values[0] must be an integer in the int32 range for dtype int32, got NaN',
    );
    expect(() => randomUniform([2], { dtype: 'int32' })).toThrow(/randomUniform: dtype/);
  });

  it('never require gradients', () => {
    expect(() => tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(ValueError);
    expect(() => new Tensor(new Int32Array(1), [1], true)).toThrow(
      'Tensor: an int32 tensor cannot require gradients',
    );
    const t = tensor([1], { dtype: 'int32' });
    expect(() => {
      t.requiresGrad = true;
    }).toThrow('Tensor.requiresGrad: an int32 tensor cannot require gradients');
    expect(t.requiresGrad).toBe(false);
    expect(() => valueAndGrad((x: Tensor) => sum(x))(t)).toThrow(
      'valueAndGrad: an int32 tensor cannot require gradients',
    );
  });

  it('promote to float32 in arithmetic, activations and reductions', () => {
    const i = tensor([1, 2, 3], { dtype: 'int32' });
    const a = add(i, i);
    expect(a.dtype).toBe('float32');
    expect(a.toArray()).toEqual([2, 4, 6]);
    expect(add(i, tensor([0.5], { dtype: 'float64' })).dtype).toBe('float64');
    expect(exp(tensor([0], { dtype: 'int32' })).toArray()).toEqual([1]);
    expect(relu(tensor([-1, 2], { dtype: 'int32' })).toArray()).toEqual([0, 2]);
    expect(sum(i).item()).toBe(6);
    expect(matmul(tensor([[1, 2]], { dtype: 'int32' }), tensor([[3], [4]])).toArray()).toEqual([
      [11],
    ]);
    expect(equal(i, 2).toArray()).toEqual([0, 1, 0]);
  });

  it('keep their dtype through shape ops and gather', () => {
    const i = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'int32' },
    );
    expect(reshape(i, [4]).dtype).toBe('int32');
    const g = gather(i, [1, 0], 0);
    expect(g.dtype).toBe('int32');
    expect(g.toArray()).toEqual([
      [3, 4],
      [1, 2],
    ]);
  });

  it('cast truncates toward zero and converts back exactly', () => {
    const c = cast(tensor([1.9, -1.9, 0.5, -0]), 'int32');
    expect(c.dtype).toBe('int32');
    expect(c.toArray()).toEqual([1, -1, 0, 0]);
    expect(() => cast(tensor([NaN]), 'int32')).toThrow(
      'cast: element 0 is NaN, outside the int32 range',
    );
    expect(() => cast(tensor([3e9], { dtype: 'float64' }), 'int32')).toThrow(
      /outside the int32 range/,
    );
    const w = tensor([1.5], { requiresGrad: true });
    expect(cast(w, 'int32').requiresGrad).toBe(false);
    expect(cast(tensor([7, -3], { dtype: 'int32' }), 'float64').toArray()).toEqual([7, -3]);
  });

  it('argmax returns int32 indices', () => {
    const r = argmax(
      tensor([
        [1, 5, 2],
        [9, 0, 1],
      ]),
      { axis: 1 },
    );
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([1, 0]);
  });
});

import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/index.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { tensor, zeros, type Tensor } from '../../src/tensor/index.js';
import {
  broadcastTo,
  cast,
  clone,
  concat,
  expandDims,
  gather,
  mul,
  permute,
  reshape,
  slice,
  squeeze,
  stack,
  sum,
  transpose,
} from '../../src/ops/index.js';

/** Σ w ⊙ f(x) for weights 1..n in the output's shape, so each output element's gradient is distinct. */
const weighted =
  (f: (x: Tensor) => Tensor) =>
  (x: Tensor): Tensor => {
    const y = f(x);
    return sum(
      mul(
        y,
        tensor(
          Array.from({ length: y.size }, (_, i) => i + 1),
          { shape: y.shape, dtype: y.dtype },
        ),
      ),
    );
  };
const dweighted = (f: (x: Tensor) => Tensor, x: Tensor): Tensor => grad(weighted(f))(x)[0]!;

describe('cast', () => {
  it('copies into the other dtype', () => {
    const x = tensor([0.1, 2]);
    const y = cast(x, 'float64');
    expect(y.dtype).toBe('float64');
    expect(y.data[0]).toBe(Math.fround(0.1));
    expect(cast(tensor([0.1], { dtype: 'float64' }), 'float32').data[0]).toBe(Math.fround(0.1));
    expect(cast(x, 'float32').data).not.toBe(x.data);
  });
  it('sends the gradient back in the input dtype', () => {
    const [g] = grad((x: Tensor) => sum(cast(x, 'float64')))(tensor([1, 2]));
    expect(g!.dtype).toBe('float32');
    expect(g!.toArray()).toEqual([1, 1]);
  });
  it('rejects unknown dtypes', () => {
    expect(() => cast(tensor([1]), 'int16' as 'float32')).toThrow(
      'cast: dtype must be "float32", "float64" or "int32", got "int16"',
    );
    expect(() => cast(1 as unknown as Tensor, 'float32')).toThrow(
      'cast: x must be a Tensor, got 1',
    );
  });
});

describe('clone', () => {
  it('copies the data and stays in the graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = clone(x);
    y.data[0] = 9;
    expect(x.toArray()).toEqual([1, 2]);
    expect(y.requiresGrad).toBe(true);
    expect(dweighted(clone, tensor([5, 6])).toArray()).toEqual([1, 2]);
  });
  it('rejects non-tensors', () => {
    expect(() => clone([1] as unknown as Tensor)).toThrow('clone: x must be a Tensor, got [1]');
  });
});

describe('reshape / expandDims / squeeze', () => {
  it('reshape keeps row-major order and infers one −1', () => {
    expect(reshape(tensor([1, 2, 3, 4, 5, 6]), [2, -1]).toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(reshape(tensor([7]), []).shape).toEqual([]);
    expect(reshape(zeros([0, 3]), [3, 0]).shape).toEqual([3, 0]);
    expect(
      dweighted(
        (x) => reshape(x, [4]),
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ).toArray(),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
  it('reshape rejects impossible shapes', () => {
    expect(() => reshape(tensor([1, 2, 3]), [2, 2])).toThrow(
      'reshape: cannot reshape [3] (3 elements) to [2,2]',
    );
    expect(() => reshape(tensor([1, 2]), [-1, -1])).toThrow(
      'reshape: shape may contain at most one -1',
    );
    expect(() => reshape(tensor([1, 2]), [1.5] as number[])).toThrow(ValueError);
    expect(() => reshape(tensor([1, 2]), 'x' as unknown as number[])).toThrow(
      'reshape: shape must be an array',
    );
  });

  it('expandDims inserts a unit axis, negative axes counting from the end of the result', () => {
    const x = tensor([1, 2, 3]);
    expect(expandDims(x, 0).shape).toEqual([1, 3]);
    expect(expandDims(x, 1).shape).toEqual([3, 1]);
    expect(expandDims(x, -1).shape).toEqual([3, 1]);
    expect(expandDims(x, -2).shape).toEqual([1, 3]);
    expect(expandDims(tensor(5), 0).toArray()).toEqual([5]);
    expect(dweighted((t) => expandDims(t, 0), tensor([1, 2])).toArray()).toEqual([1, 2]);
    expect(() => expandDims(x, 2)).toThrow(
      'expandDims: axis must be an integer in [-2, 1] for a tensor of rank 1, got 2',
    );
    expect(() => expandDims(x, 0.5)).toThrow(ValueError);
  });

  it('squeeze removes all or named unit axes, and refuses to squeeze a non-unit axis', () => {
    expect(squeeze(zeros([1, 3, 1])).shape).toEqual([3]);
    expect(squeeze(zeros([1, 3, 1]), 0).shape).toEqual([3, 1]);
    expect(squeeze(zeros([1, 3, 1]), [-1, 0]).shape).toEqual([3]);
    expect(squeeze(zeros([1, 1])).shape).toEqual([]);
    expect(dweighted((t) => squeeze(t), tensor([[1], [2]])).toArray()).toEqual([[1], [2]]);
    expect(() => squeeze(zeros([1, 3]), 1)).toThrow(
      'squeeze: axis 1 of shape [1,3] has size 3, expected 1',
    );
    expect(() => squeeze(zeros([1, 3]), 2)).toThrow(
      'squeeze: axis must be an integer in [-2, 1], got 2',
    );
    expect(() => squeeze(zeros([1, 3]), '0' as unknown as number)).toThrow(ValueError);
  });
});

describe('broadcastTo', () => {
  it('tiles along broadcast axes and sums the gradient back', () => {
    expect(broadcastTo(tensor([1, 2]), [2, 2]).toArray()).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(broadcastTo(tensor([[1], [2]]), [2, 3]).toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(broadcastTo(tensor(3), [2]).toArray()).toEqual([3, 3]);
    expect(broadcastTo(tensor([1]), [0]).shape).toEqual([0]);
    // weights [[1,2,3],[4,5,6]] summed along the broadcast axis: [1+2+3, 4+5+6].
    expect(dweighted((t) => broadcastTo(t, [2, 3]), tensor([[1], [2]])).toArray()).toEqual([
      [6],
      [15],
    ]);
  });
  it('rejects shapes x does not broadcast to', () => {
    expect(() => broadcastTo(tensor([1, 2]), [3])).toThrow(
      'broadcastTo: cannot broadcast shape [2] to [3]',
    );
    expect(() => broadcastTo(zeros([2, 1]), [1])).toThrow(ShapeError);
    expect(() => broadcastTo(zeros([2]), [-2])).toThrow(
      'broadcastTo: shape must be an array of non-negative integers, got [-2]',
    );
  });
});

describe('permute / transpose', () => {
  it('reorders dimensions', () => {
    expect(
      transpose(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ).toArray(),
    ).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    const x = tensor([[[1, 2]], [[3, 4]]]); // [2,1,2]
    const p = permute(x, [2, 0, 1]);
    expect(p.shape).toEqual([2, 2, 1]);
    // p[i,j,0] = x[j,0,i]
    expect(p.toArray()).toEqual([
      [[1], [3]],
      [[2], [4]],
    ]);
    expect(permute(x, [-1, 0, 1]).shape).toEqual([2, 2, 1]);
    // batched transpose swaps the last two axes only
    expect(transpose(zeros([4, 2, 3])).shape).toEqual([4, 3, 2]);
    expect(transpose(tensor([1, 2])).toArray()).toEqual([1, 2]);
    expect(transpose(zeros([0, 2])).shape).toEqual([2, 0]);
  });
  it('permutes the gradient back', () => {
    // y = xᵀ with weights [[1,2],[3,4],[5,6]] → ∂/∂x = weightsᵀ.
    expect(
      dweighted(
        transpose,
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ).toArray(),
    ).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ]);
  });
  it('rejects bad permutations', () => {
    expect(() => permute(zeros([2, 3]), [0, 0])).toThrow(
      'permute: perm must be a permutation of 0..1, got [0,0]',
    );
    expect(() => permute(zeros([2, 3]), [0])).toThrow(ValueError);
    expect(() => transpose(zeros([2, 3]), [1, 2])).toThrow(ValueError);
  });
});

describe('concat / stack', () => {
  it('concat joins along an existing axis', () => {
    expect(
      concat([
        tensor([[1, 2]]),
        tensor([
          [3, 4],
          [5, 6],
        ]),
      ]).toArray(),
    ).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(
      concat(
        [
          tensor([[1], [2]]),
          tensor([
            [3, 4],
            [5, 6],
          ]),
        ],
        1,
      ).toArray(),
    ).toEqual([
      [1, 3, 4],
      [2, 5, 6],
    ]);
    expect(concat([tensor([[1], [2]]), tensor([[3], [4]])], -1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(concat([zeros([0, 2]), tensor([[1, 2]])]).toArray()).toEqual([[1, 2]]);
    expect(concat([tensor([1])]).toArray()).toEqual([1]);
  });
  it('concat promotes to float64 and returns each input its slice of the gradient in its own dtype', () => {
    const a = tensor([[1], [2]]);
    const b = tensor(
      [
        [3, 4],
        [5, 6],
      ],
      { dtype: 'float64' },
    );
    expect(concat([a, b], 1).dtype).toBe('float64');
    // weights [[1,2,3],[4,5,6]]: a gets column 0, b columns 1..2.
    const [ga, gb] = grad((x: Tensor, y: Tensor) => weighted((c) => c)(concat([x, y], 1)))(a, b);
    expect(ga!.toArray()).toEqual([[1], [4]]);
    expect(ga!.dtype).toBe('float32');
    expect(gb!.toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
  });
  it('concat rejects mismatched shapes with a precise message', () => {
    expect(() => concat([zeros([2, 3]), zeros([2, 4])], 0)).toThrow(
      'concat: tensors[1] has shape [2,4], expected [*,3] matching tensors[0] [2,3] except on axis 0',
    );
    expect(() => concat([zeros([2, 3]), zeros([2, 3, 1])], 1)).toThrow(ShapeError);
    expect(() => concat([])).toThrow(
      'concat: tensors must be a non-empty array of Tensors, got []',
    );
    expect(() => concat([zeros([1]), 1 as unknown as Tensor])).toThrow(
      'concat: tensors[1] must be a Tensor, got 1',
    );
    expect(() => concat([tensor(1), tensor(2)])).toThrow(
      'concat: tensors must have at least 1 dimension',
    );
    expect(() => concat([zeros([2])], 1)).toThrow(
      'concat: axis must be an integer in [-1, 0], got 1',
    );
  });

  it('stack joins along a new axis', () => {
    expect(stack([tensor([1, 2]), tensor([3, 4])]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], -1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(stack([tensor(1), tensor(2)]).toArray()).toEqual([1, 2]);
    const [ga, gb] = grad((x: Tensor, y: Tensor) => weighted((c) => c)(stack([x, y], 1)))(
      tensor([0, 0]),
      tensor([0, 0]),
    );
    // weights [[1,2],[3,4]]: x is column 0, y column 1.
    expect(ga!.toArray()).toEqual([1, 3]);
    expect(gb!.toArray()).toEqual([2, 4]);
  });
  it('stack rejects shape mismatches and bad axes', () => {
    expect(() => stack([zeros([2]), zeros([3])])).toThrow(
      'stack: tensors[1] has shape [3], expected [2] like tensors[0]',
    );
    expect(() => stack([zeros([2])], 2)).toThrow(
      'stack: axis must be an integer in [-2, 1] for tensors of rank 1, got 2',
    );
    expect(() => stack('ab' as unknown as Tensor[])).toThrow(ValueError);
  });
});

describe('slice', () => {
  const x = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  it('takes a box, TF.js-style, with −1 sizes and negative begins', () => {
    expect(slice(x, [0, 1], [2, 2]).toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(slice(x, [1, -2], [-1, -1]).toArray()).toEqual([[5, 6]]);
    expect(slice(x, [1]).toArray()).toEqual([[4, 5, 6]]);
    expect(slice(tensor([1, 2, 3, 4]), 1, 2).toArray()).toEqual([2, 3]);
    expect(slice(x, [0, 3], [2, 0]).shape).toEqual([2, 0]);
    expect(slice(tensor(5), []).toArray()).toEqual(5);
  });
  it('puts the gradient back in place, zeros elsewhere', () => {
    expect(dweighted((t) => slice(t, [0, 1], [2, 2]), x).toArray()).toEqual([
      [0, 1, 2],
      [0, 3, 4],
    ]);
  });
  it('rejects out-of-range boxes', () => {
    expect(() => slice(x, [0, 2], [1, 2])).toThrow(
      'slice: begin[1] + size[1] = 2 + 2 exceeds axis 1 of size 3 in shape [2,3]',
    );
    expect(() => slice(x, [3])).toThrow(
      'slice: begin[0] = 3 is out of range for axis 0 of size 2 in shape [2,3]',
    );
    expect(() => slice(x, [-3])).toThrow(ShapeError);
    expect(() => slice(x, [0, 0, 0])).toThrow(
      'slice: begin must be an integer or an array of at most 2 integers, got [0,0,0]',
    );
    expect(() => slice(x, [0], [-2])).toThrow(
      'slice: size must be an integer or an array of at most 2 integers >= -1, got [-2]',
    );
    expect(() => slice(x, [0.5])).toThrow(ValueError);
  });
});

describe('gather', () => {
  const x = tensor([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  it('picks along an axis from number[], Int32Array or Tensor indices', () => {
    expect(gather(x, [2, 0]).toArray()).toEqual([
      [5, 6],
      [1, 2],
    ]);
    expect(gather(x, new Int32Array([1, 1]), 1).toArray()).toEqual([
      [2, 2],
      [4, 4],
      [6, 6],
    ]);
    expect(gather(x, [1], -1).toArray()).toEqual([[2], [4], [6]]);
    // Tensor indices keep their shape: [2,2] indices on axis 0 → [2,2,2].
    expect(
      gather(
        x,
        tensor([
          [0, 1],
          [2, 0],
        ]),
      ).toArray(),
    ).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [1, 2],
      ],
    ]);
    expect(gather(x, []).shape).toEqual([0, 2]);
  });
  it('scatter-adds the gradient, accumulating duplicates', () => {
    // indices [2, 0, 2] with weights [[1,2],[3,4],[5,6]]: row 2 gets [1+5, 2+6], row 0 gets [3, 4].
    expect(dweighted((t) => gather(t, [2, 0, 2]), x).toArray()).toEqual([
      [3, 4],
      [0, 0],
      [6, 8],
    ]);
  });
  it('rejects bad indices and axes', () => {
    expect(() => gather(x, [3])).toThrow(
      'gather: indices[0] must be an integer in [0, 2] (axis 0 of shape [3,2]), got 3',
    );
    expect(() => gather(x, [0, -1])).toThrow('gather: indices[1] must be an integer in [0, 2]');
    expect(() => gather(x, [0.5])).toThrow(ValueError);
    expect(() => gather(x, tensor([1.5]))).toThrow(ValueError);
    expect(() => gather(x, 'ab' as unknown as number[])).toThrow(
      'gather: indices must be an Int32Array, an array of integers or a Tensor, got "ab"',
    );
    expect(() => gather(x, [0], 2)).toThrow('gather: axis must be an integer in [-2, 1], got 2');
    expect(() => gather(tensor(1), [0])).toThrow('gather: x must have at least 1 dimension');
  });
});

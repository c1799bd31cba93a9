import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/index.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { tensor, zeros, type Tensor } from '../../src/tensor/index.js';
import {
  equal,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  mul,
  notEqual,
  sum,
  where,
} from '../../src/ops/index.js';
import { expectClose } from '../helpers/expect-close.js';

describe('comparisons', () => {
  const a = tensor([1, 2, 3, NaN]);
  const b = tensor([2, 2, 2, NaN]);

  it('return 0/1 element-wise, NaN unequal to everything', () => {
    expect(equal(a, b).toArray()).toEqual([0, 1, 0, 0]);
    expect(notEqual(a, b).toArray()).toEqual([1, 0, 1, 1]);
    expect(greater(a, b).toArray()).toEqual([0, 0, 1, 0]);
    expect(greaterEqual(a, b).toArray()).toEqual([0, 1, 1, 0]);
    expect(less(a, b).toArray()).toEqual([1, 0, 0, 0]);
    expect(lessEqual(a, b).toArray()).toEqual([1, 1, 0, 0]);
  });

  it('broadcast, take numbers and promote dtypes', () => {
    expect(greater(tensor([[1], [3]]), tensor([0, 2, 4])).toArray()).toEqual([
      [1, 0, 0],
      [1, 1, 0],
    ]);
    expect(less(0, tensor([-1, 1])).toArray()).toEqual([0, 1]);
    expect(equal(tensor([1]), tensor([1], { dtype: 'float64' })).dtype).toBe('float64');
    expect(equal(zeros([0]), 1).shape).toEqual([0]);
  });

  it('record no graph, even from inputs that require gradients', () => {
    const x = tensor([1, -1], { requiresGrad: true });
    const c = greater(x, 0);
    expect(c.requiresGrad).toBe(false);
    expect(c.node).toBeNull();
  });

  it('reject bad operands', () => {
    expect(() => equal(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      'equal: shapes [2] and [3] do not broadcast',
    );
    expect(() => lessEqual('1' as unknown as Tensor, 1)).toThrow(
      'lessEqual: a must be a Tensor or a number, got "1"',
    );
  });
});

describe('where', () => {
  it('selects per element with broadcasting over cond, a and b', () => {
    const x = tensor([-1, 2, -3]);
    expect(where(greater(x, 0), x, 0).toArray()).toEqual([0, 2, 0]);
    expect(where([true, false], tensor([1, 2]), 9).toArray()).toEqual([1, 9]);
    // cond [2,1] x a [3] x b scalar → [2,3]
    expect(where(tensor([[1], [0]]), tensor([1, 2, 3]), -1).toArray()).toEqual([
      [1, 2, 3],
      [-1, -1, -1],
    ]);
    expect(where(true, tensor([[1, 2]]), tensor([[3, 4]])).toArray()).toEqual([[1, 2]]);
  });

  it('uses the promoted dtype of a and b, whatever the dtype of cond', () => {
    expect(where(tensor([1], { dtype: 'float64' }), tensor([1]), tensor([2])).dtype).toBe(
      'float32',
    );
    expect(where(tensor([1]), tensor([1]), tensor([2], { dtype: 'float64' })).dtype).toBe(
      'float64',
    );
  });

  it('routes the gradient to the chosen branch and sums broadcast operands', () => {
    const cond = tensor([
      [1, 0, 1],
      [0, 0, 1],
    ]);
    const [ga, gb] = grad((a: Tensor, b: Tensor) =>
      sum(
        mul(
          where(cond, a, b),
          tensor([
            [1, 2, 3],
            [4, 5, 6],
          ]),
        ),
      ),
    )(
      tensor([
        [1, 1, 1],
        [1, 1, 1],
      ]),
      tensor([7, 8, 9]),
    );
    // a gets the weights where cond = 1.
    expect(ga!.toArray()).toEqual([
      [1, 0, 3],
      [0, 0, 6],
    ]);
    // b [3] gets column sums of the weights where cond = 0: [0+4, 2+5, 0+0].
    expect(gb!.toArray()).toEqual([4, 7, 0]);
  });

  it('works on empty tensors', () => {
    expect(where(zeros([0]), zeros([0]), 1).shape).toEqual([0]);
  });

  it('rejects a cond that is not 0/1, ragged or mis-shaped', () => {
    expect(() => where(tensor([0.5]), 1, 0)).toThrow(
      'where: cond must contain only 0 and 1 (as the comparison ops return), got 0.5 at flat index 0',
    );
    expect(() => where(tensor([NaN]), 1, 0)).toThrow(ValueError);
    expect(() => where([true, [false]], 1, 0)).toThrow(ShapeError);
    expect(() => where([true, [false]], 1, 0)).toThrow(/^where: cond is ragged/);
    expect(() => where(['yes'] as unknown as boolean[], 1, 0)).toThrow(
      'where: cond must be a Tensor of 0/1 or nested arrays of booleans, got "yes"',
    );
    expect(() => where(tensor([1, 0]), tensor([1, 2, 3]), 0)).toThrow(
      'where: shapes of cond [2], a [3] and b [] do not broadcast together',
    );
    expect(() => where(tensor([1]), null as unknown as Tensor, 0)).toThrow(
      'where: a must be a Tensor or a number, got null',
    );
  });

  it('masks the unselected branch gradient with 0, so 0·∞ = NaN still leaks as in PyTorch (the where trap)', () => {
    // where(x > 0, log x, 0): at x = −1 the log branch is unselected; its
    // gradient 0·(1/x) = 0. At x = 0 it is 0·(1/0) = 0·∞ = NaN, as in PyTorch:
    // guard the input of log (e.g. with clip), not only its output.
    const [g] = grad((x: Tensor) => sum(where(greater(x, 0), log(x), 0)))(tensor([-1, 2, 0]));
    expectClose(g!, [0, 0.5, NaN]);
  });
});

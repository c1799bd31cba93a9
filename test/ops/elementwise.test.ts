import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/index.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { tensor, zeros, type Tensor } from '../../src/tensor/index.js';
import {
  abs,
  add,
  clip,
  div,
  exp,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  sqrt,
  square,
  sub,
  sum,
} from '../../src/ops/index.js';
import { expectClose } from '../helpers/expect-close.js';

const f64 = (v: Parameters<typeof tensor>[0]): Tensor => tensor(v, { dtype: 'float64' });
/** Gradient of sum(f(x)) at x: the element-wise derivative for element-wise f. */
const dsum = (f: (x: Tensor) => Tensor, x: Tensor): Tensor => grad((t: Tensor) => sum(f(t)))(x)[0]!;

describe('add / sub / mul / div', () => {
  it('compute with broadcasting', () => {
    // [[1,2],[3,4]] + [10,20]: the row is added to each row.
    expect(
      add(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([10, 20]),
      ).toArray(),
    ).toEqual([
      [11, 22],
      [13, 24],
    ]);
    // [[5],[7]] - [1,2]: [2,1] with [2] broadcasts to [2,2]: [[5-1,5-2],[7-1,7-2]].
    expect(sub(tensor([[5], [7]]), tensor([1, 2])).toArray()).toEqual([
      [4, 3],
      [6, 5],
    ]);
    expect(mul(tensor([1, 2, 3]), 2).toArray()).toEqual([2, 4, 6]);
    expect(div(tensor([1, 2]), 4).toArray()).toEqual([0.25, 0.5]);
    expect(div(2, tensor([4, 8])).toArray()).toEqual([0.5, 0.25]);
  });

  it('follow IEEE for division by zero', () => {
    expectClose(div(tensor([1, -1, 0]), 0), [Infinity, -Infinity, NaN]);
  });

  it('take numbers on either side and keep the tensor dtype', () => {
    expect(add(tensor([1], { dtype: 'float64' }), 1).dtype).toBe('float64');
    expect(add(1, 2).shape).toEqual([]);
    expect(add(1, 2).item()).toBe(3);
  });

  it('promote float32 + float64 to float64 (PyTorch type promotion) and return float32 gradients to float32 inputs', () => {
    const a = tensor([0.1, 0.2], { requiresGrad: true });
    const b = f64([1, 2]);
    const y = mul(a, b);
    expect(y.dtype).toBe('float64');
    // 0.1 in float32 is 0.100000001490116..., carried exactly into float64.
    expect(y.data[0]).toBe(Math.fround(0.1));
    const [ga, gb] = grad((x: Tensor, z: Tensor) => sum(mul(x, z)))(a, b);
    expect(ga!.dtype).toBe('float32');
    expect(gb!.dtype).toBe('float64');
    expectClose(ga!, [1, 2]);
  });

  it('work on empty tensors', () => {
    const e = add(zeros([0, 3]), tensor([1, 2, 3]));
    expect(e.shape).toEqual([0, 3]);
    expect(e.size).toBe(0);
    // The [3] operand's gradient sums zero rows: zeros.
    const [g] = grad((t: Tensor) => sum(add(zeros([0, 3]), t)))(tensor([1, 2, 3]));
    expect(g!.toArray()).toEqual([0, 0, 0]);
  });

  it('sum gradients over broadcast dimensions', () => {
    // d/db Σ_ij (a_ij · b_j) = Σ_i a_ij = column sums [1+3, 2+4].
    const [ga, gb] = grad((a: Tensor, b: Tensor) => sum(mul(a, b)))(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([10, 20]),
    );
    expect(ga!.toArray()).toEqual([
      [10, 20],
      [10, 20],
    ]);
    expect(gb!.toArray()).toEqual([4, 6]);
    // d/db Σ a/b = Σ −a/b²: b = 2, a = [1, 3] → −(1+3)/4 = −1.
    const [, gd] = grad((a: Tensor, b: Tensor) => sum(div(a, b)))(tensor([1, 3]), tensor(2));
    expect(gd!.item()).toBe(-1);
  });

  it('reject bad operands naming the op and argument', () => {
    expect(() => add(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => add(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      'add: shapes [2] and [3] do not broadcast',
    );
    expect(() => mul('a' as unknown as Tensor, 1)).toThrow(
      /^mul: a must be a Tensor or a number, got "a"$/,
    );
    expect(() => sub(tensor([1]), null as unknown as Tensor)).toThrow(
      'sub: b must be a Tensor or a number, got null',
    );
    expect(() => div([1, 2] as unknown as Tensor, 1)).toThrow(ValueError);
  });
});

describe('neg / exp / log', () => {
  it('known values', () => {
    expect(neg(tensor([1, -2])).toArray()).toEqual([-1, 2]);
    expectClose(exp(f64([0, 1, -1])), [1, Math.E, 1 / Math.E], { atol: 1e-15 });
    expectClose(log(f64([1, Math.E, 0, -1])), [0, 1, -Infinity, NaN], { atol: 1e-15 });
  });

  it('gradients: −1, eˣ, 1/x', () => {
    expect(dsum(neg, f64([3, -4])).toArray()).toEqual([-1, -1]);
    expectClose(dsum(exp, f64([0, 1])), [1, Math.E], { atol: 1e-15 });
    expectClose(dsum(log, f64([2, 0.5])), [0.5, 2], { atol: 1e-15 });
  });

  it('keep scalars and empty tensors', () => {
    expect(exp(tensor(0)).shape).toEqual([]);
    expect(log(zeros([2, 0])).shape).toEqual([2, 0]);
  });

  it('reject non-tensors', () => {
    expect(() => exp(2 as unknown as Tensor)).toThrow('exp: x must be a Tensor, got 2');
    expect(() => log(undefined as unknown as Tensor)).toThrow(ValueError);
  });
});

describe('pow', () => {
  it('known values, including the C conventions JS Math.pow misses', () => {
    expect(pow(tensor([1, 2, 3]), 2).toArray()).toEqual([1, 4, 9]);
    expect(pow(2, tensor([0, 1, 10])).toArray()).toEqual([1, 2, 1024]);
    expectClose(pow(f64([4, 9]), f64([0.5, -1])), [2, 1 / 9], { atol: 1e-15 });
    // 0⁰ = 1; (−8)^(1/3) is NaN for a real pow; 1^NaN = 1 and (−1)^∞ = 1 as in C and PyTorch.
    expectClose(pow(f64([0, -8, 1, -1]), f64([0, 1 / 3, NaN, Infinity])), [1, NaN, 1, 1]);
  });

  it('gradient wrt the base: b·a^(b−1)', () => {
    // d/da a³ = 3a²: a = [2, −1] → [12, 3].
    expect(dsum((a) => pow(a, 3), f64([2, -1])).toArray()).toEqual([12, 3]);
    // d/da a^0.5 = 0.5/√a: a = 4 → 0.25.
    expect(dsum((a) => pow(a, 0.5), f64([4])).toArray()).toEqual([0.25]);
  });

  it('gradient wrt the exponent: aᵇ·ln a', () => {
    // d/db 2^b at b = 3: 8·ln 2.
    expectClose(
      dsum((b) => pow(2, b), f64([3])),
      [8 * Math.LN2],
      { atol: 1e-14 },
    );
  });

  it("PyTorch's conventions at 0", () => {
    // Base gradient is 0 where the exponent is 0 (not 0·0⁻¹ = NaN).
    expect(dsum((a) => pow(a, 0), f64([0, 2])).toArray()).toEqual([0, 0]);
    // Exponent gradient is 0 where the base is 0 and b >= 0 (not 0·ln 0 = NaN).
    const [ga, gb] = grad((a: Tensor, b: Tensor) => sum(pow(a, b)))(f64([0, 0]), f64([0, 2]));
    expect(gb!.toArray()).toEqual([0, 0]);
    // d/da a² at 0 is 0; d/da a⁰ is 0.
    expect(ga!.toArray()).toEqual([0, 0]);
    // A negative exponent at base 0: ∂/∂b = 0^(−1)·ln 0 = ∞·(−∞) = −∞, as PyTorch.
    const [, gneg] = grad((a: Tensor, b: Tensor) => sum(pow(a, b)))(f64([0]), f64([-1]));
    expect(gneg!.item()).toBe(-Infinity);
  });

  it('broadcasts and reduces both gradients', () => {
    // a = [[1],[2]], b = [1, 2]: out = [[1,1],[2,4]].
    const [ga, gb] = grad((a: Tensor, b: Tensor) => sum(pow(a, b)))(f64([[1], [2]]), f64([1, 2]));
    // ∂/∂a_i = Σ_j b_j a_i^(b_j−1) = 1 + 2a_i → [3, 5]
    expect(ga!.toArray()).toEqual([[3], [5]]);
    // ∂/∂b_j = Σ_i a_i^b_j ln a_i = 2^b_j ln 2 → [2 ln2, 4 ln2]
    expectClose(gb!, [2 * Math.LN2, 4 * Math.LN2], { atol: 1e-14 });
  });

  it('rejects bad operands', () => {
    expect(() => pow(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      'pow: shapes [2] and [3] do not broadcast',
    );
    expect(() => pow(tensor([1]), '2' as unknown as number)).toThrow(
      'pow: b must be a Tensor or a number, got "2"',
    );
  });
});

describe('sqrt / abs / square', () => {
  it('known values', () => {
    expect(sqrt(tensor([0, 4, 2.25])).toArray()).toEqual([0, 2, 1.5]);
    expectClose(sqrt(tensor([-1])), [NaN]);
    expect(abs(tensor([-2, 0, 3])).toArray()).toEqual([2, 0, 3]);
    expect(square(tensor([-3, 0.5])).toArray()).toEqual([9, 0.25]);
  });

  it('gradients: 1/(2√x) (∞ at 0), sign(x) with 0 at 0, 2x', () => {
    expect(dsum(sqrt, f64([4, 0.25, 0])).toArray()).toEqual([0.25, 1, Infinity]);
    expect(dsum(abs, f64([-2, 0, 3, -0])).toArray()).toEqual([-1, 0, 1, 0]);
    expect(dsum(square, f64([-3, 0.5])).toArray()).toEqual([-6, 1]);
  });

  it('reject non-tensors', () => {
    expect(() => sqrt([4] as unknown as Tensor)).toThrow('sqrt: x must be a Tensor, got [4]');
    expect(() => abs(null as unknown as Tensor)).toThrow('abs: x must be a Tensor, got null');
    expect(() => square({} as unknown as Tensor)).toThrow(ValueError);
  });
});

describe('clip', () => {
  it('clamps into [min, max], one-sided with infinities, NaN passing through', () => {
    expect(clip(tensor([-2, 0.5, 3]), 0, 1).toArray()).toEqual([0, 0.5, 1]);
    expect(clip(tensor([-2, 5]), 0, Infinity).toArray()).toEqual([0, 5]);
    expectClose(clip(tensor([NaN]), 0, 1), [NaN]);
    expect(clip(tensor([2]), 1, 1).toArray()).toEqual([1]);
  });

  it('passes the gradient strictly inside and at the bounds (PyTorch clamp), blocks it outside', () => {
    // x = [−2, 0, 0.5, 1, 3] against [0, 1]: 0 and 1 are on the bounds.
    expect(dsum((x) => clip(x, 0, 1), f64([-2, 0, 0.5, 1, 3])).toArray()).toEqual([0, 1, 1, 1, 0]);
  });

  it('rejects bad bounds', () => {
    // min > max is not refused: torch.clamp and np.clip give max
    expect(clip(tensor([1]), 2, 1).toArray()).toEqual([1]);
    expect(() => clip(tensor([1]), NaN, 1)).toThrow(
      'clip: min must be a number (not NaN), got NaN',
    );
    expect(() => clip(tensor([1]), 0, '1' as unknown as number)).toThrow(ValueError);
    expect(() => clip(1 as unknown as Tensor, 0, 1)).toThrow('clip: x must be a Tensor, got 1');
  });
});

describe('maximum / minimum', () => {
  it('known values with broadcasting and NaN propagation', () => {
    expect(maximum(tensor([1, 5, 3]), tensor([4, 2, 3])).toArray()).toEqual([4, 5, 3]);
    expect(minimum(tensor([1, 5, 3]), tensor([4, 2, 3])).toArray()).toEqual([1, 2, 3]);
    expect(maximum(tensor([[-1, 2]]), 0).toArray()).toEqual([[0, 2]]);
    expectClose(maximum(tensor([NaN, 1]), tensor([0, NaN])), [NaN, NaN]);
  });

  it('route the gradient to the winner and split ties half and half (PyTorch)', () => {
    const [ga, gb] = grad((a: Tensor, b: Tensor) => sum(maximum(a, b)))(
      f64([1, 5, 3]),
      f64([4, 2, 3]),
    );
    expect(ga!.toArray()).toEqual([0, 1, 0.5]);
    expect(gb!.toArray()).toEqual([1, 0, 0.5]);
    const [ma, mb] = grad((a: Tensor, b: Tensor) => sum(minimum(a, b)))(
      f64([1, 5, 3]),
      f64([4, 2, 3]),
    );
    expect(ma!.toArray()).toEqual([1, 0, 0.5]);
    expect(mb!.toArray()).toEqual([0, 1, 0.5]);
  });

  it('sum a broadcast operand gradient', () => {
    // maximum([[1,5],[3,0]], b=2): b wins at (0,0) and (1,1) → ∂/∂b = 2.
    const [, gb] = grad((a: Tensor, b: Tensor) => sum(maximum(a, b)))(
      f64([
        [1, 5],
        [3, 0],
      ]),
      f64(2),
    );
    expect(gb!.item()).toBe(2);
  });

  it('reject mismatched shapes', () => {
    expect(() => maximum(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      'maximum: shapes [2] and [3] do not broadcast',
    );
    expect(() => minimum(tensor([1]), 'x' as unknown as Tensor)).toThrow(
      'minimum: b must be a Tensor or a number',
    );
  });
});

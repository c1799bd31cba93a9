import { describe, expect, it } from 'vitest';
import {
  backward,
  enableGrad,
  grad,
  gradcheck,
  isGradEnabled,
  noGrad,
  valueAndGrad,
} from '../../src/autograd/index.js';
import { record } from '../../src/autograd/graph.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { Tensor, tensor } from '../../src/tensor/index.js';
import { add, exp, mul, sum } from '../../src/ops/index.js';

const f64 = (v: Parameters<typeof tensor>[0], requiresGrad = false): Tensor =>
  tensor(v, { dtype: 'float64', requiresGrad });

describe('backward', () => {
  it('accumulates into .grad across calls, as PyTorch', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    backward(sum(mul(w, w))); // d/dw Σ w² = 2w
    expect(w.grad!.toArray()).toEqual([2, 4, 6]);
    backward(sum(mul(w, 3))); // + 3
    expect(w.grad!.toArray()).toEqual([5, 7, 9]);
  });

  it('sums the gradients of a tensor used twice: d/dx (x·x) = 2x', () => {
    const x = tensor([3, -1], { requiresGrad: true });
    backward(mul(x, x), tensor([1, 1]));
    expect(x.grad!.toArray()).toEqual([6, -2]);
    // and through two branches that meet again: y = x + x·x → 1 + 2x
    const z = tensor([2], { requiresGrad: true });
    backward(sum(add(z, mul(z, z))));
    expect(z.grad!.toArray()).toEqual([5]);
  });

  it('does not fill .grad of intermediate tensors nor of leaves without requiresGrad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const c = tensor([5, 5]);
    const y = mul(x, c);
    backward(sum(y));
    expect(y.grad).toBeNull();
    expect(c.grad).toBeNull();
    expect(x.grad!.toArray()).toEqual([5, 5]);
  });

  it('takes gradOutput for non-scalar outputs and throws without it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = mul(x, 2);
    expect(() => {
      backward(y);
    }).toThrow(ValueError);
    expect(() => {
      backward(y);
    }).toThrow(
      'backward: output must have exactly one element to seed the gradient implicitly, got shape [2]; pass gradOutput',
    );
    expect(() => {
      backward(y, tensor([1, 2, 3]));
    }).toThrow(ShapeError);
    backward(y, tensor([1, 10]));
    expect(x.grad!.toArray()).toEqual([2, 20]);
  });

  it('rejects outputs that are not tensors or do not require gradients', () => {
    expect(() => {
      backward(tensor([1]));
    }).toThrow('backward: output does not require gradients');
    expect(() => {
      backward(3 as unknown as Tensor);
    }).toThrow('backward: output must be a Tensor, got 3');
  });

  it('survives a deep chain (10,000 adds) without overflowing the stack', () => {
    const x = tensor([1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 10_000; i++) y = add(y, 1);
    expect(y.item()).toBe(10_001);
    backward(y);
    expect(x.grad!.toArray()).toEqual([1]);
  });

  it('reports a backward rule that returns the wrong shape', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const bad = record('bad', new Tensor(new Float32Array([3]), []), [x], () => [
      tensor([1, 2, 3]),
    ]);
    expect(() => {
      backward(bad);
    }).toThrow('backward: bad produced a gradient of shape [3] for an input of shape [2]');
  });
});

describe('noGrad / enableGrad', () => {
  it('noGrad records nothing and restores the mode, even after a throw', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => mul(w, 2));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    expect(isGradEnabled()).toBe(true);
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    expect(mul(w, 2).requiresGrad).toBe(true);
  });

  it('a dtype promotion inside noGrad records nothing either', () => {
    const w = tensor([1, 2], { requiresGrad: true }); // float32, promoted to float64 below
    const y = noGrad(() => mul(w, f64([1, 1])));
    expect(y.dtype).toBe('float64');
    expect(y.requiresGrad).toBe(false);
  });

  it('enableGrad records inside noGrad', () => {
    const w = tensor([1], { requiresGrad: true });
    const y = noGrad(() => enableGrad(() => mul(w, 2)));
    expect(y.requiresGrad).toBe(true);
  });
});

describe('valueAndGrad / grad', () => {
  it('differentiate multi-argument functions, with a zero gradient for an ignored argument', () => {
    // f(a, b, c) = Σ a·b (c unused): ∂a = b, ∂b = a, ∂c = 0
    // three arguments; the value ignores the third
    const f = (...args: Tensor[]): Tensor => sum(mul(args[0]!, args[1]!));
    const { value, grads } = valueAndGrad(f)(
      tensor([1, 2]),
      tensor([3, 4]),
      tensor([[5, 6]], { dtype: 'float64' }),
    );
    expect(value.item()).toBe(11);
    expect(value.requiresGrad).toBe(false);
    expect(grads.map((g) => g.toArray())).toEqual([[3, 4], [1, 2], [[0, 0]]]);
    expect(grads[2]!.dtype).toBe('float64');
    const [ge] = grad((x: Tensor) => sum(exp(x)))(f64([0, 1]));
    expect(ge!.toArray()).toEqual([1, Math.E]);
  });

  it('leave .grad fields and the caller tensors alone', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const x = tensor([3, 4]);
    grad((a: Tensor, b: Tensor) => sum(mul(a, b)))(w, x);
    expect(w.grad).toBeNull();
    expect(x.requiresGrad).toBe(false);
  });

  it('work inside noGrad', () => {
    const [g] = noGrad(() => grad((x: Tensor) => sum(mul(x, x)))(tensor([3])));
    expect(g!.toArray()).toEqual([6]);
  });

  it('reject bad functions and values', () => {
    expect(() => valueAndGrad(3 as unknown as () => Tensor)).toThrow(
      'valueAndGrad: fn must be a function, got 3',
    );
    expect(() => valueAndGrad((x: Tensor) => x)(tensor([1, 2]))).toThrow(
      'valueAndGrad: fn must return a one-element tensor, got shape [2]',
    );
    expect(() => grad((x: Tensor) => x)([1] as unknown as Tensor)).toThrow(
      'valueAndGrad: argument 0 must be a Tensor, got [1]',
    );
    expect(() => valueAndGrad((x: Tensor) => x.size as unknown as Tensor)(tensor([1]))).toThrow(
      'valueAndGrad: fn must return a Tensor, got 1',
    );
  });
});

describe('gradcheck', () => {
  /** x² recorded by hand with a correct or a deliberately wrong backward rule. */
  const squareWith =
    (factor: number) =>
    (x: Tensor): Tensor => {
      const out = new Float64Array(x.size);
      for (let i = 0; i < x.size; i++) out[i] = x.data[i]! * x.data[i]!;
      return record('square', new Tensor(out, x.shape), [x], (g) => {
        const d = new Float64Array(x.size);
        for (let i = 0; i < x.size; i++) d[i] = g.data[i]! * factor * x.data[i]!;
        return [new Tensor(d, x.shape)];
      });
    };

  it('passes on a correct op', () => {
    const r = gradcheck(squareWith(2), [f64([0.3, -1.2, 2])]);
    expect(r.passed).toBe(true);
    expect(r.maxAbsError).toBeLessThan(1e-6);
  });

  it('an exact match passes even with atol = rtol = 0 (0 / 0 once counted as a failure)', () => {
    // at x = 0 both gradients are exactly 0: (eps² − eps²) / 2eps and 2·0
    const r = gradcheck(squareWith(2), [f64([0, 0])], { atol: 0, rtol: 0, throwOnFailure: false });
    expect(r.passed).toBe(true);
    expect(r.maxAbsError).toBe(0);
    // with zero tolerance any difference still fails
    const wrong = gradcheck(squareWith(2.1), [f64([0, 1])], {
      atol: 0,
      rtol: 0,
      throwOnFailure: false,
    });
    expect(wrong.passed).toBe(false);
    expect(wrong.worst!.index).toBe(1);
  });

  it('fails on a deliberately wrong op: passed false, or a ValueError naming the element', () => {
    const x = f64([0.3, -1.2, 2]);
    const r = gradcheck(squareWith(2.1), [x], { throwOnFailure: false });
    expect(r.passed).toBe(false);
    // worst ratio at the largest |x| = 2: analytic 2.1·2·w vs numeric 2·2·w
    expect(r.worst!.index).toBe(2);
    expect(r.worst!.analytic / r.worst!.numeric).toBeCloseTo(1.05, 6);
    expect(() => gradcheck(squareWith(2.1), [x])).toThrow(
      /^gradcheck: gradient mismatch at inputs\[0\] element 2/,
    );
  });

  it('fails when a backward rule forgets an input, and leaves the caller inputs unperturbed', () => {
    const a = f64([1, 2]),
      b = f64([3, 4]);
    const forgetful = (p: Tensor, q: Tensor): Tensor => {
      const out = new Float64Array(2);
      for (let i = 0; i < 2; i++) out[i] = p.data[i]! * q.data[i]!;
      return record('mulNoB', new Tensor(out, [2]), [p, q], (g) => [mul(g, q), null]);
    };
    const r = gradcheck(forgetful, [a, b], { throwOnFailure: false });
    expect(r.passed).toBe(false);
    expect(r.worst!.input).toBe(1);
    expect(Array.from(a.data)).toEqual([1, 2]);
  });

  it('demands float64 inputs', () => {
    expect(() => gradcheck(squareWith(2), [tensor([1])])).toThrow(
      'gradcheck: inputs[0] must be a float64 Tensor, got float32',
    );
  });
});

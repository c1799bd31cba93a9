// The rules at autograd's public boundary: distinct gradient tensors, the seed's dtype, one
// tensor passed twice, int32 arguments, and nested differentiation. References from
// PyTorch 1.13 (torch.autograd.grad, Tensor.backward, clip_grad_norm_), quoted per test.
import { describe, expect, it } from 'vitest';
import { backward, grad, noGrad, valueAndGrad } from '../../src/autograd/index.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { crossEntropy } from '../../src/losses/index.js';
import { add, matmul, mul, reshape, square, sum } from '../../src/ops/index.js';
import { type Tensor, tensor } from '../../src/tensor/index.js';
import { clipGradients } from '../../src/training/clip.js';

const HIGHER = 'higher-order gradients are not supported';

describe('gradients are distinct tensors', () => {
  // f = Σ x·(W + D), x = [[1, 1]]: ∂W = ∂D = [[1,1],[1,1]], global norm sqrt(8).
  // torch: clip_grad_norm_([W, D], 1) returns 2.8284 and leaves every element
  // 1/(sqrt(8) + 1e-6) = 0.35355 in W.grad and in D.grad.
  const setup = () => {
    const W = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const D = tensor(
      [
        [0, 0],
        [0, 0],
      ],
      { requiresGrad: true },
    );
    const x = tensor([[1, 1]]);
    return { W, D, f: () => sum(matmul(x, add(W, D))) };
  };
  const clipped = 1 / (Math.sqrt(8) + 1e-6);

  it('valueAndGrad: clipGradients scales each gradient once', () => {
    const { W, D, f } = setup();
    const { grads } = valueAndGrad<Tensor[]>(f)(W, D);
    expect(grads[0]).not.toBe(grads[1]);
    expect(clipGradients(grads, { clipNorm: 1 })).toBeCloseTo(Math.sqrt(8), 6);
    for (const g of grads) for (const v of g.data) expect(v).toBeCloseTo(clipped, 6);
  });

  it('backward: each leaf its own .grad, for clipGradients and for an edit of one', () => {
    const { W, D, f } = setup();
    backward(f());
    expect(W.grad).not.toBe(D.grad);
    clipGradients([W.grad, D.grad], { clipNorm: 1 });
    for (const g of [W.grad!, D.grad!]) for (const v of g.data) expect(v).toBeCloseTo(clipped, 6);
    W.grad!.data[0] = 100;
    expect(D.grad!.data[0]).toBeCloseTo(clipped, 6);
  });

  it('a reshaped operand does not share its gradient buffer either', () => {
    // reshape's backward views the gradient's data; W + reshape(v) hands one buffer to both.
    const W = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const v = tensor([0, 0, 0, 0], { requiresGrad: true });
    const [gW, gv] = grad<Tensor[]>(() => sum(add(W, reshape(v, [2, 2]))))(W, v);
    gW!.data[0] = 7;
    expect(Array.from(gv!.data)).toEqual([1, 1, 1, 1]);
    backward(sum(add(W, reshape(v, [2, 2]))));
    W.grad!.data[0] = 7;
    expect(Array.from(v.grad!.data)).toEqual([1, 1, 1, 1]);
  });

  it("backward: .grad never aliases the caller's gradOutput", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const seed = tensor([3, 4]);
    backward(add(w, 1), seed); // add passes the seed through unchanged
    seed.data[0] = 0;
    expect(w.grad!.toArray()).toEqual([3, 4]);
  });
});

describe("backward's gradOutput", () => {
  it("is cast to the output's dtype, as PyTorch", () => {
    // torch: (w * 3).backward(torch.ones(2, dtype=torch.float64)) with float32 w
    // gives a float32 w.grad [3, 3].
    const w = tensor([1, 2], { requiresGrad: true });
    backward(mul(w, 3), tensor([1, 1], { dtype: 'float64' }));
    expect(w.grad!.dtype).toBe('float32');
    expect(w.grad!.toArray()).toEqual([3, 3]);
    // float64 output, float32 seed 0.1: the seed is widened, its float32 rounding kept.
    const w2 = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    backward(mul(w2, 3), tensor([0.1, 0.1]));
    expect(w2.grad!.dtype).toBe('float64');
    expect(w2.grad!.data[0]).toBe(Math.fround(0.1) * 3);
  });

  it('is checked: a Tensor of the output shape', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => {
      backward(mul(w, 3), [1, 1] as unknown as Tensor);
    }).toThrow('backward: gradOutput must be a Tensor, got [1,1]');
    expect(() => {
      backward(mul(w, 3), tensor([1, 1, 1]));
    }).toThrow(ShapeError);
  });
});

describe('one tensor passed as two arguments', () => {
  // f(a, b) = Σ a·b at a = b = [1, 2]. torch.autograd.grad(f(p, p), [p, p]) gives the
  // total gradient 2p = [2, 4] for both; the rule holds for plain tensors too.
  const f = (a: Tensor, b: Tensor): Tensor => sum(mul(a, b));

  it('a parameter gets its total gradient in both places, each its own tensor', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const gs = grad(f)(p, p);
    expect(gs.map((g) => g.toArray())).toEqual([
      [2, 4],
      [2, 4],
    ]);
    expect(gs[0]).not.toBe(gs[1]);
  });

  it('a plain tensor too', () => {
    const q = tensor([1, 2]);
    const gs = grad(f)(q, q);
    expect(gs.map((g) => g.toArray())).toEqual([
      [2, 4],
      [2, 4],
    ]);
    expect(gs[0]).not.toBe(gs[1]);
    // two tensors with equal values stay two variables
    expect(grad(f)(q, tensor([1, 2])).map((g) => g.toArray())).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });
});

describe('int32 arguments', () => {
  it('name the argument and point to a closure for labels', () => {
    const logits = tensor([[1, 2, 3]]);
    const labels = tensor([1], { dtype: 'int32' });
    let message = '';
    try {
      grad((z: Tensor, y: Tensor) => crossEntropy(z, y))(logits, labels);
    } catch (e) {
      expect(e).toBeInstanceOf(ValueError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/^valueAndGrad: an int32 tensor cannot require gradients/);
    expect(message).toContain('argument 1 is int32');
    expect(message).toContain('closure');
    expect(message).not.toContain('cast it to float32');
    // the closure form works
    expect(grad((z: Tensor) => crossEntropy(z, labels))(logits)[0]!.shape).toEqual([1, 3]);
  });
});

describe('nested differentiation', () => {
  const inner = grad((y: Tensor) => sum(mul(y, y))); // 2y, a constant

  it('throws when an inner gradient reaches the outer value', () => {
    // Σx² + Σ(∂Σy²/∂y)² = 5Σx² at x = [1, 2, 3]: torch with create_graph=True gives
    // [10, 20, 30]; myelin does not differentiate the inner gradient, and says so.
    const f = (x: Tensor): Tensor => add(sum(mul(x, x)), sum(square(inner(x)[0]!)));
    expect(() => valueAndGrad(f)(tensor([1, 2, 3]))).toThrow(HIGHER);
    expect(() => {
      const x = tensor([1, 2, 3], { requiresGrad: true });
      valueAndGrad<Tensor[]>(() => f(x))(x);
    }).toThrow(HIGHER);
    // through an outer intermediate (wrapped as a fresh inner leaf) as well
    expect(() => grad((x: Tensor) => sum(inner(mul(x, 2))[0]!))(tensor([1]))).toThrow(HIGHER);
    // and through a parameter the inner function only closes over
    const w = tensor([3], { requiresGrad: true });
    const viaClosure = grad((y: Tensor) => sum(mul(y, w)));
    expect(() => grad((x: Tensor) => sum(mul(x, viaClosure(tensor([1]))[0]!)))(w)).toThrow(HIGHER);
  });

  it('grad of grad says that higher-order gradients are not supported', () => {
    const d = grad((y: Tensor) => sum(mul(mul(y, y), y)));
    expect(() => grad((x: Tensor) => sum(d(x)[0]!))(tensor([2]))).toThrow(HIGHER);
  });

  it('inside noGrad the inner gradient is a constant on purpose', () => {
    // torch with create_graph=False: [2, 4, 6] (2x; the inner 2x is a constant)
    const f = (x: Tensor): Tensor => add(sum(mul(x, x)), sum(square(noGrad(() => inner(x))[0]!)));
    const { value, grads } = valueAndGrad(f)(tensor([1, 2, 3]));
    expect(value.item()).toBe(70);
    expect(grads[0]!.toArray()).toEqual([2, 4, 6]);
  });

  it('allows nested calls whose results do not reach the outer value or do not depend on it', () => {
    let seen: number[] = [];
    const f = (x: Tensor): Tensor => {
      seen = Array.from(inner(x)[0]!.data); // read for logging only
      // a gradient of tensors unrelated to the outer arguments is a true constant
      const c = inner(tensor([1, 1]))[0]!;
      return sum(mul(x, c));
    };
    expect(grad(f)(tensor([1, 2]))[0]!.toArray()).toEqual([2, 2]);
    expect(seen).toEqual([2, 4]);
    // and a top-level call is not nested
    expect(inner(tensor([1, 2]))[0]!.requiresGrad).toBe(false);
  });
});

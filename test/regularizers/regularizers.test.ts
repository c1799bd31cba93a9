import { describe, expect, it } from 'vitest';
import { gradcheck, valueAndGrad } from '../../src/autograd/functional.js';
import { ValueError } from '../../src/_lib/errors.js';
import { l1 } from '../../src/regularizers/l1.js';
import { l2 } from '../../src/regularizers/l2.js';
import { l1l2 } from '../../src/regularizers/l1l2.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/expect-close.js';

const w = (): Tensor =>
  tensor(
    [
      [1, -2],
      [0.5, 0],
    ],
    { dtype: 'float64' },
  );

describe('l1', () => {
  it('is factor·Σ|w| (Keras L1)', () => {
    // Σ|w| = 1 + 2 + 0.5 + 0 = 3.5; 0.1 · 3.5 = 0.35
    const p = l1(0.1).penalty(w());
    expect(p.size).toBe(1);
    expectClose(p, [0.35], { atol: 1e-12 });
  });
  it('has gradient factor·sign(w), 0 at w = 0', () => {
    const { grads } = valueAndGrad((t: Tensor) => l1(0.1).penalty(t))(w());
    expectClose(grads[0]!, [0.1, -0.1, 0.1, 0], { atol: 1e-12 });
  });
  it('passes a float64 gradient check away from the kink', () => {
    const x = tensor(
      [
        [0.3, -1.2],
        [2, -0.5],
      ],
      { dtype: 'float64' },
    );
    expect(gradcheck((t: Tensor) => l1(0.7).penalty(t), [x]).passed).toBe(true);
  });
  it('defaults to 0.01 and stores its config', () => {
    const r = l1();
    expect(r.kind).toBe('l1');
    expect(r.config).toEqual({ factor: 0.01 });
    expectClose(r.penalty(tensor([3, -4])), [0.07], { atol: 1e-7 });
  });
});

describe('l2', () => {
  it('is factor·Σw² with no ½ (Keras L2)', () => {
    // Σw² = 1 + 4 + 0.25 + 0 = 5.25; 0.1 · 5.25 = 0.525
    expectClose(l2(0.1).penalty(w()), [0.525], { atol: 1e-12 });
  });
  it('has gradient 2·factor·w', () => {
    const { grads } = valueAndGrad((t: Tensor) => l2(0.1).penalty(t))(w());
    expectClose(grads[0]!, [0.2, -0.4, 0.1, 0], { atol: 1e-12 });
  });
  it('passes a float64 gradient check', () => {
    expect(gradcheck((t: Tensor) => l2(0.3).penalty(t), [w()]).passed).toBe(true);
  });
  it('keeps the dtype of the weights', () => {
    expect(l2(0.1).penalty(tensor([1, 2])).dtype).toBe('float32');
    expect(l2(0.1).penalty(w()).dtype).toBe('float64');
  });
  it('with factor 0 gives 0', () => {
    expect(l2(0).penalty(w()).item()).toBe(0);
  });
});

describe('l1l2', () => {
  it('is l1·Σ|w| + l2·Σw²', () => {
    // 0.1·3.5 + 0.2·5.25 = 0.35 + 1.05 = 1.4
    const r = l1l2({ l1: 0.1, l2: 0.2 });
    expect(r.kind).toBe('l1l2');
    expect(r.config).toEqual({ l1: 0.1, l2: 0.2 });
    expectClose(r.penalty(w()), [1.4], { atol: 1e-12 });
  });
  it('has gradient l1·sign(w) + 2·l2·w and passes gradcheck', () => {
    const r = l1l2({ l1: 0.1, l2: 0.2 });
    const { grads } = valueAndGrad((t: Tensor) => r.penalty(t))(w());
    // [0.1 + 0.4, −0.1 − 0.8, 0.1 + 0.2, 0 + 0]
    expectClose(grads[0]!, [0.5, -0.9, 0.3, 0], { atol: 1e-12 });
    const x = tensor([0.3, -1.2, 2], { dtype: 'float64' });
    expect(gradcheck((t: Tensor) => r.penalty(t), [x]).passed).toBe(true);
  });
  it('defaults both factors to 0 (Keras)', () => {
    expect(l1l2().config).toEqual({ l1: 0, l2: 0 });
    expect(l1l2().penalty(w()).item()).toBe(0);
  });
  it('can be rebuilt from its config', () => {
    const r = l1l2({ l1: 0.01, l2: 0.02 });
    expect(l1l2(r.config).penalty(w()).item()).toBe(r.penalty(w()).item());
  });
});

describe('bad input', () => {
  it.each([-0.1, NaN, Infinity, -Infinity])('rejects factor %s', (f) => {
    expect(() => l1(f)).toThrow(ValueError);
    expect(() => l2(f)).toThrow(/l2: factor must be a finite number >= 0, got/);
    expect(() => l1l2({ l1: f })).toThrow(/l1l2: l1 must be a finite number >= 0/);
    expect(() => l1l2({ l2: f })).toThrow(/l1l2: l2 must be a finite number >= 0/);
  });
  it('rejects a non-number factor, unknown options and a non-tensor argument', () => {
    expect(() => l2('0.1' as unknown as number)).toThrow(
      /l2: factor must be a finite number >= 0, got "0.1"/,
    );
    expect(() => l1l2({ l3: 1 } as never)).toThrow(/unknown option "l3"/);
    expect(() => l2(0.1).penalty([1, 2] as unknown as Tensor)).toThrow(
      /l2.penalty: w must be a Tensor/,
    );
  });
});

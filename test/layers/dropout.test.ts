import { describe, it, expect } from 'vitest';
import { dropout } from '../../src/layers/dropout.js';
import { ones, tensor } from '../../src/tensor/create.js';
import { createRng } from '../../src/random/rng.js';
import { backward } from '../../src/autograd/backward.js';
import { sum } from '../../src/ops/sum.js';

describe('dropout', () => {
  it('is the identity at inference', () => {
    const x = tensor([[1, 2, 3]]);
    expect(dropout(0.5).forward(x, { training: false, rng: createRng(0) })).toBe(x);
  });

  it('zeroes about `rate` of the entries and scales the rest by 1/(1 − rate)', () => {
    const rate = 0.3,
      n = 20000;
    const y = dropout(rate).forward(ones([n / 100, 100]), { training: true, rng: createRng(1) });
    let zeros = 0;
    for (const v of y.data) {
      if (v === 0) zeros++;
      else expect(v).toBeCloseTo(1 / (1 - rate), 6);
    }
    // binomial std sqrt(0.21/20000) ≈ 0.0032; 0.015 is more than 4 of them
    expect(Math.abs(zeros / n - rate)).toBeLessThan(0.015);
  });

  it('draws the same mask from the same seed, a different one from another', () => {
    const x = ones([1, 64]);
    const ctx = { training: true, rng: createRng(99) };
    const a = dropout(0.5, { seed: 3 }).forward(x, ctx);
    const b = dropout(0.5, { seed: 3 }).forward(x, { training: true, rng: createRng(5) });
    const c = dropout(0.5, { seed: 4 }).forward(x, ctx);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
    const d = dropout(0.5).forward(x, { training: true, rng: createRng(7) });
    const e = dropout(0.5).forward(x, { training: true, rng: createRng(7) });
    expect(Array.from(d.data)).toEqual(Array.from(e.data));
  });

  it('back-propagates through the same mask and scale', () => {
    const x = tensor([[1, 2, 3, 4, 5, 6, 7, 8]], { requiresGrad: true });
    const y = dropout(0.25, { seed: 0 }).forward(x, { training: true, rng: createRng(0) });
    backward(sum(y));
    for (let i = 0; i < 8; i++) {
      // d(sum y)/dx_i = mask_i: 0 where dropped, 1/(1 − 0.25) = 4/3 where kept
      expect(x.grad!.data[i]).toBeCloseTo(y.data[i] === 0 ? 0 : 4 / 3, 6);
    }
  });

  it('rate 0 keeps everything; config is JSON-able', () => {
    const x = tensor([[1, 2]]);
    expect(dropout(0).forward(x, { training: true, rng: createRng(0) })).toBe(x);
    expect(JSON.parse(JSON.stringify(dropout(0.2, { seed: 5 }).config))).toEqual({
      rate: 0.2,
      seed: 5,
    });
    expect(dropout(0.2).config).toEqual({ rate: 0.2 });
    expect(dropout(0.2).kind).toBe('dropout');
    expect(dropout(0.2).params).toEqual({});
    expect(dropout(0.2).outputShape([3, 4])).toEqual([3, 4]);
  });

  it('rejects bad rates and options', () => {
    expect(() => dropout(1)).toThrow('dropout: rate must be a finite number >= 0 and < 1, got 1');
    expect(() => dropout(-0.1)).toThrow(
      'dropout: rate must be a finite number >= 0 and < 1, got -0.1',
    );
    expect(() => dropout(Number.NaN)).toThrow(
      'dropout: rate must be a finite number >= 0 and < 1, got NaN',
    );
    expect(() => dropout(0.5, { seed: 1.5 })).toThrow(
      'dropout: seed must be a non-negative integer, got 1.5',
    );
    expect(() => dropout(0.5, { seed: 1, rng: createRng(1) })).toThrow(/either seed or rng/);
    expect(() => dropout(0.5, { p: 1 } as never)).toThrow(/unknown option "p"/);
  });
});

describe('dropout masks', () => {
  it('are those of one ctx.rng.uniform() per element, in element order, kept when >= rate', () => {
    for (const rate of [0.2, 0.5, 0.9, 1 - 2 ** -53]) {
      const x = tensor(
        Array.from({ length: 5 }, (_, r) => Array.from({ length: 37 }, (_, c) => r - c / 7)),
      );
      const rng = createRng(21);
      const y = dropout(rate).forward(x, { training: true, rng });
      const ref = createRng(21);
      const scale = 1 / (1 - rate);
      const want = Float32Array.from(x.data, (v) => (ref.uniform() >= rate ? v * scale : 0));
      expect(y.data).toEqual(want);
      expect(rng.getState()).toEqual(ref.getState()); // the stream moved on by exactly those draws
    }
  });

  it('a hand-written Rng without fillUniform draws through uniform()', () => {
    let k = 0;
    const seq = [0.1, 0.7, 0.3, 0.95];
    const rng = { ...createRng(0), uniform: () => seq[k++ % 4]! };
    delete (rng as { fillUniform?: unknown }).fillUniform;
    // keep where u >= 0.5: [0, 2, 0, 2] times x = [1, 2, 3, 4]
    const y = dropout(0.5).forward(tensor([[1, 2, 3, 4]]), { training: true, rng });
    expect(Array.from(y.data)).toEqual([0, 4, 0, 8]);
  });
});

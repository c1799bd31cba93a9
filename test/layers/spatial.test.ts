// Global pooling, zero padding, up-sampling and spatial dropout: known values
// worked out by hand, gradients against hand-derived ones, float64 gradient
// checks, seeded masks and their scaling, and bad input.
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/_lib/errors.js';
import { backward } from '../../src/autograd/backward.js';
import { gradcheck } from '../../src/autograd/functional.js';
import {
  globalAvgPool1d,
  globalAvgPool2d,
  globalMaxPool1d,
  globalMaxPool2d,
} from '../../src/layers/global-pool.js';
import type { Layer } from '../../src/layers/layer.js';
import { spatialDropout1d, spatialDropout2d } from '../../src/layers/spatial-dropout.js';
import { upSampling2d } from '../../src/layers/up-sampling.js';
import { zeroPadding2d } from '../../src/layers/zero-padding.js';
import { mul } from '../../src/ops/mul.js';
import { sum } from '../../src/ops/sum.js';
import { createRng } from '../../src/random/rng.js';
import { ones, tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const infer = { training: false, rng: createRng(0) };
const train = { training: true, rng: createRng(0) };

function iota(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, (_, i) => i + 1),
    { shape },
  );
}

function run(layer: Layer, x: Tensor): { shape: readonly number[]; data: number[] } {
  const y = layer.forward(x, infer);
  return { shape: y.shape, data: Array.from(y.data) };
}

/** d(Σ w ⊙ y)/dx with weights w = 1, 2, 3, ... per output element. */
function gradOf(layer: Layer, x: Tensor): number[] {
  const xg = tensor(Array.from(x.data), { shape: x.shape, requiresGrad: true });
  const y = layer.forward(xg, train);
  backward(sum(mul(y, iota([...y.shape]))));
  return Array.from(xg.grad!.data);
}

function f64(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, (_, i) => 1.5 * Math.sin(0.9 * i + 0.3) + 0.01 * i),
    { shape, dtype: 'float64' },
  );
}

describe('global pooling', () => {
  // 2 samples of a 2x2 image with 2 channels: channel 0 = 1,5,3,5, channel 1 = 8,2,6,4
  const x = tensor([1, 8, 5, 2, 3, 6, 5, 4, -1, 0, 0, 0, 0, 0, 0, -4], { shape: [2, 2, 2, 2] });

  it('averages and takes maxima per channel over every pixel', () => {
    // sample 0: (1+5+3+5)/4 = 3.5, (8+2+6+4)/4 = 5; sample 1: -1/4, -4/4
    expect(run(globalAvgPool2d(), x)).toEqual({ shape: [2, 2], data: [3.5, 5, -0.25, -1] });
    // sample 0: max 5 (first at pixel 1), 8; sample 1: 0 (first at pixel 1), 0 (pixel 0)
    expect(run(globalMaxPool2d(), x)).toEqual({ shape: [2, 2], data: [5, 8, 0, 0] });
  });

  it('sends the max gradient to the first maximum, the mean gradient to every pixel', () => {
    // weights 1, 2 (sample 0) and 3, 4 (sample 1):
    // sample 0: channel 0 max 5 first at pixel 1 → weight 1 there; channel 1 max 8 at pixel 0
    // sample 1: channel 0 max 0 first at pixel 1 → 3; channel 1 max 0 first at pixel 0 → 4
    expect(gradOf(globalMaxPool2d(), x)).toEqual([0, 2, 1, 0, 0, 0, 0, 0, 0, 4, 3, 0, 0, 0, 0, 0]);
    // every pixel gets w/4: 0.25, 0.5 and 0.75, 1
    expect(gradOf(globalAvgPool2d(), x)).toEqual([
      0.25, 0.5, 0.25, 0.5, 0.25, 0.5, 0.25, 0.5, 0.75, 1, 0.75, 1, 0.75, 1, 0.75, 1,
    ]);
  });

  it('1-D: over the steps', () => {
    const s = tensor([
      [
        [1, 5],
        [2, 6],
        [6, 7],
      ],
    ]);
    expect(run(globalAvgPool1d(), s)).toEqual({ shape: [1, 2], data: [3, 6] });
    expect(run(globalMaxPool1d(), s)).toEqual({ shape: [1, 2], data: [6, 7] });
    expect(gradOf(globalMaxPool1d(), s)).toEqual([0, 0, 0, 0, 1, 2]);
  });

  it.each([
    ['globalAvgPool2d', globalAvgPool2d(), [2, 3, 4, 3]],
    ['globalMaxPool2d', globalMaxPool2d(), [2, 3, 4, 3]],
    ['globalAvgPool1d', globalAvgPool1d(), [2, 5, 3]],
    ['globalMaxPool1d', globalMaxPool1d(), [2, 5, 3]],
  ] as [string, Layer, number[]][])('%s: float64 gradcheck', (_n, layer, shape) => {
    expect(gradcheck((t) => layer.forward(t, train), [f64(shape)]).passed).toBe(true);
  });

  it('rejects the wrong rank and unknown options', () => {
    expect(() => globalAvgPool2d().forward(iota([2, 3, 4]), infer)).toThrow(
      'globalAvgPool2d: input must be [batch, height, width, channels] (channels last), got per-sample shape [3,4] (rank 2 instead of 3)',
    );
    expect(() => globalMaxPool1d().outputShape([2, 3, 4])).toThrow(ShapeError);
    expect(() => globalMaxPool1d({ keepDims: true } as never)).toThrow(/unknown option "keepDims"/);
    expect(globalMaxPool2d({ name: 'g' }).config).toEqual({ name: 'g' });
    expect(globalAvgPool1d().outputShape([7, 5])).toEqual([5]);
  });
});

describe('zeroPadding2d', () => {
  const x = iota([1, 2, 2, 1]); // 1 2 / 3 4

  it('pads every side by one number', () => {
    // 0 0 0 0 / 0 1 2 0 / 0 3 4 0 / 0 0 0 0
    expect(run(zeroPadding2d(1), x)).toEqual({
      shape: [1, 4, 4, 1],
      data: [0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0],
    });
    expect(zeroPadding2d().config).toEqual({
      padding: [
        [1, 1],
        [1, 1],
      ],
    });
  });

  it('[rows, columns] and [[top, bottom], [left, right]], several channels', () => {
    // [0, 1]: no rows, one column each side: 0 1 2 0 / 0 3 4 0
    expect(run(zeroPadding2d([0, 1]), x)).toEqual({
      shape: [1, 2, 4, 1],
      data: [0, 1, 2, 0, 0, 3, 4, 0],
    });
    // top 1, bottom 0, left 0, right 2 on a 1x1 image of 2 channels (5, 6):
    // row 0 all zeros (3 pixels), row 1: (5,6) (0,0) (0,0)
    const c2 = tensor([5, 6], { shape: [1, 1, 1, 2] });
    expect(
      run(
        zeroPadding2d([
          [1, 0],
          [0, 2],
        ]),
        c2,
      ),
    ).toEqual({ shape: [1, 2, 3, 2], data: [0, 0, 0, 0, 0, 0, 5, 6, 0, 0, 0, 0] });
  });

  it("passes back the input's part of the gradient", () => {
    // padded 4x4 weights 1..16; the input sits at (1,1),(1,2),(2,1),(2,2): 6, 7, 10, 11
    expect(gradOf(zeroPadding2d(1), x)).toEqual([6, 7, 10, 11]);
    expect(
      gradcheck(
        (t) =>
          zeroPadding2d([
            [2, 0],
            [1, 3],
          ]).forward(t, train),
        [f64([2, 3, 2, 2])],
      ).passed,
    ).toBe(true);
  });

  it('rejects bad padding and input', () => {
    const msg =
      'zeroPadding2d: padding must be a non-negative integer, a pair [rows, columns] or [[top, bottom], [left, right]] of them, got ';
    expect(() => zeroPadding2d(-1)).toThrow(`${msg}-1`);
    expect(() => zeroPadding2d([1, 2, 3] as never)).toThrow(`${msg}[1,2,3]`);
    expect(() => zeroPadding2d([[1, 2], [1]] as never)).toThrow(msg);
    expect(() => zeroPadding2d(1.5)).toThrow(msg);
    expect(() => zeroPadding2d(1).forward(iota([1, 2, 2]), infer)).toThrow(
      /zeroPadding2d: input must be \[batch, height, width, channels\]/,
    );
  });
});

describe('upSampling2d', () => {
  it('nearest: each pixel becomes a block', () => {
    // 1 2 / 3 4 by [2, 3]: rows 1 1 1 2 2 2 (twice) then 3 3 3 4 4 4 (twice)
    const y = run(upSampling2d([2, 3]), iota([1, 2, 2, 1]));
    expect(y.shape).toEqual([1, 4, 6, 1]);
    expect(y.data).toEqual([
      1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4,
    ]);
    // two channels, size 2: pixel (a, b) repeated
    const c2 = tensor([1, 2, 3, 4], { shape: [1, 1, 2, 2] });
    expect(run(upSampling2d(2), c2).data).toEqual([1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4]);
  });

  it("nearest: the gradient is each block's sum", () => {
    // 1x2 image up by [2, 2] → 2x4 with weights 1..8: pixel 0 block = 1+2+5+6 = 14,
    // pixel 1 block = 3+4+7+8 = 22
    expect(gradOf(upSampling2d(2), iota([1, 1, 2, 1]))).toEqual([14, 22]);
  });

  it('bilinear: half-pixel centres, clamped at the border (TF 2 resize)', () => {
    // columns of a 1x2 image (0, 4) up by 2: sources −0.25, 0.25, 0.75, 1.25 →
    // clamp 0 → 0; 0 + 4·0.25 = 1; 0 + 4·0.75 = 3; clamp 1 → 4. Rows likewise:
    // a 2x1 image (0, 8) up by 2 gives 0, 2, 6, 8 down the column.
    const bl = (size: [number, number]) => upSampling2d(size, { interpolation: 'bilinear' });
    expect(run(bl([1, 2]), tensor([0, 4], { shape: [1, 1, 2, 1] })).data).toEqual([0, 1, 3, 4]);
    expect(run(bl([2, 1]), tensor([0, 8], { shape: [1, 2, 1, 1] })).data).toEqual([0, 2, 6, 8]);
    // 2x2 image 0 4 / 8 12 up by 2, output (1,1): row source 0.25, column 0.25:
    // top = 0 + 4·0.25 = 1, bottom = 8 + 4·0.25 = 9, value 1 + 8·0.25 = 3
    const y = run(bl([2, 2]), tensor([0, 4, 8, 12], { shape: [1, 2, 2, 1] }));
    expect(y.shape).toEqual([1, 4, 4, 1]);
    expect(y.data[1 * 4 + 1]).toBe(3);
    expect(y.data.slice(0, 4)).toEqual([0, 1, 3, 4]);
    expect(y.data.slice(12, 16)).toEqual([8, 9, 11, 12]);
    // a constant image stays constant; size 3 too
    expect(run(bl([3, 3]), tensor([5, 5, 5, 5], { shape: [1, 2, 2, 1] })).data).toEqual(
      Array(36).fill(5),
    );
  });

  it.each([
    ['nearest [2,3]', upSampling2d([2, 3]), [2, 2, 3, 2]],
    ['bilinear 2', upSampling2d(2, { interpolation: 'bilinear' }), [2, 3, 2, 2]],
    ['bilinear [3,1]', upSampling2d([3, 1], { interpolation: 'bilinear' }), [1, 2, 3, 1]],
  ] as [string, Layer, number[]][])('%s: float64 gradcheck', (_n, layer, shape) => {
    expect(gradcheck((t) => layer.forward(t, train), [f64(shape)]).passed).toBe(true);
  });

  it('rejects bad sizes, interpolation and input', () => {
    expect(() => upSampling2d(0)).toThrow(
      'upSampling2d: size must be a positive integer or a pair [height, width] of them, got 0',
    );
    expect(() => upSampling2d(2, { interpolation: 'bicubic' as never })).toThrow(
      'upSampling2d: interpolation must be one of "nearest", "bilinear", got "bicubic"',
    );
    expect(() => upSampling2d(2).forward(iota([1, 4]), infer)).toThrow(ShapeError);
    expect(upSampling2d(3).config).toEqual({ size: [3, 3], interpolation: 'nearest' });
  });
});

describe('spatialDropout', () => {
  it('drops whole channels, scales the kept ones by 1/(1 − rate)', () => {
    const x = ones([50, 3, 4, 8]);
    const y = spatialDropout2d(0.25).forward(x, { training: true, rng: createRng(3) });
    let dropped = 0;
    for (let r = 0; r < 50; r++)
      for (let c = 0; c < 8; c++) {
        const first = y.data[r * 96 + c]!;
        // 0 or 1/(1 − 0.25) = 4/3, the same at all 12 pixels of this channel
        expect([0, Math.fround(4 / 3)]).toContain(first);
        for (let p = 1; p < 12; p++) expect(y.data[r * 96 + p * 8 + c]).toBe(first);
        if (first === 0) dropped++;
      }
    // 400 channels, binomial(400, 0.25): mean 100, std ≈ 8.7; 35 is four of them
    expect(Math.abs(dropped - 100)).toBeLessThan(35);
    expect(dropped).toBeGreaterThan(0);
  });

  it('repeats under a seed, draws from ctx.rng otherwise, and is the identity in inference', () => {
    const x = ones([4, 6, 5]);
    const a = spatialDropout1d(0.5, { seed: 9 }).forward(x, { training: true, rng: createRng(1) });
    const b = spatialDropout1d(0.5, { seed: 9 }).forward(x, { training: true, rng: createRng(2) });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const c = spatialDropout1d(0.5).forward(x, { training: true, rng: createRng(1) });
    const d = spatialDropout1d(0.5).forward(x, { training: true, rng: createRng(1) });
    const e = spatialDropout1d(0.5).forward(x, { training: true, rng: createRng(2) });
    expect(Array.from(c.data)).toEqual(Array.from(d.data));
    expect(Array.from(c.data)).not.toEqual(Array.from(e.data));
    // the mask is drawn per (sample, channel) in that order: the first 5 draws
    // of createRng(1) decide sample 0's channels
    const rng = createRng(1);
    const want = Array.from({ length: 5 }, () => (rng.uniform() >= 0.5 ? 2 : 0));
    expect(Array.from(c.data.slice(0, 5))).toEqual(want);
    expect(spatialDropout1d(0.5).forward(x, infer)).toBe(x);
  });

  it('back-propagates through the same channel mask', () => {
    const x = tensor(
      Array.from({ length: 2 * 3 * 4 }, (_, i) => i + 1),
      { shape: [2, 3, 4], requiresGrad: true },
    );
    const y = spatialDropout1d(0.5, { seed: 4 }).forward(x, train);
    backward(sum(y));
    const factors = new Set<number>();
    for (let i = 0; i < 24; i++) {
      // x is never 0, so y/x is the channel's factor: 0 (dropped) or 1/(1 − 0.5) = 2;
      // d(Σy)/dx is that same factor
      const f = y.data[i]! / x.data[i]!;
      expect([0, 2]).toContain(f);
      expect(x.grad!.data[i]).toBe(f);
      factors.add(f);
    }
    expect(factors.size).toBe(2);
  });

  it('rejects bad rates, options and input', () => {
    expect(() => spatialDropout2d(1)).toThrow(
      'spatialDropout2d: rate must be a finite number >= 0 and < 1, got 1',
    );
    expect(() => spatialDropout1d(0.5, { seed: 1, rng: createRng(1) })).toThrow(
      /either seed or rng/,
    );
    expect(() => spatialDropout2d(0.1).forward(ones([2, 3, 4]), train)).toThrow(
      'spatialDropout2d: input must be [batch, height, width, channels] (channels last), got per-sample shape [3,4] (rank 2 instead of 3)',
    );
    expect(() => spatialDropout1d(0.1).forward(ones([2, 3, 4, 5]), infer)).toThrow(ShapeError);
    expect(spatialDropout2d(0.2, { seed: 5 }).config).toEqual({ rate: 0.2, seed: 5 });
  });
});

describe('sizes from a file are bounded', () => {
  it('refuses outputs beyond the element limit before allocating', () => {
    expect(() => zeroPadding2d(2 ** 20).outputShape([1, 1, 1])).toThrow(
      /zeroPadding2d: the padded sample \[2097153,2097153,1\] has 4398050705409 elements, more than the limit/,
    );
    expect(() => upSampling2d(2 ** 15).forward(iota([1, 1, 1, 1]), infer)).toThrow(
      /upSampling2d: the up-sampled sample \[32768,32768,1\] has 1073741824 elements, more than the limit/,
    );
  });
});

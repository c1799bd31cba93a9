// Pooling layers: known values worked out by hand (stride, 'same' padding on
// either side, several channels, ties), gradients through autograd against
// hand-derived ones, float64 gradient checks, and bad input.
import { describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd/backward.js';
import { gradcheck } from '../../src/autograd/functional.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d } from '../../src/layers/pool.js';
import type { Layer } from '../../src/layers/layer.js';
import { mul } from '../../src/ops/mul.js';
import { sum } from '../../src/ops/sum.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const infer = { training: false, rng: createRng(0) };
const train = { training: true, rng: createRng(0) };

/** 1..n laid out in `shape` (row-major). */
function iota(shape: number[], dtype: 'float32' | 'float64' = 'float32'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, (_, i) => i + 1),
    { shape, dtype },
  );
}

function run(layer: Layer, x: Tensor): { shape: readonly number[]; data: number[] } {
  const y = layer.forward(x, infer);
  return { shape: y.shape, data: Array.from(y.data) };
}

/** d(Σ w ⊙ y)/dx with weights w = 1, 2, 3, ... per output element. */
function gradOf(layer: Layer, x: Tensor): number[] {
  const xg = tensor(Array.from(x.data), { shape: x.shape, requiresGrad: true, dtype: x.dtype });
  const y = layer.forward(xg, train);
  backward(sum(mul(y, iota([...y.shape], y.dtype as 'float32'))));
  return Array.from(xg.grad!.data);
}

describe('maxPool2d / avgPool2d: known values', () => {
  // 4x4 image 1..16:      1  2  3  4
  //                       5  6  7  8
  //                       9 10 11 12
  //                      13 14 15 16
  const x44 = iota([1, 4, 4, 1]);

  it('2x2 windows, stride 2 (the default), valid', () => {
    // max of [1,2,5,6]=6, [3,4,7,8]=8, [9,10,13,14]=14, [11,12,15,16]=16
    expect(run(maxPool2d(2), x44)).toEqual({ shape: [1, 2, 2, 1], data: [6, 8, 14, 16] });
    // means: 14/4=3.5, 22/4=5.5, 46/4=11.5, 54/4=13.5
    expect(run(avgPool2d(2), x44)).toEqual({
      shape: [1, 2, 2, 1],
      data: [3.5, 5.5, 11.5, 13.5],
    });
  });

  it('stride 1 gives overlapping windows; a stride pair and a non-square pool', () => {
    // 3x3 windows at stride 1 over the 4x4: top-left corners (0,0),(0,1),(1,0),(1,1)
    // max = bottom-right element of each window: 11, 12, 15, 16
    expect(run(maxPool2d(3, { strides: 1 }), x44).data).toEqual([11, 12, 15, 16]);
    // pool [1, 2], strides [2, 1]: rows 0 and 2, column pairs (0,1),(1,2),(2,3)
    // row 0: max(1,2)=2, 3, 4; row 2: 10, 11, 12; means 1.5,2.5,3.5 and 9.5,10.5,11.5
    expect(run(maxPool2d([1, 2], { strides: [2, 1] }), x44)).toEqual({
      shape: [1, 2, 3, 1],
      data: [2, 3, 4, 10, 11, 12],
    });
    expect(run(avgPool2d([1, 2], { strides: [2, 1] }), x44).data).toEqual([
      1.5, 2.5, 3.5, 9.5, 10.5, 11.5,
    ]);
    // valid drops the rows and columns no window reaches: 5x5 with pool 2 → 2x2
    expect(run(maxPool2d(2), iota([1, 5, 5, 1])).data).toEqual([7, 9, 17, 19]);
  });

  it("'same' pads after (TensorFlow): 3x3, pool 2, stride 2", () => {
    // 1 2 3      out ⌈3/2⌉ = 2 per axis; total padding (2−1)·2 + 2 − 3 = 1, all after.
    // 4 5 6      windows: rows {0,1},{2} x columns {0,1},{2}
    // 7 8 9
    const x = iota([1, 3, 3, 1]);
    expect(run(maxPool2d(2, { padding: 'same' }), x)).toEqual({
      shape: [1, 2, 2, 1],
      data: [5, 6, 8, 9],
    });
    // means over real elements only: (1+2+4+5)/4=3, (3+6)/2=4.5, (7+8)/2=7.5, 9/1=9
    expect(run(avgPool2d(2, { padding: 'same' }), x).data).toEqual([3, 4.5, 7.5, 9]);
  });

  it("'same' with padding before as well: pool 3, stride 1 on 3x3", () => {
    // total padding 2 per axis: 1 before, 1 after; every window is centred.
    // maxima of the 3x3 neighbourhoods of 1..9: 5 6 6 / 8 9 9 / 8 9 9
    const x = iota([1, 3, 3, 1]);
    expect(run(maxPool2d(3, { strides: 1, padding: 'same' }), x).data).toEqual([
      5, 6, 6, 8, 9, 9, 8, 9, 9,
    ]);
    // corner (0,0): {1,2,4,5}/4 = 3; edge (0,1): {1..6}/6 = 3.5; centre: 45/9 = 5
    const avg = run(avgPool2d(3, { strides: 1, padding: 'same' }), x).data;
    expect(avg[0]).toBe(3);
    expect(avg[1]).toBe(3.5);
    expect(avg[4]).toBe(5);
    // (1,0): {1,2,4,5,7,8}/6 = 27/6 = 4.5; (2,2): {5,6,8,9}/4 = 7
    expect(avg[3]).toBe(4.5);
    expect(avg[8]).toBe(7);
  });

  it('pools each channel on its own (channels last), over every sample', () => {
    // 2x2 image, channel 0 = 1,2,3,4 and channel 1 = 8,7,6,5, interleaved;
    // sample 2 is sample 1 times -1.
    const x = tensor([1, 8, 2, 7, 3, 6, 4, 5, -1, -8, -2, -7, -3, -6, -4, -5], {
      shape: [2, 2, 2, 2],
    });
    expect(run(maxPool2d(2), x)).toEqual({ shape: [2, 1, 1, 2], data: [4, 8, -1, -5] });
    expect(run(avgPool2d(2), x).data).toEqual([2.5, 6.5, -2.5, -6.5]);
  });

  it('routes the gradient to the first maximum (ties) and adds overlapping windows', () => {
    // 2x2 window of [3 3 / 1 3]: three tied maxima, the first (0,0) takes it all.
    const tie = tensor([3, 3, 1, 3], { shape: [1, 2, 2, 1] });
    expect(gradOf(maxPool2d(2), tie)).toEqual([1, 0, 0, 0]);
    // 3x3, pool 2 stride 1: every window's max is its bottom-right element
    // (5, 6, 8, 9), each taking its own weight 1, 2, 3, 4.
    expect(gradOf(maxPool2d(2, { strides: 1 }), iota([1, 3, 3, 1]))).toEqual([
      0, 0, 0, 0, 1, 2, 0, 3, 4,
    ]);
    // a plateau of 7s under overlapping windows: each window's first element
    // (its top-left, (0,0) (0,1) (1,0) (1,1)) takes that window's weight.
    const flat = tensor([7, 7, 7, 7, 7, 7, 7, 7, 7], { shape: [1, 3, 3, 1] });
    expect(gradOf(maxPool2d(2, { strides: 1 }), flat)).toEqual([1, 2, 0, 3, 4, 0, 0, 0, 0]);
  });

  it("avg gradient divides by each window's real count ('same')", () => {
    // 3x3, pool 2 stride 2 same; weights 1,2,3,4 on windows of 4, 2, 2, 1 elements:
    // (0,0),(0,1),(1,0),(1,1) get 1/4; (0,2),(1,2) get 2/2; (2,0),(2,1) get 3/2; (2,2) gets 4
    expect(gradOf(avgPool2d(2, { padding: 'same' }), iota([1, 3, 3, 1]))).toEqual([
      0.25, 0.25, 1, 0.25, 0.25, 1, 1.5, 1.5, 4,
    ]);
  });

  it('NaN propagates through max pooling', () => {
    const x = tensor([1, Number.NaN, 5, 2], { shape: [1, 2, 2, 1] });
    expect(Number.isNaN(run(maxPool2d(2), x).data[0])).toBe(true);
  });

  it('keeps float64 and reports shapes', () => {
    const y = maxPool2d(2).forward(iota([2, 4, 6, 3], 'float64'), infer);
    expect(y.dtype).toBe('float64');
    expect(y.shape).toEqual([2, 2, 3, 3]);
    expect(maxPool2d(2).outputShape([28, 28, 8])).toEqual([14, 14, 8]);
    expect(maxPool2d(3, { strides: 2, padding: 'same' }).outputShape([7, 8, 1])).toEqual([4, 4, 1]);
    expect(avgPool2d([2, 3], { strides: [1, 2] }).outputShape([5, 9, 2])).toEqual([4, 4, 2]);
  });
});

describe('maxPool1d / avgPool1d: known values', () => {
  const seq = tensor([[[1], [3], [2], [5], [4]]]); // [1, 5, 1]

  it('valid and same, default stride = pool size', () => {
    // valid: windows [1,3], [2,5]; the last step is dropped
    expect(run(maxPool1d(2), seq)).toEqual({ shape: [1, 2, 1], data: [3, 5] });
    expect(run(avgPool1d(2), seq).data).toEqual([2, 3.5]);
    // same: ⌈5/2⌉ = 3 windows, padding 1 after: [1,3], [2,5], [4]
    expect(run(maxPool1d(2, { padding: 'same' }), seq).data).toEqual([3, 5, 4]);
    expect(run(avgPool1d(2, { padding: 'same' }), seq).data).toEqual([2, 3.5, 4]);
  });

  it('pool 3, stride 2, same: one padding step on each side', () => {
    // ⌈5/2⌉ = 3 outputs; total padding 2·2 + 3 − 5 = 2 → 1 before, 1 after:
    // windows {1,3}, {3,2,5}, {5,4}
    expect(run(maxPool1d(3, { strides: 2, padding: 'same' }), seq).data).toEqual([3, 5, 5]);
    expect(run(avgPool1d(3, { strides: 2, padding: 'same' }), seq).data).toEqual([
      2,
      Math.fround(10 / 3),
      4.5,
    ]);
  });

  it('stride 1 with ties, several channels, and the gradient', () => {
    // channel 0: 1 3 3 ; channel 1: 6 5 4. pool 2 stride 1 → 2 windows.
    const x = tensor([
      [
        [1, 6],
        [3, 5],
        [3, 4],
      ],
    ]);
    // ch0: max(1,3)=3 at step 1, max(3,3)=3 at step 1 (the first of the tie)
    // ch1: 6 at step 0, 5 at step 1
    expect(run(maxPool1d(2, { strides: 1 }), x).data).toEqual([3, 6, 3, 5]);
    // weights 1,2 / 3,4 for (window 0: ch0, ch1), (window 1: ch0, ch1)
    // step 1 ch0 gets 1 + 3 = 4; step 0 ch1 gets 2; step 1 ch1 gets 4
    expect(gradOf(maxPool1d(2, { strides: 1 }), x)).toEqual([0, 2, 4, 4, 0, 0]);
    // avg: each step gets half of each window it is in
    expect(gradOf(avgPool1d(2, { strides: 1 }), x)).toEqual([0.5, 1, 2, 3, 1.5, 2]);
  });
});

describe('pooling: explicit padding (PyTorch-style pads, ceil_mode as more padding after)', () => {
  const x44 = iota([1, 4, 4, 1]); // 1..16 in rows of 4, as above

  it('pool 3, stride 2, one step each side: windows of rows/cols {0,1} and {1,2,3}', () => {
    const p = {
      strides: 2,
      padding: [
        [1, 1],
        [1, 1],
      ],
    } as const;
    // max: {1,2,5,6} 6, rows 0-1 cols 1-3: 8, rows 1-3 cols 0-1: 14, rows 1-3 cols 1-3: 16
    expect(run(maxPool2d(3, p), x44)).toEqual({ shape: [1, 2, 2, 1], data: [6, 8, 14, 16] });
    // avg over real inputs only: 14/4 = 3.5, (2+3+4+6+7+8)/6 = 5,
    // (5+6+9+10+13+14)/6 = 9.5, (6+7+8+10+11+12+14+15+16)/9 = 11
    expect(run(avgPool2d(3, p), x44)).toEqual({ shape: [1, 2, 2, 1], data: [3.5, 5, 9.5, 11] });
  });

  it('uneven pads: one row before, one column after', () => {
    // rows {0} and {1,2}; cols {0,1} and {2,3}: max 2, 4, 10, 12
    const layer = maxPool2d(2, {
      padding: [
        [1, 0],
        [0, 1],
      ],
    });
    expect(run(layer, x44)).toEqual({ shape: [1, 2, 2, 1], data: [2, 4, 10, 12] });
    expect(layer.config.padding).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('1-D: pool 3, stride 2, pads [1, 2] on [1, 3, 2, 5, 4]', () => {
    // ⌊(5 + 3 − 3) / 2⌋ + 1 = 3 windows: {1,3}, {3,2,5}, {5,4}
    const x = tensor([[[1], [3], [2], [5], [4]]]);
    const p = { strides: 2, padding: [1, 2] } as const;
    expect(run(maxPool1d(3, p), x).data).toEqual([3, 5, 5]);
    const avg = run(avgPool1d(3, p), x).data;
    expect(avg[0]).toBe(2);
    expect(avg[1]).toBeCloseTo(10 / 3, 6);
    expect(avg[2]).toBe(4.5);
    expect(avgPool1d(3, p).config.padding).toEqual([1, 2]);
  });

  it('rejects pads as large as the pool, negative or malformed', () => {
    expect(() =>
      maxPool2d(3, {
        padding: [
          [3, 0],
          [0, 0],
        ],
      }),
    ).toThrow(
      /^maxPool2d: padding must be 'valid', 'same' or \[\[top, bottom\], \[left, right\]\]/,
    );
    expect(() => avgPool1d(2, { padding: [0, 2] })).toThrow(/^avgPool1d: padding must be/);
    expect(() => avgPool1d(2, { padding: [-1, 0] })).toThrow(ValueError);
    expect(() => maxPool2d(2, { padding: [1, 1] as never })).toThrow(ValueError);
  });
});

describe('pooling: float64 gradient checks', () => {
  /** Distinct values (no ties within a window), both signs. */
  function f64(shape: number[]): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(
      Array.from({ length: n }, (_, i) => 1.5 * Math.sin(0.9 * i + 0.3) + 0.01 * i),
      { shape, dtype: 'float64' },
    );
  }
  const cases: [string, Layer, number[]][] = [
    ['maxPool2d 2', maxPool2d(2), [2, 4, 4, 3]],
    ['maxPool2d 3 stride 2 same', maxPool2d(3, { strides: 2, padding: 'same' }), [2, 5, 6, 2]],
    ['maxPool2d [2,3] stride 1', maxPool2d([2, 3], { strides: 1 }), [1, 4, 5, 2]],
    ['avgPool2d 2', avgPool2d(2), [2, 4, 4, 3]],
    ['avgPool2d 3 stride 2 same', avgPool2d(3, { strides: 2, padding: 'same' }), [2, 5, 6, 2]],
    [
      'avgPool2d [2,3] stride [1,2] same',
      avgPool2d([2, 3], { strides: [1, 2], padding: 'same' }),
      [1, 4, 5, 2],
    ],
    ['maxPool1d 3 stride 2 same', maxPool1d(3, { strides: 2, padding: 'same' }), [2, 7, 3]],
    ['avgPool1d 2 stride 1', avgPool1d(2, { strides: 1 }), [2, 5, 3]],
    ['avgPool1d 4 same', avgPool1d(4, { padding: 'same' }), [2, 7, 2]],
    [
      'maxPool2d 3 stride 2 explicit',
      maxPool2d(3, {
        strides: 2,
        padding: [
          [1, 2],
          [0, 1],
        ],
      }),
      [2, 5, 6, 2],
    ],
    [
      'avgPool2d 3 stride 2 explicit',
      avgPool2d(3, {
        strides: 2,
        padding: [
          [2, 0],
          [1, 1],
        ],
      }),
      [2, 5, 6, 2],
    ],
    ['avgPool1d 3 stride 2 explicit', avgPool1d(3, { strides: 2, padding: [1, 2] }), [2, 7, 2]],
  ];
  it.each(cases)('%s', (_name, layer, shape) => {
    const res = gradcheck((x) => layer.forward(x, train), [f64(shape)]);
    expect(res.passed).toBe(true);
  });
});

describe('pooling: bad input', () => {
  it('rejects a pool larger than the input (valid), naming the layer and sizes', () => {
    expect(() => maxPool2d(3).forward(iota([1, 2, 4, 1]), infer)).toThrow(ShapeError);
    expect(() => maxPool2d(3).forward(iota([1, 2, 4, 1]), infer)).toThrow(
      "maxPool2d: poolSize 3 is larger than the input's height 2 (padding 'valid'); use a smaller pool or padding 'same'",
    );
    expect(() => avgPool1d(6).outputShape([5, 2])).toThrow(
      "avgPool1d: poolSize 6 is larger than the input's steps 5",
    );
    // 'same' accepts it: one window over everything
    expect(run(maxPool2d(3, { padding: 'same' }), iota([1, 2, 2, 1])).data).toEqual([4]);
  });

  it('rejects non-positive or fractional sizes and strides', () => {
    expect(() => maxPool2d(0)).toThrow(
      'maxPool2d: poolSize must be a positive integer or a pair [height, width] of them, got 0',
    );
    expect(() => avgPool2d([2, -1])).toThrow(ValueError);
    expect(() => maxPool2d(2, { strides: 0 })).toThrow(
      'maxPool2d: strides must be a positive integer or a pair [height, width] of them, got 0',
    );
    expect(() => maxPool2d([2, 2, 2] as never)).toThrow(/poolSize must be/);
    expect(() => maxPool1d(1.5)).toThrow('maxPool1d: poolSize must be a positive integer, got 1.5');
    expect(() => avgPool1d(2, { strides: -2 })).toThrow(
      'avgPool1d: strides must be a positive integer, got -2',
    );
  });

  it('rejects bad options', () => {
    expect(() => maxPool2d(2, { padding: 'full' as never })).toThrow(
      `maxPool2d: padding must be 'valid', 'same' or [[top, bottom], [left, right]] (integers from 0 to the pool size - 1 on that axis), got "full"`,
    );
    expect(() => maxPool2d(2, { stride: 1 } as never)).toThrow(/unknown option "stride"/);
    expect(() => avgPool1d(2, { name: '' })).toThrow('avgPool1d: name must be a non-empty string');
  });

  it('rejects input of the wrong rank, naming the layout', () => {
    expect(() => maxPool2d(2).forward(iota([2, 4, 4]), infer)).toThrow(
      'maxPool2d: input must be [batch, height, width, channels] (channels last), got per-sample shape [4,4] (rank 2 instead of 3)',
    );
    expect(() => maxPool1d(2).forward(iota([2, 4, 4, 1]), infer)).toThrow(
      'maxPool1d: input must be [batch, steps, channels] (channels last), got per-sample shape [4,4,1] (rank 3 instead of 2)',
    );
    expect(() => maxPool2d(2).outputShape([4, 4])).toThrow(ShapeError);
  });

  it('describes itself', () => {
    const p = maxPool2d([2, 3], { padding: 'same', name: 'pool1' });
    expect(p.kind).toBe('maxPool2d');
    expect(p.config).toEqual({ poolSize: [2, 3], strides: [2, 3], padding: 'same', name: 'pool1' });
    expect(p.name).toBe('pool1');
    expect(p.params).toEqual({});
    expect(avgPool1d(3, { strides: 1 }).config).toEqual({
      poolSize: 3,
      strides: 1,
      padding: 'valid',
    });
  });
});

// The convolution ops and layers: known values worked out by hand, agreement
// with naive reference loops over every setting (stride, padding, dilation,
// groups), float64 gradient checks of the layers with respect to input and
// parameters, build-time shape checks and bad input. The file also runs in
// the wasm project, where the lowered products go through the SIMD kernels.
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { grad, gradcheck } from '../../src/autograd/functional.js';
import { constant } from '../../src/init/constant.js';
import { relu } from '../../src/activations/relu.js';
import { tanh } from '../../src/activations/tanh.js';
import { conv1d } from '../../src/layers/conv1d.js';
import { conv2d } from '../../src/layers/conv2d.js';
import { conv2dTranspose } from '../../src/layers/conv2d-transpose.js';
import { dense } from '../../src/layers/dense.js';
import { flatten } from '../../src/layers/flatten.js';
import { input } from '../../src/layers/symbolic.js';
import { sequential } from '../../src/models/sequential.js';
import {
  conv1dOp,
  conv2dOp,
  conv2dTransposeOp,
  mul,
  sum,
  type Conv2dOpOptions,
} from '../../src/ops/index.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/expect-close.js';
import { refConv2d, refConv2dTranspose, wave } from './_conv-ref.js';

const infer = { training: false, rng: createRng(0) };
const f32 = (v: number[], shape: number[]): Tensor => tensor(v, { shape });
const f64 = (v: number[], shape: number[]): Tensor => tensor(v, { shape, dtype: 'float64' });

describe('conv2dOp: known values', () => {
  // x = 1..16 as a 4x4 image (row-major), one channel.
  const x = f32(
    Array.from({ length: 16 }, (_, i) => i + 1),
    [1, 4, 4, 1],
  );
  it('stride 2, valid: a 2x2 kernel [[1, 0], [0, -1]] gives x[p,q] − x[p+1,q+1] = −5 everywhere', () => {
    const k = f32([1, 0, 0, -1], [2, 2, 1, 1]);
    const y = conv2dOp(x, k, { strides: 2 });
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(y.data)).toEqual([-5, -5, -5, -5]);
  });
  it("padding 'same' with a 3x3 box: corners sum 4 pixels, e.g. top-left 1+2+5+6 = 14", () => {
    const k = f32(new Array<number>(9).fill(1), [3, 3, 1, 1]);
    const y = conv2dOp(x, k, { padding: 'same' });
    expect(y.shape).toEqual([1, 4, 4, 1]);
    // row 0: 1+2+5+6=14, 1+2+3+5+6+7=24, 2+3+4+6+7+8=30, 3+4+7+8=22
    expect(Array.from(y.data.slice(0, 4))).toEqual([14, 24, 30, 22]);
    // centre (1,1): 1+2+3+5+6+7+9+10+11 = 54
    expect(y.data[5]).toBe(54);
  });
  it("'same' with stride 2 on an odd size puts the extra zero after (TensorFlow, SAME_UPPER)", () => {
    // 5 wide, k = 2, s = 2: 3 outputs, total padding (3−1)·2 + 2 − 5 = 1, all of it on the right.
    const row = f32([1, 2, 3, 4, 5], [1, 1, 5, 1]);
    const y = conv2dOp(row, f32([1, 1], [1, 2, 1, 1]), { strides: 2, padding: 'same' });
    expect(Array.from(y.data)).toEqual([3, 7, 5]); // 1+2, 3+4, 5+0
  });
  it('dilation 2: a 1x2 kernel of ones reads columns q and q+2', () => {
    const y = conv2dOp(x, f32([1, 1], [1, 2, 1, 1]), { dilation: 2 });
    expect(y.shape).toEqual([1, 4, 2, 1]);
    // row 0: 1+3, 2+4; row 1: 5+7, 6+8
    expect(Array.from(y.data.slice(0, 4))).toEqual([4, 6, 12, 14]);
  });
  it('explicit padding [[1, 0], [0, 1]] with a 1x1 kernel of 2 doubles the padded image', () => {
    const y = conv2dOp(f32([1, 2, 3, 4], [1, 2, 2, 1]), f32([2], [1, 1, 1, 1]), {
      padding: [
        [1, 0],
        [0, 1],
      ],
    });
    expect(y.shape).toEqual([1, 3, 3, 1]);
    expect(Array.from(y.data)).toEqual([0, 0, 0, 2, 4, 0, 6, 8, 0]);
  });
  it('groups 2: each half of the channels feeds its own filter', () => {
    // one pixel, channels [1, 2, 3, 4]; 1x1 kernel [2 per group, 2 filters]: [[1, 10], [100, 1000]]
    // filter 0 sees channels 0,1: 1·1 + 2·100 = 201; filter 1 sees 2,3: 3·10 + 4·1000 = 4030
    const y = conv2dOp(f32([1, 2, 3, 4], [1, 1, 1, 4]), f32([1, 10, 100, 1000], [1, 1, 2, 2]), {
      groups: 2,
    });
    expect(Array.from(y.data)).toEqual([201, 4030]);
  });
  it('depthwise (groups = channels, two filters per channel)', () => {
    // channels [1, 2]; kernel [1,1,1,4] = [1, 2, 3, 4]: filters 0,1 on channel 0, 2,3 on channel 1
    const y = conv2dOp(f32([1, 2], [1, 1, 1, 2]), f32([1, 2, 3, 4], [1, 1, 1, 4]), { groups: 2 });
    expect(Array.from(y.data)).toEqual([1, 2, 6, 8]);
  });
});

describe('conv1dOp and conv2dTransposeOp: known values', () => {
  it('conv1d with stride 2 and padding [1, 1]', () => {
    // padded: 0 1 2 3 4 0; kernel [1, 2, 3] at 0 and 2: 0+2+6 = 8, 2+6+12 = 20... (2·1 + 3·2 + 4·3)
    const y = conv1dOp(f32([1, 2, 3, 4], [1, 4, 1]), f32([1, 2, 3], [3, 1, 1]), {
      strides: 2,
      padding: [1, 1],
    });
    expect(Array.from(y.data)).toEqual([8, 20]);
  });
  it("transposed, stride 2, 'valid': overlapping copies add up", () => {
    // x = [1, 2] along the width, kernel [1, 1, 1] (k=3), stride 2: output (2−1)·2 + 3 = 5 wide
    // copy of 1 at 0..2, copy of 2 at 2..4: [1, 1, 1+2, 2, 2]
    const y = conv2dTransposeOp(f32([1, 2], [1, 1, 2, 1]), f32([1, 1, 1], [1, 3, 1, 1]), {
      strides: [1, 2],
    });
    expect(y.shape).toEqual([1, 1, 5, 1]);
    expect(Array.from(y.data)).toEqual([1, 1, 3, 2, 2]);
  });
  it("transposed 'same' gives input·stride and equals the scatter definition", () => {
    const xs = [2, 3, 2, 3];
    const ks = [3, 3, 2, 3];
    const x = f64(wave(36), xs);
    const k = f64(wave(54, 1), ks);
    const y = conv2dTransposeOp(x, k, { strides: 2, padding: 'same' });
    expect(y.shape).toEqual([2, 6, 4, 2]);
    // TensorFlow's padding for the forward conv 6 -> 3 (k 3, s 2): total (3−1)·2 + 3 − 6 = 1, top 0
    expectClose(y, refConv2dTranspose(x.data, xs, k.data, ks, [2, 2], [0, 0], 6, 4), {
      atol: 1e-12,
    });
  });
  it('the transposed op is the adjoint of the convolution: <convᵀ(a), b> = <a, conv(b)>', () => {
    const k = f64(wave(2 * 3 * 2 * 3, 2), [2, 3, 2, 3]);
    const a = f64(wave(1 * 3 * 2 * 3, 3), [1, 3, 2, 3]);
    const b = f64(wave(1 * 6 * 6 * 2, 4), [1, 6, 6, 2]);
    const lhs = sum(mul(conv2dTransposeOp(a, k, { strides: [2, 3] }), b)).item();
    const rhs = sum(mul(a, conv2dOp(b, k, { strides: [2, 3] }))).item();
    expect(conv2dTransposeOp(a, k, { strides: [2, 3] }).shape).toEqual([1, 6, 6, 2]);
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12);
  });
});

describe('conv2dOp equals the naive loops for every setting', () => {
  const cases: {
    xs: number[];
    ks: number[];
    s: [number, number];
    d: [number, number];
    pad: 'valid' | 'same' | [[number, number], [number, number]];
    groups: number;
  }[] = [
    { xs: [2, 7, 6, 3], ks: [3, 3, 3, 5], s: [1, 1], d: [1, 1], pad: 'valid', groups: 1 },
    { xs: [3, 9, 8, 2], ks: [3, 2, 2, 17], s: [2, 3], d: [1, 1], pad: 'same', groups: 1 },
    { xs: [1, 11, 10, 4], ks: [3, 3, 2, 6], s: [1, 2], d: [2, 3], pad: 'valid', groups: 2 },
    {
      xs: [2, 5, 5, 6],
      ks: [2, 2, 1, 12],
      s: [1, 1],
      d: [1, 1],
      pad: [
        [2, 1],
        [0, 3],
      ],
      groups: 6,
    },
    { xs: [2, 28, 28, 1], ks: [3, 3, 1, 8], s: [1, 1], d: [1, 1], pad: 'valid', groups: 1 },
    { xs: [1, 6, 7, 5], ks: [4, 4, 5, 3], s: [3, 2], d: [1, 1], pad: 'same', groups: 1 },
  ];
  for (const c of cases) {
    it(`x ${c.xs.join('x')}, kernel ${c.ks.join('x')}, strides ${c.s.join('x')}, dilation ${c.d.join('x')}, padding ${JSON.stringify(c.pad)}, groups ${c.groups}`, () => {
      const x = f32(wave(c.xs.reduce((a, b) => a * b)), c.xs);
      const k = f32(
        wave(
          c.ks.reduce((a, b) => a * b),
          1,
        ),
        c.ks,
      );
      const y = conv2dOp(x, k, { strides: c.s, dilation: c.d, padding: c.pad, groups: c.groups });
      let pad: [number, number, number, number];
      if (c.pad === 'valid') pad = [0, 0, 0, 0];
      else if (c.pad === 'same') {
        const ph = Math.max(
          0,
          (Math.ceil(c.xs[1]! / c.s[0]) - 1) * c.s[0] + (c.ks[0]! - 1) * c.d[0] + 1 - c.xs[1]!,
        );
        const pw = Math.max(
          0,
          (Math.ceil(c.xs[2]! / c.s[1]) - 1) * c.s[1] + (c.ks[1]! - 1) * c.d[1] + 1 - c.xs[2]!,
        );
        pad = [
          Math.floor(ph / 2),
          ph - Math.floor(ph / 2),
          Math.floor(pw / 2),
          pw - Math.floor(pw / 2),
        ];
      } else pad = [c.pad[0][0], c.pad[0][1], c.pad[1][0], c.pad[1][1]];
      const ref = refConv2d(x.data, c.xs, k.data, c.ks, { s: c.s, d: c.d, pad, groups: c.groups });
      expect(y.shape).toEqual([c.xs[0], ref.oh, ref.ow, c.ks[3]]);
      expectClose(y, ref.y, { atol: 1e-5, rtol: 1e-5 });
    });
  }
});

describe('conv layers', () => {
  it('conv2d: bias and fused relu; 1-D is the 2-D case with a height of 1', () => {
    // 2x2 kernel of ones, bias −10, relu: windows of 1..9 as 3x3 sum 12, 16, 24, 28 → 2, 6, 14, 18
    const layer = conv2d(1, 1, 2, {
      kernel: [
        [[[1]], [[1]]],
        [[[1]], [[1]]],
      ],
      bias: [-10],
      activation: relu,
    });
    const y = layer.forward(f32([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]), infer);
    expect(Array.from(y.data)).toEqual([2, 6, 14, 18]);
    const c1 = conv1d(1, 1, 2, { kernel: [[[1]], [[1]]], bias: [-4], activation: relu });
    expect(Array.from(c1.forward(f32([1, 2, 3, 4], [1, 4, 1]), infer).data)).toEqual([0, 1, 3]);
  });
  it('kernel shapes and Keras fans for glorotUniform', () => {
    const a = conv2d(6, 10, [3, 5], { groups: 2, rng: createRng(1) });
    expect(a.kernel.shape).toEqual([3, 5, 3, 10]);
    // limit = sqrt(6 / (fanIn + fanOut)), fanIn = 15·3 = 45, fanOut = 15·10 = 150
    const limit = Math.sqrt(6 / (45 + 150));
    const m = Math.max(...Array.from(a.kernel.data, Math.abs));
    expect(m).toBeLessThanOrEqual(limit);
    expect(m).toBeGreaterThan(0.9 * limit);
    expect(conv1d(4, 8, 3).kernel.shape).toEqual([3, 4, 8]);
    expect(conv2dTranspose(4, 8, 3).kernel.shape).toEqual([3, 3, 8, 4]);
  });
  for (const [label, make, xs] of [
    [
      'conv2d stride 2, same, tanh',
      () =>
        conv2d(2, 3, 3, {
          strides: 2,
          padding: 'same',
          activation: tanh,
          dtype: 'float64',
          rng: createRng(2),
        }),
      [2, 5, 4, 2],
    ],
    [
      'conv2d dilation, groups, relu',
      () =>
        conv2d(4, 4, 2, {
          dilation: 2,
          groups: 2,
          activation: relu,
          dtype: 'float64',
          rng: createRng(3),
        }),
      [2, 5, 5, 4],
    ],
    [
      'conv1d same padding',
      () => conv1d(3, 2, 3, { padding: 'same', dtype: 'float64', rng: createRng(4) }),
      [2, 6, 3],
    ],
    [
      'conv2dTranspose stride 2, relu',
      () =>
        conv2dTranspose(2, 3, 3, {
          strides: 2,
          activation: relu,
          dtype: 'float64',
          rng: createRng(5),
          biasInitializer: constant(0.1),
        }),
      [1, 3, 2, 2],
    ],
  ] as const) {
    it(`float64 gradcheck of ${label} w.r.t. input, kernel and bias`, () => {
      const layer = make();
      const x = f64(
        wave(
          (xs as readonly number[]).reduce((a, b) => a * b, 1),
          0.3,
        ),
        [...xs],
      );
      const r = gradcheck((a: Tensor) => layer.forward(a, infer), [x, layer.kernel, layer.bias!]);
      expect(r.passed).toBe(true);
    });
  }
  it('a conv stack followed by flatten and a dense of the wrong width reports the flattened size', () => {
    const build = () =>
      sequential([
        conv2d(1, 8, 3, { activation: relu, inputShape: [28, 28, 1] }),
        flatten(),
        dense(100, 10),
      ]);
    expect(build).toThrow(ShapeError);
    // 26·26·8 = 5408
    expect(build).toThrow(/5408/);
  });
  it('build-time errors name the layer, the value and the expectation', () => {
    const x = input([4, 4, 3]);
    expect(() => conv2d(3, 2, 5, { name: 'c1' }).apply(x)).toThrow(
      /conv2d "c1".*kernel's height 5 is larger than the padded input height 4/,
    );
    expect(() => conv2d(2, 2, 3).apply(x)).toThrow(/\[height, width, 2\].*got \[4,4,3\]/);
    expect(() => conv2d(3, 2, 3).apply(input([4, 3]))).toThrow(/got \[4,3\]/);
    expect(() =>
      conv2d(3, 4, 3, {
        dilation: 2,
        padding: [
          [0, 0],
          [1, 0],
        ],
      }).apply(x),
    ).toThrow(
      /kernel's height 5 \(kernel 3, dilation 2\) is larger than the padded input height 4/,
    );
  });
  it('bad options fail with ValueError naming the option and the value', () => {
    expect(() => conv2d(3, 4, 3, { strides: 0 })).toThrow(
      /conv2d: strides must be a positive integer.*got 0/,
    );
    expect(() => conv2d(3, 4, 3, { dilation: [1, -1] })).toThrow(
      /dilation\[1\] must be a positive integer, got -1/,
    );
    expect(() => conv2d(3, 4, 3, { groups: 2 })).toThrow(
      /groups must be a divisor of inChannels 3, got 2/,
    );
    expect(() => conv2d(4, 3, 3, { groups: 2 })).toThrow(
      /groups must be a divisor of filters 3, got 2/,
    );
    expect(() => conv2d(3, 4, 0)).toThrow(ValueError);
    expect(() => conv2d(3, 4, 3, { padding: 'full' as never })).toThrow(/padding must be/);
    expect(() => conv1d(3, 4, 3, { padding: [1] as never })).toThrow(/padding must be/);
    expect(() => conv2dTranspose(3, 4, 3, { strides: 2, outputPadding: 2 })).toThrow(
      /outputPadding must be smaller than the strides/,
    );
    expect(() => conv2d(3, 4, 3, { kernel: [[1]] })).toThrow(/kernel must have shape \[3,3,3,4\]/);
    expect(() => conv2dOp(f32([1], [1, 1, 1, 1]), f32([1, 1], [1, 1, 2, 1]))).toThrow(
      /conv2dOp: kernel \[1,1,2,1\] expects 2 input channels.*x has 1/,
    );
    expect(() => conv2dOp(f32([1], [1, 1, 1]), f32([1], [1, 1, 1, 1]))).toThrow(
      /x must have shape/,
    );
    expect(() => conv2d(1, 1, 3).forward(f32(new Array<number>(4).fill(0), [4, 1]), infer)).toThrow(
      /conv2d: input must have shape \[batch, height, width, 1\]/,
    );
  });
});

describe('float32 kernels (wasm direct or lowered) agree with float64', () => {
  // In the wasm project float32 goes to the SIMD kernels (the direct kernel for
  // small patches with filters a multiple of 4), float64 to the JS kernels.
  const cases: [string, number[], number[], Conv2dOpOptions][] = [
    ['3x3, one channel, 8 filters (W5)', [5, 28, 28, 1], [3, 3, 1, 8], {}],
    // the kernel gradient sums blocks of 16 samples, then adds the blocks: 16 + 16 + 5
    ['37 samples: three blocks in the kernel gradient', [37, 7, 6, 2], [3, 2, 2, 12], {}],
    // Filters a multiple of 8 take the two-pixel path; padding puts pixel pairs half outside.
    [
      'paired pixels, same, strides [1, 2], 16 filters',
      [2, 9, 11, 2],
      [3, 3, 2, 16],
      { strides: [1, 2], padding: 'same' },
    ],
    [
      'paired pixels, explicit padding, odd width, dilation',
      [2, 6, 7, 1],
      [2, 3, 1, 8],
      {
        padding: [
          [1, 1],
          [2, 3],
        ],
        dilation: [1, 2],
      },
    ],
    [
      'same, stride 2, 3 channels, 12 filters',
      [3, 9, 8, 3],
      [3, 3, 3, 12],
      { strides: 2, padding: 'same' },
    ],
    // Four samples at a time in the kernel gradient (then the rest one by one),
    // four neighbouring pixels at a time where all their taps are inside.
    [
      'four samples at once, same, strides [1, 2], 12 filters (a block of 8 and one of 4)',
      [6, 9, 11, 2],
      [3, 3, 2, 12],
      { strides: [1, 2], padding: 'same' },
    ],
    [
      'four samples at once, dilation 2, stride [2, 1], asymmetric padding',
      [4, 7, 10, 1],
      [2, 3, 1, 8],
      {
        strides: [2, 1],
        dilation: 2,
        padding: [
          [0, 2],
          [3, 1],
        ],
      },
    ],
    [
      'four pixels at once over a wide row, stride 2, dilation 2, 16 filters',
      [5, 6, 23, 3],
      [2, 2, 3, 16],
      { strides: [1, 2], dilation: [1, 2] },
    ],
    [
      'dilation 2, explicit padding, 4 filters',
      [2, 7, 7, 2],
      [2, 3, 2, 4],
      {
        dilation: 2,
        padding: [
          [1, 2],
          [0, 1],
        ],
      },
    ],
  ];
  for (const [label, xs, ks, opts] of cases) {
    it(label, () => {
      const nx = xs.reduce((a, b) => a * b, 1);
      const nk = ks.reduce((a, b) => a * b, 1);
      const run = (dtype: 'float32' | 'float64') => {
        const x = tensor(wave(nx), { shape: xs, dtype, requiresGrad: true });
        const k = tensor(wave(nk, 1), { shape: ks, dtype, requiresGrad: true });
        const y = conv2dOp(x, k, opts);
        const [gx, gk] = grad((a: Tensor, b: Tensor) =>
          sum(mul(conv2dOp(a, b, opts), conv2dOp(a, b, opts))),
        )(x, k);
        return { y, gx: gx!, gk: gk! };
      };
      const a = run('float32');
      const b = run('float64');
      expectClose(a.y, b.y, { atol: 1e-4, rtol: 1e-4 });
      expectClose(a.gk, b.gk, { atol: 1e-3, rtol: 1e-4 });
      expectClose(a.gx, b.gx, { atol: 1e-3, rtol: 1e-4 });
    });
  }
});

describe('chunked lowering', () => {
  // kH·kW·C/groups = 5·5·8/2 = 100 values per patch, 36·36 pixels per sample:
  // 129,600 patch values per sample, so the 2^19-element patch buffer holds 4
  // samples and a batch of 5 runs in two chunks. The batch result must equal
  // the samples run one at a time (outputs stacked, kernel gradients summed).
  it('a batch spanning several chunks equals its samples one by one (groups 2)', () => {
    const xs = [5, 40, 40, 8];
    const per = 40 * 40 * 8;
    const xd = wave(5 * per);
    const kd = wave(5 * 5 * 4 * 6, 2);
    const opts: Conv2dOpOptions = { groups: 2 };
    const run = (data: number[], n: number) => {
      const x = tensor(data, { shape: [n, ...xs.slice(1)], dtype: 'float64', requiresGrad: true });
      const k = tensor(kd, { shape: [5, 5, 4, 6], dtype: 'float64', requiresGrad: true });
      const r = grad((a: Tensor, b: Tensor) =>
        sum(mul(conv2dOp(a, b, opts), conv2dOp(a, b, opts))),
      )(x, k);
      return { y: conv2dOp(x, k, opts), gx: r[0]!, gk: r[1]! };
    };
    const whole = run(xd, 5);
    const ys: number[] = [];
    const gxs: number[] = [];
    const gk = new Array<number>(5 * 5 * 4 * 6).fill(0);
    for (let s = 0; s < 5; s++) {
      const one = run(xd.slice(s * per, (s + 1) * per), 1);
      ys.push(...one.y.data);
      gxs.push(...one.gx.data);
      one.gk.data.forEach((v, i) => (gk[i]! += v));
    }
    expectClose(whole.y, ys, { atol: 1e-9 });
    expectClose(whole.gx, gxs, { atol: 1e-9 });
    expectClose(whole.gk, gk, { atol: 1e-8, rtol: 1e-12 });
  });
});

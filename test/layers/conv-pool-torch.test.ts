// Convolution and pooling against PyTorch: defects found and fixed, each
// pinned here. Reference values come from torch 1.13 (CPU)
// in float64, as each comment says.
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/_lib/errors.js';
import { globalAvgPool1d, globalAvgPool2d } from '../../src/layers/global-pool.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { conv1dOp, conv2dOp, conv2dTransposeOp } from '../../src/ops/index.js';
import { createRng } from '../../src/random/rng.js';
import { full, tensor } from '../../src/tensor/create.js';
import { withMask } from '../../src/tensor/mask.js';

const infer = { training: false, rng: createRng(0) };

describe('global average pooling sums in doubles (a float32 running sum drifted)', () => {
  it('a 512 x 512 float32 map of 0.1 averages to float32(0.1), not 0.09975', () => {
    // torch 1.13: torch.full((1,1,512,512), 0.1, dtype=torch.float32).double().mean()
    //   = 0.10000000149011612 (float32(0.1) exactly); the old kernel gave 0.0997528806.
    const ref = 0.10000000149011612;
    const x = full([1, 512, 512, 1], 0.1);
    const y = globalAvgPool2d().forward(x, infer);
    expect(Math.abs(y.data[0]! - ref)).toBeLessThan(1e-8);
    const yp = predict(sequential([globalAvgPool2d()]), x);
    expect(Math.abs(yp.data[0]! - ref)).toBeLessThan(1e-8);
  });

  it('a 300 x 300 x 3 pattern matches adaptive_avg_pool2d in float64', () => {
    // numpy/torch 1.13: x = float32(((i·7919) mod 1000) / 1000) over the flat NHWC index i of
    // [2, 300, 300, 3]; F.adaptive_avg_pool2d(x.double() as NCHW, 1) = 0.49950000001641454
    // for every sample and channel. The old kernel was off by about 1e-4.
    const n = 2 * 300 * 300 * 3;
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = ((i * 7919) % 1000) / 1000;
    const y = globalAvgPool2d().forward(tensor(data, { shape: [2, 300, 300, 3] }), infer);
    for (const v of y.data) expect(Math.abs(v - 0.49950000001641454)).toBeLessThan(3e-8);
  });

  it('globalAvgPool1d, with and without a step mask, over 100000 steps of 0.1', () => {
    // torch 1.13: torch.full((1, 100000), 0.1, dtype=torch.float32)[:, :99999].double().mean()
    //   = 0.10000000149011612; the old kernel gave 0.0999855697.
    const ref = 0.10000000149011612;
    const x = full([1, 100000, 1], 0.1);
    expect(Math.abs(globalAvgPool1d().forward(x, infer).data[0]! - ref)).toBeLessThan(1e-8);
    const mask = [Array.from({ length: 100000 }, (_, i) => (i < 99999 ? 1 : 0))];
    const masked = globalAvgPool1d().forward(withMask(x, mask), infer);
    expect(Math.abs(masked.data[0]! - ref)).toBeLessThan(1e-8);
  });
});

describe('convolution ops refuse a kernel with no taps along an axis', () => {
  // torch 1.13: F.conv2d(x, w) with w of shape [1, 1, 0, 2] raises "kernel size should be
  // greater than zero"; so do conv1d and conv_transpose2d. myelin returned zeros of a made-up size.
  const x = tensor([1, 2, 3, 4], { shape: [1, 2, 2, 1] });
  it('conv2dOp', () => {
    expect(() => conv2dOp(x, tensor([], { shape: [0, 2, 1, 1] }))).toThrow(ShapeError);
    expect(() => conv2dOp(x, tensor([], { shape: [2, 0, 1, 1] }), { padding: 'same' })).toThrow(
      /conv2dOp: the kernel's width must be at least 1, got 0/,
    );
  });
  it('conv1dOp', () => {
    const s = tensor([1, 2, 3], { shape: [1, 3, 1] });
    expect(() => conv1dOp(s, tensor([], { shape: [0, 1, 1] }))).toThrow(
      /conv1dOp: the kernel's length must be at least 1, got 0/,
    );
  });
  it('conv2dTransposeOp', () => {
    expect(() => conv2dTransposeOp(x, tensor([], { shape: [0, 2, 1, 1] }), { strides: 2 })).toThrow(
      /conv2dTransposeOp: the kernel's height must be at least 1, got 0/,
    );
  });
});

describe("'same' padding puts the odd zero after, as PyTorch's padding='same' does", () => {
  it('conv1dOp over [1, 2, 3, 4] with the kernel [1, 10]', () => {
    // torch 1.13: F.conv1d([[[1, 2, 3, 4]]], [[[1, 10]]], padding='same') = [[[21, 32, 43, 4]]]
    // (docs/cnn.md said PyTorch put the odd zero before; it does not).
    const x = tensor([1, 2, 3, 4], { shape: [1, 4, 1] });
    const k = tensor([1, 10], { shape: [2, 1, 1] });
    expect(Array.from(conv1dOp(x, k, { padding: 'same' }).data)).toEqual([21, 32, 43, 4]);
  });
});

// The channels-first converters: a convolution computed the PyTorch way (NCHW
// data, weight [out, in/groups, kH, kW], a naive loop written here) equals the
// myelin layer built from the converted weight on the converted data; the
// same for a transposed convolution and for a dense layer after a flatten.
import { describe, expect, it } from 'vitest';
import {
  fromTorchConvKernel,
  fromTorchConvTransposeKernel,
  fromTorchDenseAfterFlatten,
  nchwToNhwc,
  nhwcToNchw,
} from '../../src/io/index.js';
import {
  conv1d,
  conv2d,
  conv2dTranspose,
  createRng,
  dense,
  flatten,
  sequential,
  predict,
  tensor,
} from '../../src/index.js';
import { ShapeError } from '../../src/_lib/errors.js';
import { expectClose } from '../helpers/expect-close.js';

const wave = (n: number, phase = 0): number[] =>
  Array.from({ length: n }, (_, i) => Math.sin(1.37 * i + 0.4 + phase));
const infer = { training: false, rng: createRng(0) };

/** PyTorch's Conv2d on NCHW data: y[n, o, p, q] = b[o] + Σ_{c, i, j} w[o, c, i, j] · x[n, g·cg + c, p·s − pad + i·d, q·s − pad + j·d]. */
function torchConv2d(
  x: number[],
  [n, cin, h, w]: [number, number, number, number],
  wt: number[],
  [cout, cg, kh, kw]: [number, number, number, number],
  b: number[],
  s: number,
  pad: number,
  d: number,
  groups: number,
): { y: number[]; oh: number; ow: number } {
  const oh = Math.floor((h + 2 * pad - d * (kh - 1) - 1) / s) + 1;
  const ow = Math.floor((w + 2 * pad - d * (kw - 1) - 1) / s) + 1;
  const og = cout / groups;
  const y: number[] = [];
  for (let bn = 0; bn < n; bn++)
    for (let o = 0; o < cout; o++)
      for (let p = 0; p < oh; p++)
        for (let q = 0; q < ow; q++) {
          const g = Math.floor(o / og);
          let acc = b[o]!;
          for (let c = 0; c < cg; c++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const r = p * s - pad + i * d;
                const t = q * s - pad + j * d;
                if (r < 0 || r >= h || t < 0 || t >= w) continue;
                acc +=
                  wt[((o * cg + c) * kh + i) * kw + j]! *
                  x[((bn * cin + g * cg + c) * h + r) * w + t]!;
              }
          y.push(acc);
        }
  return { y, oh, ow };
}

describe('PyTorch layouts -> myelin', () => {
  it('Conv2d (stride, padding, dilation, groups) equals conv2d on converted weights and data', () => {
    const [n, cin, h, w, cout, kh, kw, groups] = [2, 4, 7, 6, 6, 3, 2, 2];
    const cg = cin / groups;
    const x = wave(n * cin * h * w);
    const wt = wave(cout * cg * kh * kw, 1);
    const b = wave(cout, 2);
    const ref = torchConv2d(x, [n, cin, h, w], wt, [cout, cg, kh, kw], b, 2, 1, 2, groups);
    const layer = conv2d(cin, cout, [kh, kw], {
      strides: 2,
      padding: [
        [1, 1],
        [1, 1],
      ],
      dilation: 2,
      groups,
      kernel: fromTorchConvKernel(tensor(wt, { shape: [cout, cg, kh, kw] })),
      bias: b,
    });
    const y = layer.forward(nchwToNhwc(tensor(x, { shape: [n, cin, h, w] })), infer);
    const back = nhwcToNchw(y);
    expect(back.shape).toEqual([n, cout, ref.oh, ref.ow]);
    expectClose(back, ref.y, { atol: 1e-5, rtol: 1e-5 });
  });
  it('Conv1d equals conv1d on converted weights and data', () => {
    const [n, cin, len, cout, k] = [2, 3, 9, 4, 3];
    const x = wave(n * cin * len);
    const wt = wave(cout * cin * k, 3);
    const b = wave(cout, 4);
    // A Conv1d is a Conv2d of height 1.
    const ref = torchConv2d(x, [n, cin, 1, len], wt, [cout, cin, 1, k], b, 1, 0, 1, 1);
    const layer = conv1d(cin, cout, k, {
      kernel: fromTorchConvKernel(tensor(wt, { shape: [cout, cin, k] })),
      bias: b,
    });
    const y = layer.forward(nchwToNhwc(tensor(x, { shape: [n, cin, len] })), infer);
    expectClose(nhwcToNchw(y), ref.y, { atol: 1e-5, rtol: 1e-5 });
  });
  it('ConvTranspose2d equals conv2dTranspose on the converted weight', () => {
    // PyTorch: y[n, o, p·s + i, q·s + j] += x[n, c, p, q] · w[c, o, i, j] (no padding).
    const [n, cin, h, w, cout, k, s] = [1, 2, 3, 2, 3, 3, 2];
    const x = wave(n * cin * h * w);
    const wt = wave(cin * cout * k * k, 5);
    const oh = (h - 1) * s + k;
    const ow = (w - 1) * s + k;
    const ref = new Array<number>(n * cout * oh * ow).fill(0);
    for (let c = 0; c < cin; c++)
      for (let o = 0; o < cout; o++)
        for (let p = 0; p < h; p++)
          for (let q = 0; q < w; q++)
            for (let i = 0; i < k; i++)
              for (let j = 0; j < k; j++)
                ref[(o * oh + p * s + i) * ow + q * s + j]! +=
                  x[(c * h + p) * w + q]! * wt[((c * cout + o) * k + i) * k + j]!;
    const layer = conv2dTranspose(cin, cout, k, {
      strides: s,
      useBias: false,
      kernel: fromTorchConvTransposeKernel(tensor(wt, { shape: [cin, cout, k, k] })),
    });
    const y = layer.forward(nchwToNhwc(tensor(x, { shape: [n, cin, h, w] })), infer);
    expectClose(nhwcToNchw(y), ref, { atol: 1e-5, rtol: 1e-5 });
  });
  it('Linear after a flatten: the rows are permuted from (c, h, w) to (h, w, c)', () => {
    const [c, h, w, units] = [3, 2, 4, 5];
    const feats = wave(2 * c * h * w, 6); // two samples, NCHW
    const wt = wave(units * c * h * w, 7);
    // PyTorch: y[u] = Σ_k weight[u, k] · flatten_chw(x)[k]
    const ref: number[] = [];
    for (let s = 0; s < 2; s++)
      for (let u = 0; u < units; u++) {
        let acc = 0;
        for (let k = 0; k < c * h * w; k++)
          acc += wt[u * c * h * w + k]! * feats[s * c * h * w + k]!;
        ref.push(acc);
      }
    const model = sequential([
      flatten(),
      dense(c * h * w, units, {
        kernel: fromTorchDenseAfterFlatten(tensor(wt, { shape: [units, c * h * w] }), [c, h, w]),
        useBias: false,
      }),
    ]);
    const x = nchwToNhwc(tensor(feats, { shape: [2, c, h, w] }));
    expectClose(predict(model, x), ref, { atol: 1e-5, rtol: 1e-5 });
    // The plain transpose (rows left in PyTorch's c, h, w order) gives another answer,
    // so the check above can fail.
    const k = c * h * w;
    const plainT = tensor(
      Array.from({ length: k * units }, (_, r) => wt[(r % units) * k + Math.floor(r / units)]!),
      { shape: [k, units] },
    );
    const transposedOnly = sequential([
      flatten(),
      dense(k, units, { kernel: plainT, useBias: false }),
    ]);
    const wrong = predict(transposedOnly, x).data;
    expect(Math.max(...Array.from(wrong, (v, i) => Math.abs(v - ref[i]!)))).toBeGreaterThan(0.1);
  });
  it('rejects shapes that are not conv weights, naming the function and the shape', () => {
    expect(() => fromTorchConvKernel(tensor([1, 2]))).toThrow(ShapeError);
    expect(() => fromTorchConvKernel(tensor([1, 2]))).toThrow(
      /fromTorchConvKernel: weight must be .* got \[2\]/,
    );
    expect(() => nchwToNhwc(tensor([[1]]))).toThrow(/nchwToNhwc: x must be \[N, C, H, W\]/);
    expect(() => fromTorchDenseAfterFlatten(tensor([[1, 2, 3]]), [2, 1, 1])).toThrow(
      /weight must be \[units, 2\].*got \[1,3\]/,
    );
    expect(() => fromTorchDenseAfterFlatten(tensor([[1]]), [0, 1, 1])).toThrow(/chw must be/);
  });
});

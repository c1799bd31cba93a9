// Extreme but finite inputs, against torch 1.13 (values below from it, run
// as noted). Runs on the JS kernels and, in the wasm and threads projects, on
// the WebAssembly ones (the sizes reach their 256-element threshold).
import { describe, expect, it } from 'vitest';
import { logSoftmax } from '../../src/activations/softmax.js';
import { scaledDotProductAttention } from '../../src/ops/attention.js';
import { sum } from '../../src/ops/sum.js';
import { tensor } from '../../src/tensor/create.js';

describe('scaledDotProductAttention with scores beyond 1e10', () => {
  it('gives the value (one key), not NaN', () => {
    // torch: F.softmax of one score is 1, so the output is v = 5
    const q = tensor([[[[2e5, 1500]]]]);
    const k = tensor([[[[2e5, 1]]]]);
    const v = tensor([[[[5]]]]);
    expect(scaledDotProductAttention(q, k, v, { scale: 1 }).toArray()).toEqual([[[[5]]]]);
  });
});

describe('logSoftmax of logits that share an offset of 1e6', () => {
  it('keeps the differences, as torch float32', () => {
    // torch: x[r][c] = float32(1e6 + 3 sin(4r + c)), 64 x 4; log_softmax(x, dim=1)
    const rows = Array.from({ length: 64 }, (_, r) =>
      Array.from({ length: 4 }, (_, c) => 1e6 + 3 * Math.sin(r * 4 + c)),
    );
    const y = logSoftmax(tensor(rows)).toArray() as number[][];
    const want0 = [
      -3.413585662841797, -0.9135855436325073, -0.6635855436325073, -2.976085662841797,
    ];
    const want63 = [
      -1.5520133972167969, -0.4270133376121521, -2.052013397216797, -4.927013397216797,
    ];
    for (let c = 0; c < 4; c++) {
      expect(Math.abs(y[0]![c]! - want0[c]!)).toBeLessThan(1e-5);
      expect(Math.abs(y[63]![c]! - want63[c]!)).toBeLessThan(1e-5);
    }
  });
});

describe('float64 sums of many small terms', () => {
  it('are compensated: 1 + 10^6 terms of 1e-16', () => {
    // math.fsum gives 1.0000000001 (torch 1.13's pairwise sum 1.0000000000999973);
    // a plain loop gives 1 (each term rounds away)
    const x = new Float64Array(1_000_001).fill(1e-16);
    x[0] = 1;
    const s = sum(tensor(x, { dtype: 'float64' })).item();
    expect(s).toBe(1.0000000001);
  });
  it('along an axis too, and keep infinities', () => {
    const rows = [
      [1, 1e-16, 1e-16, 1e-16, 1e-16],
      [Infinity, 1, -1, 0, 0],
    ];
    const s = sum(tensor(rows, { dtype: 'float64' }), { axis: 1 }).toArray();
    expect(s).toEqual([1 + 4e-16, Infinity]);
  });
});

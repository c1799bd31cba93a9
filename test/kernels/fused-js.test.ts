import { describe, it, expect } from 'vitest';
import { biasAddJs, biasAddSlot, colSumJs, colSumSlot } from '../../src/kernels/bias.js';
import { denseForwardJs, denseSlot } from '../../src/kernels/dense.js';
import { adamSlot, adamUpdateJs, sgdSlot, sgdUpdateJs } from '../../src/kernels/optim.js';
import { reluBackwardJs, reluBackwardSlot, reluJs, reluSlot } from '../../src/kernels/relu.js';
import {
  softmaxXentBackwardJs,
  softmaxXentBackwardSlot,
  softmaxXentJs,
  softmaxXentSlot,
} from '../../src/kernels/xent.js';
import { ValueError } from '../../src/_lib/errors.js';
import { expectClose } from '../helpers/expect-close.js';

const adamDefaults = {
  lr: 0.1,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  decoupled: false,
};

describe('JS kernel slots', () => {
  it('default to the JS kernels', () => {
    expect(biasAddSlot.impl).toBe(biasAddJs);
    expect(colSumSlot.impl).toBe(colSumJs);
    expect(reluSlot.impl).toBe(reluJs);
    expect(reluBackwardSlot.impl).toBe(reluBackwardJs);
    expect(softmaxXentSlot.impl).toBe(softmaxXentJs);
    expect(softmaxXentBackwardSlot.impl).toBe(softmaxXentBackwardJs);
    expect(sgdSlot.impl).toBe(sgdUpdateJs);
    expect(adamSlot.impl).toBe(adamUpdateJs);
    expect(denseSlot.impl).toBe(denseForwardJs);
  });
});

describe('biasAddJs / colSumJs', () => {
  it('adds the bias to every row, also in place and in float64', () => {
    const out = new Float32Array(6);
    biasAddJs(new Float32Array([1, 2, 3, 4, 5, 6]), new Float32Array([10, 20, 30]), out, 2, 3);
    expect(Array.from(out)).toEqual([11, 22, 33, 14, 25, 36]);
    const x = new Float64Array([0.1, 0.2]);
    biasAddJs(x, new Float64Array([0.25]), x, 2, 1);
    expect(Array.from(x)).toEqual([0.1 + 0.25, 0.2 + 0.25]);
  });

  it('sums columns, overwriting the output; zero rows give zeros', () => {
    const out = new Float32Array([99, 99]);
    colSumJs(new Float32Array([1, 2, 3, 4, 5, 6]), out, 3, 2); // [1+3+5, 2+4+6]
    expect(Array.from(out)).toEqual([9, 12]);
    colSumJs(new Float32Array(0), out, 0, 2);
    expect(Array.from(out)).toEqual([0, 0]);
  });
});

describe('reluJs / reluBackwardJs', () => {
  it('clamps negatives to zero and keeps NaN', () => {
    const out = new Float64Array(5);
    reluJs(new Float64Array([-2, -0.5, 0, 3, NaN]), out, 5);
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 0, 0, 3]);
    expect(out[4]).toBeNaN();
  });

  it('passes the gradient only where the input is positive (0 at exactly 0)', () => {
    const dx = new Float32Array(4);
    reluBackwardJs(new Float32Array([-1, 0, 1e-30, 4]), new Float32Array([5, 6, 7, 8]), dx, 4);
    expect(Array.from(dx)).toEqual([0, 0, 7, 8]);
  });
});

describe('softmaxXentJs / softmaxXentBackwardJs', () => {
  it('matches the hand-worked softmax and loss', () => {
    // row 0: logits [1,2,3], label 2. exp(x-3) = [e^-2, e^-1, 1] = [0.135335, 0.367879, 1],
    //   sum 1.503214, probs [0.090031, 0.244728, 0.665241], loss = ln 1.503214 = 0.407606
    // row 1: logits [0,0,0], label 0: probs 1/3 each, loss = ln 3 = 1.098612
    const probs = new Float64Array(6);
    const loss = softmaxXentJs(new Float64Array([1, 2, 3, 0, 0, 0]), [2, 0], probs, 2, 3);
    expect(loss).toBeCloseTo((0.407606 + 1.098612) / 2, 5);
    expectClose(probs, [0.090031, 0.244728, 0.665241, 1 / 3, 1 / 3, 1 / 3], { atol: 1e-6 });
    // backward with rows = 2, scale = 1: (probs - onehot) / 2
    const d = new Float64Array(6);
    softmaxXentBackwardJs(probs, [2, 0], d, 2, 3, 1);
    expectClose(d, [0.0450155, 0.122364, -0.1673795, -1 / 3, 1 / 6, 1 / 6], { atol: 1e-6 });
  });

  it('stays finite for huge logits (max subtraction) and gives NaN for zero rows', () => {
    const probs = new Float32Array(2);
    const loss = softmaxXentJs(new Float32Array([1000, 0]), [1], probs, 1, 2);
    expect(loss).toBeCloseTo(1000, 3); // -log softmax = log(1 + e^-1000) + 1000 - 0
    expect(Array.from(probs)).toEqual([1, 0]);
    expect(softmaxXentJs(new Float32Array(0), [], new Float32Array(0), 0, 3)).toBeNaN();
  });

  it('backward scales by the upstream gradient', () => {
    const d = new Float32Array(2);
    softmaxXentBackwardJs(new Float32Array([0.25, 0.75]), [0], d, 1, 2, 2);
    expect(Array.from(d)).toEqual([-1.5, 1.5]); // 2·([0.25, 0.75] − [1, 0])
  });

  it('rejects labels outside [0, cols) and non-integers', () => {
    const p = new Float32Array(4);
    expect(() => softmaxXentJs(new Float32Array(4), [0, 2], p, 2, 2)).toThrow(ValueError);
    expect(() => softmaxXentJs(new Float32Array(4), [0, -1], p, 2, 2)).toThrow(/labels\[1\]/);
    expect(() => {
      softmaxXentBackwardJs(p, [0.5, 1], p, 2, 2, 1);
    }).toThrow(ValueError);
  });
});

describe('sgdUpdateJs', () => {
  it('plain step with weight decay: p -= lr·(g + wd·p)', () => {
    const p = new Float32Array([1]);
    sgdUpdateJs(p, new Float32Array([2]), new Float32Array(0), 1, {
      lr: 0.1,
      momentum: 0,
      weightDecay: 0.5,
      nesterov: false,
    });
    expect(p[0]).toBeCloseTo(0.75, 7); // 1 − 0.1·(2 + 0.5·1)
  });

  it('momentum: buf = μ·buf + g, p -= lr·buf (PyTorch)', () => {
    const p = new Float64Array([1]),
      buf = new Float64Array(1),
      g = new Float64Array([2]);
    const h = { lr: 0.1, momentum: 0.9, weightDecay: 0, nesterov: false };
    sgdUpdateJs(p, g, buf, 1, h); // buf = 2, p = 1 − 0.2 = 0.8
    expect([buf[0], p[0]]).toEqual([2, 0.8]);
    sgdUpdateJs(p, g, buf, 1, h); // buf = 0.9·2 + 2 = 3.8, p = 0.8 − 0.38 = 0.42
    expect(buf[0]).toBeCloseTo(3.8, 12);
    expect(p[0]).toBeCloseTo(0.42, 12);
  });

  it('nesterov: p -= lr·(g + μ·buf)', () => {
    const p = new Float64Array([1]),
      buf = new Float64Array(1);
    sgdUpdateJs(p, new Float64Array([2]), buf, 1, {
      lr: 0.1,
      momentum: 0.9,
      weightDecay: 0,
      nesterov: true,
    });
    // buf = 2, d = 2 + 0.9·2 = 3.8, p = 1 − 0.38
    expect(p[0]).toBeCloseTo(0.62, 12);
  });
});

describe('adamUpdateJs', () => {
  it('first and second step from the formula (constant gradient moves p by lr per step)', () => {
    const p = new Float64Array([1]),
      m = new Float64Array(1),
      v = new Float64Array(1);
    const g = new Float64Array([0.5]);
    // t=1: m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 0.00025; m̂ = 0.5, sqrt(v̂) = 0.5,
    //      p = 1 − 0.1·0.5/(0.5 + 1e-8)
    adamUpdateJs(p, g, m, v, 1, { ...adamDefaults, step: 1 });
    expect(m[0]).toBeCloseTo(0.05, 12);
    expect(v[0]).toBeCloseTo(0.00025, 12);
    expect(p[0]).toBeCloseTo(1 - 0.05 / (0.5 + 1e-8), 12);
    // t=2: m = 0.9·0.05 + 0.05 = 0.095, v = 0.999·0.00025 + 0.00025 = 0.00049975,
    //      m̂ = 0.095/0.19 = 0.5, sqrt(v̂) = sqrt(0.00049975/0.001999) = 0.5
    adamUpdateJs(p, g, m, v, 1, { ...adamDefaults, step: 2 });
    expect(m[0]).toBeCloseTo(0.095, 12);
    expect(v[0]).toBeCloseTo(0.00049975, 12);
    expect(p[0]).toBeCloseTo(0.8, 7);
  });

  it('Adam adds weight decay to the gradient; AdamW shrinks the weight', () => {
    // Adam: g = 0.5 + 0.1·1 = 0.6, m = 0.06, v = 0.00036, p = 1 − 0.1·0.6/(0.6 + 1e-8) ≈ 0.9
    const p = new Float64Array([1]),
      m = new Float64Array(1),
      v = new Float64Array(1);
    adamUpdateJs(p, new Float64Array([0.5]), m, v, 1, {
      ...adamDefaults,
      weightDecay: 0.1,
      step: 1,
    });
    expect(m[0]).toBeCloseTo(0.06, 12);
    expect(v[0]).toBeCloseTo(0.00036, 12);
    expect(p[0]).toBeCloseTo(0.9, 7);
    // AdamW: p = 1·(1 − 0.1·0.1) = 0.99, then the plain step of 0.1: 0.89
    const q = new Float32Array([1]),
      m2 = new Float32Array(1),
      v2 = new Float32Array(1);
    const g = new Float32Array([0.5]);
    adamUpdateJs(q, g, m2, v2, 1, { ...adamDefaults, weightDecay: 0.1, decoupled: true, step: 1 });
    expect(q[0]).toBeCloseTo(0.89, 6);
    expect(m2[0]).toBeCloseTo(0.05, 7);
    expect(g[0]).toBe(0.5); // the gradient is not written
  });
});

describe('denseForwardJs', () => {
  it('computes x·W + b with and without relu', () => {
    // x [2,2] = [[1,2],[3,4]], W [2,3] = [[1,0,-1],[0,1,-1]], b = [0.5, -10, 0]
    // x·W = [[1,2,-3],[3,4,-7]]; + b = [[1.5,-8,-3],[3.5,-6,-7]]
    const x = new Float32Array([1, 2, 3, 4]);
    const w = new Float32Array([1, 0, -1, 0, 1, -1]);
    const b = new Float32Array([0.5, -10, 0]);
    const out = new Float32Array(6);
    denseForwardJs(x, w, b, out, 2, 2, 3, false);
    expect(Array.from(out)).toEqual([1.5, -8, -3, 3.5, -6, -7]);
    denseForwardJs(x, w, b, out, 2, 2, 3, true);
    expect(Array.from(out)).toEqual([1.5, 0, 0, 3.5, 0, 0]);
    denseForwardJs(x, w, null, out, 2, 2, 3, false);
    expect(Array.from(out)).toEqual([1, 2, -3, 3, 4, -7]);
  });

  it('gives one sample bit for bit what the blocked path gives it inside a batch', () => {
    // Below 256 multiply-adds the kernel takes a small path (outputs two at a
    // time, one left over for an odd count); at or above it, the blocked
    // matrix product. Row r of a 300-row batch (blocked) must equal the
    // same row alone (small), for odd and even widths, with and without
    // bias and relu, in float32 and float64.
    let s = 7;
    const next = (): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return (s / 2 ** 32) * 4 - 2;
    };
    const rows = 300;
    for (const F of [Float32Array, Float64Array])
      for (const [inputs, units] of [
        [3, 4],
        [4, 2],
        [3, 1],
        [5, 7],
        [2, 3],
        [7, 6],
      ] as const)
        for (const withBias of [true, false])
          for (const relu of [false, true]) {
            const random = (n: number): Float32Array | Float64Array => new F(n).map(next);
            const x = random(rows * inputs);
            const w = random(inputs * units);
            const b = withBias ? random(units) : null;
            const all = new F(rows * units);
            denseForwardJs(x, w, b, all, rows, inputs, units, relu);
            const one = new F(units);
            for (let r = 0; r < rows; r++) {
              denseForwardJs(
                x.subarray(r * inputs, (r + 1) * inputs),
                w,
                b,
                one,
                1,
                inputs,
                units,
                relu,
              );
              expect(Array.from(one)).toEqual(Array.from(all.subarray(r * units, (r + 1) * units)));
            }
          }
  });
});

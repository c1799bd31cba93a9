// multiHeadAttention's default initialization follows Keras's
// MultiHeadAttention: its kernels are EinsumDense kernels of shapes
// [inputWidth, numHeads, width] (query, key, value) and
// [numHeads, valueDim, outputDim] (output), and Keras's compute_fans for a
// shape [...r, a, b] gives fanIn = a·Πr, fanOut = b·Πr. Glorot uniform then
// draws U(-l, l), l = sqrt(6 / (fanIn + fanOut)), of variance
// l²/3 = 2 / (fanIn + fanOut). (Before, the fans were those of the flattened
// 2-D kernel: 8x the variance for the query kernel below.)
import { describe, expect, it } from 'vitest';
import { glorotUniform, heNormal } from '../../src/init/variance.js';
import {
  multiHeadAttention,
  type AttentionParamName,
} from '../../src/layers/multi-head-attention.js';
import { createRng } from '../../src/random/rng.js';

function variance(d: ArrayLike<number>): number {
  let s = 0,
    s2 = 0;
  for (let i = 0; i < d.length; i++) {
    s += d[i]!;
    s2 += d[i]! * d[i]!;
  }
  const m = s / d.length;
  return s2 / d.length - m * m;
}

// Keras's fans, worked out by hand from the kernel shapes (compute_fans).
// modelDim 96, 4 heads, keyDim 24, valueDim 40, key input 80, value input 48, output 72:
const dims = { keyDim: 24, valueDim: 40, keyInputDim: 80, valueInputDim: 48, outputDim: 72 };
const kerasFans: Partial<Record<AttentionParamName, [number, number]>> = {
  queryKernel: [4 * 96, 24 * 96], // (96, 4, 24)
  keyKernel: [4 * 80, 24 * 80], // (80, 4, 24)
  valueKernel: [4 * 48, 40 * 48], // (48, 4, 40)
  outputKernel: [4 * 40, 72 * 4], // (4, 40, 72)
};

describe('multiHeadAttention default initialization: Keras fans', () => {
  it('the reported case (modelDim 64, 8 heads of 8): variances 2/1024 and 2/576', () => {
    const a = multiHeadAttention(64, 8, { rng: createRng(1) });
    // 4,096 draws each: the sample variance of a uniform is within ~1.4% (one s.e.).
    expect(variance(a.params.queryKernel!.data) / (2 / 1024)).toBeCloseTo(1, 1);
    expect(variance(a.params.outputKernel!.data) / (2 / 576)).toBeCloseTo(1, 1);
  });

  it('every kernel has the Glorot-uniform variance and bound of its Keras fans', () => {
    const a = multiHeadAttention(96, 4, { ...dims, rng: createRng(2) });
    for (const [name, [fanIn, fanOut]] of Object.entries(kerasFans) as [
      AttentionParamName,
      [number, number],
    ][]) {
      const w = a.params[name]!.data;
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      // 7,680 to 11,520 draws: the variance within 5% (about 5 standard errors) ...
      const ratio = variance(w) / (2 / (fanIn + fanOut));
      expect(ratio, name).toBeGreaterThan(0.95);
      expect(ratio, name).toBeLessThan(1.05);
      // ... and the draws fill U(-l, l): the largest |w| is within 1% of l.
      let max = 0;
      for (let i = 0; i < w.length; i++) max = Math.max(max, Math.abs(w[i]!));
      expect(max, name).toBeLessThanOrEqual(limit * (1 + 1e-6));
      expect(max, name).toBeGreaterThan(limit * 0.99);
    }
  });

  it('draws in the same order from the same stream; only the scale follows the fans', () => {
    // The reference: each parameter in turn from one stream, with Keras's fans, in the
    // flattened layout. A fan-dependent bias initializer shows the bias fans too
    // (Keras's bias shapes: [numHeads, width], and [outputDim] for the output).
    const kernel = glorotUniform();
    const bias = heNormal();
    const a = multiHeadAttention(96, 4, {
      ...dims,
      kernelInitializer: kernel,
      biasInitializer: bias,
      rng: createRng(3),
    });
    const rng = createRng(3);
    const ref: [AttentionParamName, number[], [number, number], boolean][] = [
      ['queryKernel', [96, 96], kerasFans.queryKernel!, false],
      ['queryBias', [96], [4, 24], true],
      ['keyKernel', [80, 96], kerasFans.keyKernel!, false],
      ['keyBias', [96], [4, 24], true],
      ['valueKernel', [48, 160], kerasFans.valueKernel!, false],
      ['valueBias', [160], [4, 40], true],
      ['outputKernel', [160, 72], kerasFans.outputKernel!, false],
      ['outputBias', [72], [72, 72], true],
    ];
    for (const [name, shape, [fanIn, fanOut], isBias] of ref) {
      const want = (isBias ? bias : kernel).init(shape, { rng, fanIn, fanOut });
      expect(a.params[name]!.shape, name).toEqual(shape);
      expect(Array.from(a.params[name]!.data), name).toEqual(Array.from(want.data));
    }
  });
});

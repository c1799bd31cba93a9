import { describe, expect, it } from 'vitest';
import { identity } from '../../src/activations/identity.js';
import { tanh } from '../../src/activations/tanh.js';
import { bidirectional } from '../../src/layers/bidirectional.js';
import { conv2dTranspose } from '../../src/layers/conv2d-transpose.js';
import { dense } from '../../src/layers/dense.js';
import { embedding } from '../../src/layers/embedding.js';
import { flatten } from '../../src/layers/flatten.js';
import { gru } from '../../src/layers/gru.js';
import { layerNorm } from '../../src/layers/layer-norm.js';
import { lstm } from '../../src/layers/lstm.js';
import { masking } from '../../src/layers/masking.js';
import { simpleRnn } from '../../src/layers/simple-rnn.js';
import { timeDistributed } from '../../src/layers/time-distributed.js';
import { upSampling2d } from '../../src/layers/up-sampling.js';
import { input } from '../../src/layers/symbolic.js';
import { graph } from '../../src/models/graph.js';
import type { Layer } from '../../src/layers/layer.js';
import { sequential } from '../../src/models/sequential.js';
import { predict } from '../../src/models/predict.js';
import { createRng } from '../../src/random/rng.js';
import { randomNormal, tensor } from '../../src/tensor/create.js';
import { lrp } from '../../src/explain/lrp.js';
import { integratedGradients } from '../../src/explain/gradients.js';
import {
  alphaBetaRule,
  epsilonGammaBox,
  epsilonRule,
  gammaRule,
  identityRule,
  zBRule,
  zeroRule,
} from '../../src/explain/rules.js';
import { expectClose } from '../helpers/expect-close.js';

const f64 = { dtype: 'float64' } as const;

describe('lrp through layer normalization (the LN-rule: 1/σ held fixed)', () => {
  // x = (1, 3): μ = 2, σ = 1 (epsilon 0), x̂ = (−1, 1). As a linear map with σ fixed,
  // y_j = Σ_k x_k·w_kj + β_j, w_kj = (γ_j/σ)(δ_kj − 1/2).
  // Output weighting (1, 2): the seeded relevance is y ⊙ (1, 2).
  const ln = (gamma: number[], beta: number[]) =>
    sequential([layerNorm(2, { epsilon: 0, gamma, beta, ...f64, name: 'ln' })]);

  it('LRP-0, γ = 1, β = 0: hand-worked values, conserved exactly', () => {
    // y = (−1, 1), R_y = (−1, 2). Contributions to y_0: x_0·½ = 0.5, x_1·(−½) = −1.5 (z_0 = −1);
    // to y_1: −0.5 and 1.5 (z_1 = 1).
    // R_x0 = 0.5/(−1)·(−1) + (−0.5)/1·2 = −0.5; R_x1 = (−1.5)/(−1)·(−1) + 1.5/1·2 = 1.5.
    const r = lrp(ln([1, 1], [0, 0]), [[1, 3]], { outputWeights: [1, 2], rules: zeroRule() });
    expectClose(r.relevance, [[-0.5, 1.5]], { atol: 1e-12 });
    expect(r.conservation.input[0]).toBeCloseTo(r.conservation.output[0]!, 12);
  });

  it('β takes its share; identity passes relevance through', () => {
    // γ = (2, 1), β = (1, 0): y_0 = 2·(−1) + 1 = −1, y_1 = 1, R_y = (−1, 2).
    // y_0: contributions x_0·2·½ = 1, x_1·2·(−½) = −3, bias 1 (z_0 = −1); y_1: −0.5, 1.5 (z_1 = 1).
    // R_x0 = 1/(−1)·(−1) + (−0.5)·2 = 0; R_x1 = (−3)/(−1)·(−1) + 1.5·2 = 0: the bias keeps all 1.
    const m = ln([2, 1], [1, 0]);
    const r = lrp(m, [[1, 3]], { outputWeights: [1, 2], rules: zeroRule() });
    expectClose(r.relevance, [[0, 0]], { atol: 1e-12 });
    expectClose(r.conservation.output, [1], { atol: 1e-12 });
    const id = lrp(m, [[1, 3]], { outputWeights: [1, 2], rules: identityRule() });
    expectClose(id.relevance, [[-1, 2]], { atol: 1e-12 });
    // The composites treat it as a normalization layer: the identity rule.
    const c = lrp(m, [[1, 3]], { outputWeights: [1, 2], rules: epsilonGammaBox() });
    expect(c.conservation.layers.map((l) => l.rule)).toEqual(['identity']);
    expect(() => lrp(m, [[1, 3]], { rules: gammaRule() })).toThrow(
      'lrp: layer "ln" (layerNorm) has no relevance rule "gamma"; it supports identity, zero, epsilon',
    );
  });

  it('normalizes each step of a sequence on its own; conserved without β', () => {
    const rng = createRng(3);
    const m = sequential([
      layerNorm(4, { center: false, gamma: [1.5, 0.5, 2, 1], epsilon: 1e-3, ...f64 }),
      flatten(),
      dense(12, 1, { useBias: false, rng, ...f64 }),
    ]);
    const x = randomNormal([2, 3, 4], { rng, dtype: 'float64' });
    const r = lrp(m, x, { rules: zeroRule() });
    expect(r.relevance.shape).toEqual([2, 3, 4]);
    expectClose(r.conservation.input, r.conservation.output, { atol: 1e-9 });
  });
});

describe('lrp through conv2dTranspose (a linear map: the linear rules)', () => {
  it('hand-worked LRP-0 and LRP-ε on a 1×2 kernel', () => {
    // x = (1, 2) on a 1×2 row, kernel (1, 3), stride 1, valid: the output is 1×3,
    // o = (x0·1, x0·3 + x1·1, x1·3) = (1, 5, 6) (checked below through predict).
    // Weighting (1, 1, 1): R_o = o. LRP-0: R_x0 = 1 + 3/5·5 = 4, R_x1 = 2/5·5 + 6 = 8 (Σ 12).
    // LRP-ε, ε = 1: R_x0 = 1/2·1 + 3/6·5 = 3, R_x1 = 2/6·5 + 6/7·6 = 5/3 + 36/7.
    const m = sequential([
      conv2dTranspose(1, 1, [1, 2], { kernel: [[[[1]], [[3]]]], useBias: false, ...f64 }),
    ]);
    const x = tensor([1, 2], { shape: [1, 1, 2, 1], dtype: 'float64' });
    expectClose(predict(m, x), [[[[1], [5], [6]]]], { atol: 1e-12 });
    const w = [1, 1, 1];
    expectClose(lrp(m, x, { outputWeights: w, rules: zeroRule() }).relevance, [[[[4], [8]]]], {
      atol: 1e-12,
    });
    expectClose(
      lrp(m, x, { outputWeights: w, rules: epsilonRule(1) }).relevance,
      [[[[3], [5 / 3 + 36 / 7]]]],
      { atol: 1e-12 },
    );
  });

  it('every linear rule equals that of the dense layer of the same matrix', () => {
    // The transposed convolution's matrix, read off by feeding it the unit vectors;
    // flatten + dense with that matrix (and the bias per output element) is the same map.
    const rng = createRng(11);
    const layer = conv2dTranspose(2, 3, 3, { strides: 2, padding: 'same', rng, ...f64 });
    const b = tensor([0.3, -0.2, 0.1], { dtype: 'float64' });
    layer.bias!.data.set(b.data);
    const model = sequential([layer]);
    const inShape = [2, 2, 2];
    const nIn = 8;
    const eye = tensor(
      Array.from({ length: nIn * nIn }, (_, i) => (i % (nIn + 1) === 0 ? 1 : 0)),
      { shape: [nIn, ...inShape], dtype: 'float64' },
    );
    const zero = predict(model, tensor(new Float64Array(nIn), { shape: [1, ...inShape] }));
    const cols = predict(model, eye);
    const nOut = zero.size;
    const kernel: number[][] = [];
    for (let i = 0; i < nIn; i++)
      kernel.push(Array.from({ length: nOut }, (_, j) => cols.data[i * nOut + j]! - zero.data[j]!));
    const dense1 = sequential([
      flatten(),
      dense(nIn, nOut, { kernel, bias: Array.from(zero.data), ...f64 }),
    ]);
    const x = randomNormal([2, ...inShape], { rng, dtype: 'float64' });
    const weights = Array.from({ length: nOut }, (_, j) => Math.sin(j + 1));
    for (const rule of [
      zeroRule(),
      epsilonRule(0.1),
      gammaRule(0.25),
      alphaBetaRule(2, 1),
      zBRule(-1, 1),
    ]) {
      const a = lrp(model, x, { outputWeights: weights, rules: rule });
      const d = lrp(dense1, x, { outputWeights: weights, rules: rule });
      expectClose(a.relevance, d.relevance, { atol: 1e-10 });
    }
    // Without a bias, LRP-0 conserves exactly.
    layer.bias!.data.fill(0);
    const c = lrp(model, x, { outputWeights: weights, rules: zeroRule() });
    expectClose(c.conservation.input, c.conservation.output, { atol: 1e-10 });
  });
});

describe('lrp through upSampling2d', () => {
  it('bilinear: each output split in proportion to its taps', () => {
    // x = (1, 2), size [1, 2]: o = (1, 0.75·1 + 0.25·2, 0.25·1 + 0.75·2, 2) = (1, 1.25, 1.75, 2).
    // Weighting (0, 1, 0, 1): R_o = (0, 1.25, 0, 2). R_x0 = 0.75/1.25·1.25 = 0.75;
    // R_x1 = 0.5/1.25·1.25 + 2 = 2.5 (Σ 3.25, conserved).
    const m = sequential([upSampling2d([1, 2], { interpolation: 'bilinear' })]);
    const x = tensor([1, 2], { shape: [1, 1, 2, 1], dtype: 'float64' });
    const r = lrp(m, x, { outputWeights: [0, 1, 0, 1], rules: zeroRule() });
    expectClose(r.relevance, [[[[0.75], [2.5]]]], { atol: 1e-12 });
    expect(r.conservation.input[0]).toBeCloseTo(3.25, 12);
  });

  it('nearest: each input gets the sum of its copies; both conserve on a larger map', () => {
    // x = (1, 2), size [1, 2]: o = (1, 1, 2, 2); weighting (1, 2, 3, 4): R_o = (1, 2, 6, 8).
    const near = sequential([upSampling2d([1, 2])]);
    const x = tensor([1, 2], { shape: [1, 1, 2, 1], dtype: 'float64' });
    expectClose(lrp(near, x, { outputWeights: [1, 2, 3, 4] }).relevance, [[[[3], [14]]]], {
      atol: 1e-12,
    });
    const rng = createRng(5);
    const big = randomNormal([2, 3, 4, 2], { rng, dtype: 'float64' });
    for (const interpolation of ['nearest', 'bilinear'] as const) {
      const m = sequential([upSampling2d([2, 3], { interpolation })]);
      const r = lrp(m, big, { outputWeights: new Array(6 * 12 * 2).fill(1), rules: zeroRule() });
      expect(r.relevance.shape).toEqual([2, 3, 4, 2]);
      expectClose(r.conservation.input, r.conservation.output, { atol: 1e-9 });
    }
  });
});

describe('lrp through an embedding (token ids)', () => {
  it('gives each id position the sum of its vector’s relevance', () => {
    // ids (1, 2) look up (1, 2) and (3, −1); dense of ones, no bias: y = 5.
    // LRP-0 hands each vector element its own value: position 0 gets 1 + 2 = 3, position 1 gets 3 − 1 = 2.
    const m = sequential([
      embedding(3, 2, {
        embeddings: [
          [0, 0],
          [1, 2],
          [3, -1],
        ],
        ...f64,
      }),
      flatten(),
      dense(4, 1, { kernel: [[1], [1], [1], [1]], useBias: false, ...f64 }),
    ]);
    const ids = tensor([[1, 2]], { dtype: 'int32' });
    const r = lrp(m, ids, { rules: zeroRule() });
    expect(r.relevance.shape).toEqual([1, 2]);
    expectClose(r.relevance, [[3, 2]], { atol: 1e-12 });
    // The composite's zB at the input goes to the embedding, which takes any rule.
    // (the dense layer's ε = 1e-6 absorbs 5·1e-6/(5 + 1e-6) of the 5)
    expectClose(lrp(m, ids, { rules: epsilonGammaBox() }).relevance, [[3, 2]], { atol: 1e-5 });
    // Gradient attributions still refuse integer ids.
    expect(() => integratedGradients(m, ids)).toThrow(
      'integratedGradients: x must hold float values',
    );
  });
});

// The recurrent cells, the rules of Arras et al. 2017: gates pass nothing, the signal path
// takes LRP-0/ε. One feature, one unit, two steps, x = (1, 2), no biases, identity
// activations, so every number is exact.
describe('lrp through recurrent layers (Arras et al. 2017)', () => {
  const x = tensor([1, 2], { shape: [1, 2, 1], dtype: 'float64' });
  const lin = { activation: identity, useBias: false, ...f64 } as const;

  it('simpleRnn: the linear rule over [x_t, h_{t−1}] back through time', () => {
    // w = 2, u = 0.5: h1 = 2, h2 = 2·2 + 0.5·2 = 5 = y.
    // Step 2: contributions 4 and 1: R_x2 = 4, R_h1 = 1. Step 1: h0 = 0, R_x1 = 1.
    const m = sequential([simpleRnn(1, 1, { ...lin, kernel: [[2]], recurrentKernel: [[0.5]] })]);
    const r = lrp(m, x, { rules: zeroRule() });
    expectClose(r.relevance, [[[1], [4]]], { atol: 1e-12 });
    // tanh passes relevance through: y = tanh(4 + 0.5·tanh 2), R_x2 = 4/(4 + 0.5·tanh 2)·y.
    const t = sequential([
      simpleRnn(1, 1, { ...lin, activation: tanh, kernel: [[2]], recurrentKernel: [[0.5]] }),
    ]);
    const h1 = Math.tanh(2);
    const z2 = 4 + 0.5 * h1;
    const y = Math.tanh(z2);
    expectClose(
      lrp(t, x, { rules: zeroRule() }).relevance,
      [[[((0.5 * h1) / z2) * y], [(4 / z2) * y]]],
      { atol: 1e-12 },
    );
  });

  it('lstm: all of h to c, c split between f·c₋₁ and i·g, g by the linear rule', () => {
    // Gates (i, f, g, o): W = (0.5, 0.5, 1, 1), U = (0, 0, 1, 0), identity activations.
    // t1: i = f = 0.5, g = 1, o = 1: c1 = 0.5, h1 = 0.5.
    // t2: i = f = 1, g = 2 + 0.5 = 2.5, o = 2: c2 = 0.5 + 2.5 = 3, h2 = 6 = y.
    // R_c2 = 6 → R_c1 = 0.5/3·6 = 1, R_g2 = 2.5/3·6 = 5 → R_x2 = 2/2.5·5 = 4, R_h1 = 0.5/2.5·5 = 1.
    // t1: R_c1 = 1 + 1 = 2 → f·c0 = 0, i·g = 0.5 takes all: R_g1 = 2 → R_x1 = 2. Σ = 6.
    const m = sequential([
      lstm(1, 1, {
        ...lin,
        recurrentActivation: identity,
        kernel: [[0.5, 0.5, 1, 1]],
        recurrentKernel: [[0, 0, 1, 0]],
      }),
    ]);
    expectClose(predict(m, x), [[6]], { atol: 1e-12 });
    const r = lrp(m, x, { rules: zeroRule() });
    expectClose(r.relevance, [[[2], [4]]], { atol: 1e-12 });
    expect(r.conservation.input[0]).toBeCloseTo(6, 12);
  });

  it.each([true, false])(
    'gru (resetAfter %s): h split between z·h₋₁ and (1 − z)·h̃',
    (resetAfter) => {
      // Gates (z, r, h̃): W = (0.25, 1, 1), U = (0, 0, 1), identity activations.
      // t1: z = 0.25, r = 1, h̃ = 1: h1 = 0.75. t2: z = 0.5, r = 2, h̃ = 2 + 2·0.75 = 3.5:
      // h2 = 0.5·0.75 + 0.5·3.5 = 2.125 = y (the same with the reset before or after U).
      // R_h2 = 2.125 → z·h1 = 0.375 to h1, (1 − z)·h̃ = 1.75 to h̃; h̃ = 2 (x) + 1.5 (r·h1·u):
      // R_x2 = 2/3.5·1.75 = 1, R_h1 = 0.375 + 1.5/3.5·1.75 = 1.125, all of it to h̃1 and x1.
      const m = sequential([
        gru(1, 1, {
          ...lin,
          resetAfter,
          recurrentActivation: identity,
          kernel: [[0.25, 1, 1]],
          recurrentKernel: [[0, 0, 1]],
        }),
      ]);
      expectClose(predict(m, x), [[2.125]], { atol: 1e-12 });
      expectClose(lrp(m, x, { rules: zeroRule() }).relevance, [[[1.125], [1]]], { atol: 1e-12 });
    },
  );

  it('conserves relevance exactly without biases under LRP-0 (last state and sequences)', () => {
    const rng = createRng(8);
    const xs = randomNormal([3, 5, 2], { rng, dtype: 'float64' });
    const cells: [string, (o: object) => Layer][] = [
      ['simpleRnn', (o) => simpleRnn(2, 3, { useBias: false, rng, ...f64, ...o })],
      ['lstm', (o) => lstm(2, 3, { useBias: false, rng, ...f64, ...o })],
      ['gru', (o) => gru(2, 3, { useBias: false, rng, ...f64, ...o })],
      ['gru', (o) => gru(2, 3, { useBias: false, resetAfter: false, rng, ...f64, ...o })],
    ];
    for (const [, make] of cells)
      for (const returnSequences of [false, true]) {
        const m = sequential([
          make({ returnSequences }),
          flatten(),
          dense(returnSequences ? 15 : 3, 1, { useBias: false, rng, ...f64 }),
        ]);
        const r = lrp(m, xs, { rules: zeroRule() });
        expect(r.relevance.shape).toEqual([3, 5, 2]);
        expectClose(r.conservation.input, r.conservation.output, { atol: 1e-9 });
        // A large ε stabilizes small denominators instead of dividing by them: still finite.
        const e = lrp(m, xs, { rules: epsilonRule(0.5) });
        expect(e.relevance.data.every(Number.isFinite)).toBe(true);
      }
  });

  it('an initial state computed from the input gets its share (initialState)', () => {
    // h0 = dense(flatten(x)) with kernel (1, 1): h0 = 1 + 2 = 3; the rnn w = 2, u = 0.5:
    // h1 = 2 + 1.5 = 3.5, h2 = 4 + 1.75 = 5.75 = y.
    // Step 2: R_x2 = 4, R_h1 = 1.75. Step 1: contributions 2 and 1.5 of 3.5: R_x1 = 1, R_h0 = 0.75.
    // The dense layer splits R_h0 = 0.75 as 1 : 2 over x: (0.25, 0.5). R_x = (1.25, 4.5), Σ 5.75.
    const xi = input([2, 1], f64);
    const h0 = dense(2, 1, { kernel: [[1], [1]], useBias: false, ...f64 }).apply(
      flatten().apply(xi),
    );
    const y = simpleRnn(1, 1, {
      ...lin,
      initialState: true,
      kernel: [[2]],
      recurrentKernel: [[0.5]],
    }).apply([xi, h0]);
    const m = graph({ inputs: xi, outputs: y });
    expectClose(predict(m, x), [[5.75]], { atol: 1e-12 });
    expectClose(lrp(m, x, { rules: zeroRule() }).relevance, [[[1.25], [4.5]]], { atol: 1e-12 });
  });

  it('masked steps (embedding with maskZero) get no relevance; the state carries it past them', () => {
    const rng = createRng(9);
    const m = sequential([
      embedding(5, 2, { maskZero: true, rng, ...f64 }),
      lstm(2, 3, { useBias: false, rng, ...f64 }),
      dense(3, 1, { useBias: false, rng, ...f64 }),
    ]);
    const ids = tensor([[3, 0, 2, 0]], { dtype: 'int32' });
    const r = lrp(m, ids, { rules: zeroRule() });
    expect(r.relevance.data[1]).toBe(0);
    expect(r.relevance.data[3]).toBe(0);
    expectClose(r.conservation.input, r.conservation.output, { atol: 1e-9 });
  });

  it('masking: a masked step gets nothing and the state carries relevance past it', () => {
    // x = (1, 0, 2), the 0 step masked: h1 = 2, h2 = h1, h3 = 4 + 0.5·2 = 5, R = (1, 0, 4).
    const m = sequential([
      masking(),
      simpleRnn(1, 1, { ...lin, kernel: [[2]], recurrentKernel: [[0.5]] }),
    ]);
    const x3 = tensor([1, 0, 2], { shape: [1, 3, 1], dtype: 'float64' });
    expectClose(lrp(m, x3, { rules: zeroRule() }).relevance, [[[1], [0], [4]]], { atol: 1e-12 });
  });

  it('a recurrent layer at the input takes LRP-ε from the composites (it has no zB)', () => {
    const m = sequential([simpleRnn(1, 1, { ...lin, kernel: [[2]], recurrentKernel: [[0.5]] })]);
    const r = lrp(m, x, { rules: epsilonGammaBox() });
    expect(r.conservation.layers.map((l) => l.rule)).toEqual(['epsilon']);
  });

  it('rules it lacks, and stateful layers, are clear errors', () => {
    const m = sequential([lstm(1, 2, { name: 'l', ...f64 })]);
    expect(() => lrp(m, x, { rules: alphaBetaRule() })).toThrow(
      'lrp: layer "l" (lstm) has no relevance rule "alphaBeta"; it supports zero, epsilon',
    );
    const s = sequential([lstm(1, 2, { name: 's', stateful: true, batchSize: 1, ...f64 })]);
    expect(() => lrp(s, x)).toThrow(
      'lrp: layer "s" (lstm) is stateful, and stateful layers are not supported',
    );
  });
});

describe('lrp through the wrappers', () => {
  const x = tensor([1, 2], { shape: [1, 2, 1], dtype: 'float64' });
  const rnn = () =>
    simpleRnn(1, 1, {
      activation: identity,
      useBias: false,
      kernel: [[2]],
      recurrentKernel: [[0.5]],
      ...f64,
    });

  it.each(['concat', 'sum', 'ave'] as const)(
    'bidirectional (%s): each direction’s share through its own layer',
    (mergeMode) => {
      // Forward on (1, 2): y_f = 5, R_x = (1, 4) (the simpleRnn case above).
      // Backward on the reversed (2, 1): h1 = 4, h2 = 2 + 0.5·4 = 4 = y_b; step 2: R_x = 2, R_h1 = 2;
      // step 1: R_x = 2. Back in input order: (2, 2). Concatenated (weights 1, 1), summed
      // (y = 9: shares 5/9 and 4/9 of 9) or averaged (4.5: shares of 4.5): (3, 6), (3, 6), (1.5, 3).
      const m = sequential([bidirectional(rnn(), { mergeMode, backwardLayer: rnn() })]);
      const w = mergeMode === 'concat' ? [1, 1] : [1];
      const r = lrp(m, x, { outputWeights: w, rules: zeroRule() });
      const k = mergeMode === 'ave' ? 0.5 : 1;
      expectClose(r.relevance, [[[3 * k], [6 * k]]], { atol: 1e-12 });
    },
  );

  it('bidirectional lstm sequences conserve; a product merge has no rule', () => {
    const rng = createRng(4);
    const xs = randomNormal([2, 4, 2], { rng, dtype: 'float64' });
    const m = sequential([
      bidirectional(() => lstm(2, 3, { useBias: false, returnSequences: true, rng, ...f64 })),
      flatten(),
      dense(24, 1, { useBias: false, rng, ...f64 }),
    ]);
    const r = lrp(m, xs, { rules: zeroRule() });
    expectClose(r.conservation.input, r.conservation.output, { atol: 1e-9 });
    const mul = sequential([
      bidirectional(() => lstm(2, 3, { rng, ...f64 }), { mergeMode: 'mul', name: 'bi' }),
    ]);
    expect(() => lrp(mul, xs)).toThrow(
      'lrp: layer "bi" (bidirectional) has no relevance rule "epsilon"; it supports none',
    );
  });

  it('timeDistributed delegates to the wrapped layer at every step', () => {
    // dense (1, 3), no bias, on steps (2, 1) and (1, 1): y = (5, 4); LRP-0 gives (2, 3) and (1, 3).
    const m = sequential([
      timeDistributed(dense(2, 1, { kernel: [[1], [3]], useBias: false, ...f64 }), {
        name: 'td',
      }),
    ]);
    const xs = tensor([2, 1, 1, 1], { shape: [1, 2, 2], dtype: 'float64' });
    const r = lrp(m, xs, { outputWeights: [1, 1], rules: zeroRule() });
    expectClose(
      r.relevance,
      [
        [
          [2, 3],
          [1, 3],
        ],
      ],
      { atol: 1e-12 },
    );
    // The wrapped layer's rules and family: dense, so zB at the input under the composite.
    const c = lrp(m, xs, { outputWeights: [1, 1], rules: epsilonGammaBox() });
    expect(c.conservation.layers.map((l) => l.rule)).toEqual(['zB']);
    expect(() => lrp(m, xs, { rules: identityRule() })).toThrow(
      'lrp: layer "td" (timeDistributed) has no relevance rule "identity"; it supports zero, epsilon, gamma, alphaBeta, zB',
    );
  });
});

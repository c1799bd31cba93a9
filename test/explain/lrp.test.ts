import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { tanh } from '../../src/activations/tanh.js';
import { ValueError } from '../../src/_lib/errors.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { flatten } from '../../src/layers/flatten.js';
import { activation } from '../../src/layers/activation.js';
import { addLayer, concatenateLayer, multiplyLayer } from '../../src/layers/merge.js';
import { reshapeLayer } from '../../src/layers/reshape.js';
import { positionEmbedding } from '../../src/layers/positional.js';
import { input } from '../../src/layers/symbolic.js';
import { graph } from '../../src/models/graph.js';
import { sequential } from '../../src/models/sequential.js';
import { predict } from '../../src/models/predict.js';
import { createRng } from '../../src/random/rng.js';
import { randomNormal } from '../../src/tensor/create.js';
import { lrp } from '../../src/explain/lrp.js';
import { gradientTimesInput } from '../../src/explain/gradients.js';
import {
  alphaBetaRule,
  epsilonGammaBox,
  epsilonPlus,
  epsilonRule,
  gammaRule,
  lrpEpsilon,
  proportionalRule,
  winnerTakeAllRule,
  zBRule,
  zPlusRule,
  zeroRule,
} from '../../src/explain/rules.js';
import { expectClose } from '../helpers/expect-close.js';

// The hand-worked network (float64 so that the known values hold to 1e-12):
//   x = (1, 2)
//   layer "dense":   W1 = [[1, -1], [2, 1]], b1 = (0.5, -0.5), relu
//                    z1 = (1 + 4 + 0.5, -1 + 2 - 0.5) = (5.5, 0.5) = h
//   layer "dense_1": W2 = [[1], [-2]], b2 = (1)
//                    y = 5.5 - 1 + 1 = 5.5, the seeded relevance
function handNet() {
  return sequential([
    dense(2, 2, {
      activation: relu,
      kernel: [
        [1, -1],
        [2, 1],
      ],
      bias: [0.5, -0.5],
      dtype: 'float64',
    }),
    dense(2, 1, { kernel: [[1], [-2]], bias: [1], dtype: 'float64' }),
  ]);
}
const X = [[1, 2]];

describe('lrp known values on a two-layer dense network', () => {
  it('LRP-0', () => {
    // Layer 2: contributions h·w = (5.5, -1), z = 5.5 → R_h = (5.5, -1)·5.5/5.5 = (5.5, -1).
    // Layer 1, unit 0: contributions x·w = (1, 4), z = 5.5, R = 5.5 → (1, 4).
    //          unit 1: contributions (-1, 2), z = 0.5, R = -1 → (-1, 2)·(-1)/0.5 = (2, -4).
    // R_x = (3, 0).
    const r = lrp(handNet(), X, { rules: zeroRule() });
    expectClose(r.relevance, [[3, 0]], { atol: 1e-12 });
    expectClose(r.output, [[5.5]], { atol: 1e-12 });
    expect(r.conservation.output).toEqual([5.5]);
    expectClose(r.conservation.input, [3], { atol: 1e-12 });
    expect(r.conservation.layers.map((l) => [l.layer, l.rule])).toEqual([
      ['dense', 'zero'],
      ['dense_1', 'zero'],
    ]);
    expectClose(
      r.conservation.layers.map((l) => [l.output, l.input]),
      [
        [4.5, 3],
        [5.5, 4.5],
      ],
      { atol: 1e-12 },
    );
  });

  it('LRP-ε (ε = 0.5)', () => {
    // Layer 2: denominator 5.5 + 0.5 = 6: R_h = (5.5, -1)·5.5/6.
    // Layer 1, unit 0: denominator 6: (1, 4)·R_h0/6; unit 1: denominator 1: (-1, 2)·R_h1/1.
    const rh = [(5.5 * 5.5) / 6, (-1 * 5.5) / 6];
    const want = [(1 * rh[0]!) / 6 + -1 * rh[1]!, (4 * rh[0]!) / 6 + 2 * rh[1]!];
    expectClose(lrp(handNet(), X, { rules: epsilonRule(0.5) }).relevance, [want], {
      atol: 1e-12,
    });
  });

  it('LRP-γ (γ = 0.5)', () => {
    // Layer 2: w' = (1 + 0.5, -2), b' = 1 + 0.5: contributions (8.25, -1), z' = 8.75.
    // Layer 1: W1' = [[1.5, -1], [3, 1.5]], b1' = (0.75, -0.5):
    //   unit 0: contributions (1.5, 6), z' = 8.25; unit 1: (-1, 3), z' = 1.5.
    const rh = [(8.25 * 5.5) / 8.75, (-1 * 5.5) / 8.75];
    const want = [
      (1.5 * rh[0]!) / 8.25 + (-1 * rh[1]!) / 1.5,
      (6 * rh[0]!) / 8.25 + (3 * rh[1]!) / 1.5,
    ];
    expectClose(lrp(handNet(), X, { rules: gammaRule(0.5) }).relevance, [want], { atol: 1e-12 });
  });

  it('LRP-αβ (α = 2, β = 1) and z⁺', () => {
    // Layer 2: contributions (5.5, -1), bias +1: z⁺ = 6.5, z⁻ = -1.
    //   R_h0 = 2·(5.5/6.5)·5.5, R_h1 = -1·(-1/-1)·5.5 = -5.5.
    // Layer 1, unit 0: contributions (1, 4), bias 0.5: z⁺ = 5.5, no negative part:
    //   (1, 4)·2·R_h0/5.5.
    //   unit 1: contributions (-1, 2), bias -0.5: z⁺ = 2, z⁻ = -1.5:
    //   2·(0, 2)/2·R_h1 − 1·(-1, 0)/(-1.5)·R_h1.
    const rh0 = 2 * (5.5 / 6.5) * 5.5;
    const rh1 = -5.5;
    const want = [(2 * rh0) / 5.5 - rh1 / 1.5, (8 * rh0) / 5.5 + 2 * rh1];
    expectClose(lrp(handNet(), X, { rules: alphaBetaRule(2, 1) }).relevance, [want], {
      atol: 1e-12,
    });
    // z⁺ (α = 1, β = 0): layer 2 gives R_h = (5.5/6.5·5.5, 0); layer 1 unit 0: (1, 4)·R_h0/5.5.
    const zp = (5.5 / 6.5) * 5.5;
    expectClose(lrp(handNet(), X, { rules: zPlusRule() }).relevance, [[zp / 5.5, (4 * zp) / 5.5]], {
      atol: 1e-12,
    });
  });

  it('zB at the input (bounds 0 and 3), LRP-0 above, assigned by layer name', () => {
    // Layer 2 (LRP-0): R_h = (5.5, -1) as above.
    // Layer 1, unit 0: w = (1, 2), all positive: contributions x·w − 0·w⁺ − 3·w⁻ = (1, 4), z = 5:
    //   (1, 4)·5.5/5 = (1.1, 4.4).
    //   unit 1: w = (-1, 1): contributions (−1 + 3, 2 − 0) = (2, 2), z = 4: (2, 2)·(−1)/4.
    // R_x = (1.1 − 0.5, 4.4 − 0.5) = (0.6, 3.9).
    const r = lrp(handNet(), X, { rules: zeroRule(), layerRules: { dense: zBRule(0, 3) } });
    expectClose(r.relevance, [[0.6, 3.9]], { atol: 1e-12 });
    expect(r.conservation.layers.map((l) => l.rule)).toEqual(['zB', 'zero']);
  });

  it('composites choose by the declared family and the input position', () => {
    const model = sequential([flatten(), dense(4, 3, { activation: relu }), dense(3, 2)]);
    const x = [
      [
        [0.1, 0.5],
        [0.9, 0.2],
      ],
    ];
    expect(
      lrp(model, x, { rules: epsilonGammaBox() }).conservation.layers.map((l) => l.rule),
    ).toEqual(['epsilon', 'zB', 'epsilon']); // flatten takes any rule; the first dense is at the input
    expect(lrp(model, x, { rules: epsilonPlus() }).conservation.layers.map((l) => l.rule)).toEqual([
      'epsilon',
      'zB',
      'epsilon',
    ]);
    expect(
      lrp(model, x, { rules: lrpEpsilon(0.1) }).conservation.layers.map((l) => l.rule),
    ).toEqual(['epsilon', 'epsilon', 'epsilon']);
    const seen: string[] = [];
    lrp(model, x, {
      rules: (l) => {
        seen.push(`${l.name}:${l.family}:${String(l.atInput)}:${l.rules?.length ?? 'any'}`);
        return zeroRule();
      },
    });
    expect(seen).toEqual([
      'dense_1:dense:false:5',
      'dense:dense:true:5',
      'flatten:passthrough:false:any',
    ]);
  });

  it('targets: a class, one per row, a weighting, and the default (argmax)', () => {
    const model = sequential([
      dense(2, 2, {
        kernel: [
          [1, 0],
          [0, 2],
        ],
        useBias: false,
        dtype: 'float64',
      }),
    ]);
    // y = (x0, 2·x1): rows (3, 1) → y (3, 2), argmax 0; (1, 2) → y (1, 4), argmax 1.
    const x = [
      [3, 1],
      [1, 2],
    ];
    expect(lrp(model, x, { rules: zeroRule() }).relevance.toArray()).toEqual([
      [3, 0],
      [0, 4],
    ]);
    expect(lrp(model, x, { rules: zeroRule(), target: 1 }).relevance.toArray()).toEqual([
      [0, 2],
      [0, 4],
    ]);
    expect(lrp(model, x, { rules: zeroRule(), target: [1, 0] }).relevance.toArray()).toEqual([
      [0, 2],
      [1, 0],
    ]);
    // R = y ⊙ w with w = (1, -1): row 0 → (3, -2), row 1 → (1, -4)
    expect(
      lrp(model, x, { rules: zeroRule(), outputWeights: [1, -1] }).relevance.toArray(),
    ).toEqual([
      [3, -2],
      [1, -4],
    ]);
  });
});

/** A relu network without biases, in float64, with random weights. */
function noBiasNet(seed: number) {
  const rng = createRng(seed);
  return sequential([
    dense(5, 7, { activation: relu, useBias: false, dtype: 'float64', rng }),
    dense(7, 6, { activation: relu, useBias: false, dtype: 'float64', rng }),
    dense(6, 3, { useBias: false, dtype: 'float64', rng }),
  ]);
}

describe('lrp identities', () => {
  it('LRP-0 on a relu network without biases equals gradient × input', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const model = noBiasNet(seed);
      const x = randomNormal([4, 5], { rng: createRng(100 + seed), dtype: 'float64' });
      for (const target of [0, 1, 2]) {
        const r = lrp(model, x, { rules: zeroRule(), target });
        expectClose(r.relevance, gradientTimesInput(model, x, { target }), { atol: 1e-12 });
      }
    }
  });

  it('conserves relevance exactly without biases under LRP-0 and LRP-ε with ε → 0', () => {
    for (const seed of [6, 7, 8]) {
      const model = noBiasNet(seed);
      const x = randomNormal([3, 5], { rng: createRng(seed), dtype: 'float64' });
      for (const rules of [zeroRule(), epsilonRule(1e-12)]) {
        const r = lrp(model, x, { rules });
        expectClose(r.conservation.input, r.conservation.output, { atol: 1e-9 });
        for (const l of r.conservation.layers) expectClose([l.input], [l.output], { atol: 1e-9 });
      }
      // A large ε absorbs relevance: the input keeps less than the output gave.
      const absorbed = lrp(model, x, { rules: epsilonRule(10) }).conservation;
      const kept = absorbed.input.reduce((a, b) => a + Math.abs(b), 0);
      const seeded = absorbed.output.reduce((a, b) => a + Math.abs(b), 0);
      expect(kept).toBeLessThan(seeded);
    }
  });

  it('conserves through add, concatenate, flatten, reshape, dropout and activation layers', () => {
    const rng = createRng(3);
    const x = input([2, 3], { dtype: 'float64' });
    const f = flatten().apply(x);
    const a = dense(6, 6, { activation: relu, useBias: false, dtype: 'float64', rng }).apply(f);
    const s = addLayer().apply([f, a]);
    const d = dropout(0.5).apply(activation(tanh).apply(s));
    const c = concatenateLayer().apply([d, reshapeLayer([6]).apply(reshapeLayer([3, 2]).apply(a))]);
    const out = dense(12, 2, { useBias: false, dtype: 'float64', rng }).apply(c);
    const model = graph({ inputs: x, outputs: out });
    const xs = randomNormal([2, 2, 3], { rng: createRng(9), dtype: 'float64' });
    const r = lrp(model, xs, { rules: zeroRule() });
    expect(r.relevance.shape).toEqual([2, 2, 3]);
    expectClose(r.conservation.input, r.conservation.output, { atol: 1e-9 });
    // The graph's value f feeds dense and add: its relevance is the sum of both.
    expect(r.conservation.layers.map((l) => l.kind)).toEqual([
      'flatten',
      'dense',
      'add',
      'activation',
      'dropout',
      'reshape',
      'reshape',
      'concatenate',
      'dense',
    ]);
    expect(predict(model, xs).shape).toEqual([2, 2]);
  });

  it('add splits in proportion to each input and skips layers off the explained output', () => {
    // y = x0 + 3·x0 (two branches): the branch giving 3 of the 4 gets 3/4 of the relevance.
    const x = input([1], { dtype: 'float64' });
    const b1 = dense(1, 1, { kernel: [[1]], useBias: false, dtype: 'float64', name: 'one' }).apply(
      x,
    );
    const b3 = dense(1, 1, {
      kernel: [[3]],
      useBias: false,
      dtype: 'float64',
      name: 'three',
    }).apply(x);
    const other = multiplyLayer().apply([b1, b3]); // a second output: signal b1, gate b3
    const model = graph({ inputs: x, outputs: [addLayer().apply([b1, b3]), other] });
    const r = lrp(model, [[2]], { rules: zeroRule() });
    expectClose(r.relevance, [[8]], { atol: 1e-12 });
    const by = Object.fromEntries(r.conservation.layers.map((l) => [l.layer, l.output]));
    expect(by).toEqual({ one: 2, three: 6, add: 8 });
    // The product 2·6 = 12: all of it to the signal b1 (then to x), none to the gate b3.
    const p = lrp(model, [[2]], { output: 1, rules: zeroRule() });
    expectClose(p.relevance, [[12]], { atol: 1e-12 });
    const byP = Object.fromEntries(p.conservation.layers.map((l) => [l.layer, l.input]));
    expect(byP).toEqual({ one: 12, three: 0, multiply: 12 });
  });
});

describe('lrp bad input', () => {
  const model = handNet();
  it.each([
    [
      { output: 1 },
      'lrp: output must be an output index in [0, 0] (the model has 1 outputs), got 1',
    ],
    [{ target: 1 }, 'lrp: target must be a class index in [0, 0] (each row has 1 outputs), got 1'],
    [{ target: [0, 0] }, 'lrp: target must be one class per row (1 rows)'],
    [{ outputWeights: [1, 2] }, 'lrp: outputWeights must have shape [1] or [1,1]'],
    [{ target: 0, outputWeights: [1] }, 'lrp: options must be either target or outputWeights'],
    [{ rules: { name: 'lrp-9' } }, 'lrp: rules must be a relevance rule such as epsilonRule(0.01)'],
    [
      { rules: { name: 'gammaPlus', config: {} } },
      'lrp: layer "dense_1" (dense) has no relevance rule "gammaPlus"; it supports zero, epsilon, gamma, alphaBeta, zB',
    ],
    [
      { layerRules: { conv: zeroRule() } },
      'lrp: layerRules names a layer "conv" the model does not have; its layers are dense, dense_1',
    ],
    [{ ruls: zeroRule() }, 'lrp: unknown option "ruls"'],
    [
      { rules: { name: 'toString', config: {} } },
      'lrp: layer "dense_1" (dense) has no relevance rule "toString"',
    ],
  ])('%j', (options, message) => {
    expect(() => lrp(model, X, options as never)).toThrow(message);
  });

  it('names a layer without relevance rules and what explains such a model instead', () => {
    const m = sequential([positionEmbedding(4, 3, { rng: createRng(1) }), flatten()]);
    const x = randomNormal([1, 4, 3], { rng: createRng(2) });
    expect(() => lrp(m, x)).toThrow(
      /does not implement relevance propagation, so no rule \(.*\) applies to it; explain this model with occlusion \(it takes token ids too\), with the gradient attributions on float inputs, or, for attention weights, attentionRollout$/,
    );
  });

  it('rejects bad rule settings', () => {
    expect(() => epsilonRule(-1)).toThrow(
      'epsilonRule: epsilon must be a finite number >= 0, got -1',
    );
    expect(() => gammaRule(-0.1)).toThrow(
      'gammaRule: gamma must be a finite number >= 0, got -0.1',
    );
    expect(() => alphaBetaRule(2, 0)).toThrow(ValueError);
    expect(() => alphaBetaRule(2, 0)).toThrow('alphaBetaRule: alpha - beta must be 1');
    expect(() => zBRule(1, 0)).toThrow('zBRule: high must be greater than low (1), got 0');
    expect(() => proportionalRule(-1)).toThrow(
      'proportionalRule: epsilon must be a finite number >= 0, got -1',
    );
    expect(winnerTakeAllRule()).toEqual({ name: 'winnerTakeAll', config: {} });
    // A dense layer has no pooling rule: the error lists what it has.
    expect(() => lrp(handNet(), X, { rules: winnerTakeAllRule() })).toThrow(
      'lrp: layer "dense_1" (dense) has no relevance rule "winnerTakeAll"; it supports zero, epsilon, gamma, alphaBeta, zB',
    );
    expect(() => epsilonGammaBox({ gamma: -1 })).toThrow('gammaRule: gamma must be');
    expect(() => epsilonGammaBox({ eps: 1 } as never)).toThrow(
      'epsilonGammaBox: unknown option "eps"',
    );
  });

  it('rejects a model that is not one, several inputs, and a wrong input shape', () => {
    // @ts-expect-error a plain object is no model (the types say so too)
    expect(() => lrp({}, X)).toThrow('lrp: model must be a model made by sequential() or graph()');
    const a = input([1]);
    const b = input([1]);
    const two = graph({ inputs: [a, b], outputs: addLayer().apply([a, b]) });
    expect(() => lrp(two, [[[1]], [[2]]] as never)).toThrow(
      'lrp: explanations need a model of one input, got one of 2 inputs',
    );
    expect(() => lrp(model, [[1, 2, 3]])).toThrow(
      'lrp: layer 0 (dense) expects input shape [2] but x has per-sample shape [3]',
    );
  });
});

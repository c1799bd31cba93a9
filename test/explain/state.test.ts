import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { valueAndGrad } from '../../src/autograd/functional.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { batchNorm } from '../../src/layers/batch-norm.js';
import { dense } from '../../src/layers/dense.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { simpleRnn } from '../../src/layers/simple-rnn.js';
import type { Model } from '../../src/models/model.js';
import { sequential } from '../../src/models/sequential.js';
import { mul } from '../../src/ops/mul.js';
import { sum } from '../../src/ops/sum.js';
import { createRng } from '../../src/random/rng.js';
import { randomNormal, tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import {
  gradientTimesInput,
  integratedGradients,
  saliency,
  smoothGrad,
} from '../../src/explain/gradients.js';
import { lrp } from '../../src/explain/lrp.js';
import { alphaBetaRule } from '../../src/explain/rules.js';
import { occlusion } from '../../src/explain/occlusion.js';
import { expectClose } from '../helpers/expect-close.js';

// Explanations explain the model as it stands: every forward pass inside one
// starts from the state the model holds when it is called, and every layer's
// state (a stateful layer's carried h and c, batch norm's running statistics)
// is left bit for bit as it was, also when the explanation throws.

const f64 = { dtype: 'float64' } as const;
const ctx = { training: false, rng: createRng(0) };

/** The bytes of every state tensor of the model's layers. */
function stateBytes(model: Model): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  model.layers.forEach((l, i) => {
    for (const [k, t] of Object.entries(l.state ?? {}))
      out[`${model.layerNames[i]}.${k}`] = Array.from(
        new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      );
  });
  return out;
}

const cells = {
  lstm: (o: object) => lstm(2, 3, { ...o, ...f64 }),
  gru: (o: object) => gru(2, 3, { ...o, ...f64 }),
  simpleRnn: (o: object) => simpleRnn(2, 3, { ...o, ...f64 }),
} as const;
type Cell = keyof typeof cells;

/**
 * A stateful recurrent layer (batch 2) and a dense head, with a non-zero
 * carried state, and a non-stateful twin of the layer (same weights) that
 * takes that state as an explicit initial state: the independent reference
 * f(x) = head(twin([x, h0, c0])).
 */
function statefulNet(cell: Cell = 'lstm') {
  const rec = cells[cell]({ stateful: true, batchSize: 2, rng: createRng(1), name: 'rec' });
  const head = dense(3, 2, { rng: createRng(2), ...f64 });
  const model = sequential([rec, head]);
  const twin = cells[cell]({ initialState: true, rng: createRng(7) });
  for (const [k, p] of Object.entries(rec.params))
    (twin.params[k]!.data as Float64Array).set(p.data);
  // A carried state as left by earlier calls.
  const rng = createRng(5);
  const init: Tensor[] = [];
  for (const k of cell === 'lstm' ? ['h', 'c'] : ['h']) {
    const s = rec.state[k]!;
    for (let i = 0; i < s.size; i++) (s.data as Float64Array)[i] = rng.normal(0, 0.8);
    init.push(tensor(Array.from(s.data), { shape: [...s.shape], ...f64 }));
  }
  const reference = (x: Tensor): Tensor => head.forward(twin.forward([x, ...init], ctx), ctx);
  return { model, reference };
}

const x = randomNormal([2, 4, 2], { rng: createRng(3), ...f64 });

/** Every explanation function, as a call that may throw. */
const explanations: [string, (m: Model, x: Tensor) => unknown][] = [
  ['saliency', (m, x) => saliency(m, x)],
  ['gradientTimesInput', (m, x) => gradientTimesInput(m, x)],
  ['integratedGradients', (m, x) => integratedGradients(m, x, { steps: 8 })],
  ['smoothGrad', (m, x) => smoothGrad(m, x, { samples: 3, rng: createRng(0) })],
  ['occlusion', (m, x) => occlusion(m, x, { window: 2 })],
  ['lrp', (m, x) => lrp(m, x)],
];

describe('explanations leave a stateful recurrent layer’s carried state as they found it', () => {
  it.each(explanations)('%s', (name, explain) => {
    const { model } = statefulNet();
    const before = stateBytes(model);
    if (name === 'lrp') expect(() => explain(model, x)).toThrow(ValueError);
    else explain(model, x);
    expect(stateBytes(model)).toEqual(before);
  });

  it.each(['gru', 'simpleRnn'] as const)('%s too', (cell) => {
    const { model } = statefulNet(cell);
    const before = stateBytes(model);
    for (const [name, explain] of explanations) if (name !== 'lrp') explain(model, x);
    expect(stateBytes(model)).toEqual(before);
  });

  it('also when they throw after a forward pass (a target the model lacks)', () => {
    const { model } = statefulNet();
    const before = stateBytes(model);
    const bad = { target: 9 };
    expect(() => saliency(model, x, bad)).toThrow('saliency: target must be');
    expect(() => gradientTimesInput(model, x, bad)).toThrow('gradientTimesInput: target');
    expect(() => integratedGradients(model, x, bad)).toThrow('integratedGradients: target');
    expect(() => smoothGrad(model, x, bad)).toThrow('smoothGrad: target');
    expect(() => occlusion(model, x, { window: 2, ...bad })).toThrow('occlusion: target');
    expect(stateBytes(model)).toEqual(before);
  });

  it('a batch of another size than the layer’s batchSize is refused up front, naming the layer', () => {
    const { model } = statefulNet();
    const before = stateBytes(model);
    const x3 = randomNormal([3, 4, 2], { rng: createRng(4), ...f64 });
    for (const [name, explain] of explanations) {
      // lrp refuses the stateful layer itself first.
      if (name === 'lrp') continue;
      expect(() => explain(model, x3)).toThrow(ShapeError);
      expect(() => explain(model, x3)).toThrow(
        `${name}: layer "rec" (lstm) is stateful and takes batches of exactly 2 rows (its batchSize), got x of 3 rows`,
      );
    }
    expect(stateBytes(model)).toEqual(before);
  });

  it('lrp refuses a stateful layer before any forward pass, naming the layer and why', () => {
    const { model } = statefulNet();
    const before = stateBytes(model);
    let message = '';
    try {
      lrp(model, x);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /^lrp: layer "rec" \(lstm\) is stateful, and stateful layers are not supported/,
    );
    expect(message).toContain('a copy of the model built without stateful');
    expect(stateBytes(model)).toEqual(before);
    // Up front: even a batch the layer could not run is refused for being stateful.
    expect(() => lrp(model, randomNormal([3, 4, 2], { rng: createRng(4), ...f64 }))).toThrow(
      'is stateful, and stateful layers are not supported',
    );
  });
});

describe('a stateful model is explained from the state it holds', () => {
  /** The explained score Σ_r y[r, target] of the reference and its gradient. */
  const refGrad = (reference: (x: Tensor) => Tensor, at: Tensor, target: number) => {
    const w = tensor(
      [
        [target === 0 ? 1 : 0, target === 1 ? 1 : 0],
        [target === 0 ? 1 : 0, target === 1 ? 1 : 0],
      ],
      f64,
    );
    let y: Tensor | null = null;
    const { grads } = valueAndGrad((xx: Tensor) => {
      y = reference(xx);
      return sum(mul(y, w));
    })(at);
    const rows = y!.toArray() as number[][];
    return { scores: rows.map((r) => r[target]!), grad: Array.from(grads[0]!.data) };
  };

  it('saliency equals the gradient of the twin given the carried state as its initial state', () => {
    const { model, reference } = statefulNet();
    const s = saliency(model, x, { target: 1 });
    expectClose(s, tensor(refGrad(reference, x, 1).grad, { shape: [2, 4, 2], ...f64 }), {
      atol: 1e-12,
    });
    // A second call explains the same model: the same numbers.
    expect(saliency(model, x, { target: 1 }).toArray()).toEqual(s.toArray());
  });

  it('integrated gradients are complete again: attributions and gap match the twin’s', () => {
    const { model, reference } = statefulNet();
    const steps = 32;
    const ig = integratedGradients(model, x, { steps, target: 0 });
    // The reference, by the same midpoint rule from the zero baseline.
    const n = x.size;
    const acc = new Float64Array(n);
    for (let k = 0; k < steps; k++) {
      const a = (k + 0.5) / steps;
      const pt = tensor(
        Array.from(x.data, (v) => a * v),
        { shape: [2, 4, 2], ...f64 },
      );
      refGrad(reference, pt, 0).grad.forEach((g, i) => (acc[i] = acc[i]! + g));
    }
    const attr = Array.from(acc, (v, i) => (x.data[i]! * v) / steps);
    expectClose(ig.attributions, tensor(attr, { shape: [2, 4, 2], ...f64 }), { atol: 1e-12 });
    const fx = refGrad(reference, x, 0).scores;
    const f0 = refGrad(
      reference,
      tensor(new Array<number>(n).fill(0), { shape: [2, 4, 2], ...f64 }),
      0,
    ).scores;
    expectClose(ig.scores, fx, { atol: 1e-12 });
    expectClose(ig.baselineScores, f0, { atol: 1e-12 });
    const refGap = [0, 1].map((r) =>
      Math.abs(attr.slice(r * 8, r * 8 + 8).reduce((s, v) => s + v, 0) - (fx[r]! - f0[r]!)),
    );
    expectClose(ig.gap, refGap, { atol: 1e-12 });
    // Complete to the midpoint rule's accuracy (a non-stateful model's figure).
    for (const g of ig.gap) expect(g).toBeLessThan(1e-3);
  });

  it('occlusion: each covered copy starts from its row’s carried state', () => {
    const { model, reference } = statefulNet();
    const occ = occlusion(model, x, { window: 2, target: 1 });
    // Windows over the 4 steps: steps 0-1 and 2-3, all features.
    const y0 = (reference(x).toArray() as number[][]).map((r) => r[1]!);
    const expected = new Float64Array(16);
    for (const start of [0, 2]) {
      const d = Float64Array.from(x.data);
      for (let r = 0; r < 2; r++)
        for (let t = start; t < start + 2; t++)
          for (let f = 0; f < 2; f++) d[r * 8 + t * 2 + f] = 0;
      const y = (
        reference(tensor(Array.from(d), { shape: [2, 4, 2], ...f64 })).toArray() as number[][]
      ).map((r) => r[1]!);
      for (let r = 0; r < 2; r++)
        for (let t = start; t < start + 2; t++)
          for (let f = 0; f < 2; f++) expected[r * 8 + t * 2 + f] = y0[r]! - y[r]!;
    }
    expectClose(occ, tensor(Array.from(expected), { shape: [2, 4, 2], ...f64 }), { atol: 1e-12 });
  });
});

describe('explanations run in inference mode: batch norm’s running statistics stay as they are', () => {
  const bnNet = () => {
    const rng = createRng(11);
    const bn = batchNorm(4, { name: 'bn', ...f64 });
    // Running statistics far from a batch's, so that training mode would move them.
    (bn.state.movingMean.data as Float64Array).set([0.5, -1, 2, 0.25]);
    (bn.state.movingVariance.data as Float64Array).set([2, 0.5, 3, 1.5]);
    return sequential([
      dense(3, 4, { activation: relu, rng, ...f64 }),
      bn,
      dense(4, 2, { rng, ...f64 }),
    ]);
  };
  const xb = randomNormal([5, 3], { rng: createRng(12), ...f64 });

  it.each(explanations)('%s', (_name, explain) => {
    const model = bnNet();
    const before = stateBytes(model);
    explain(model, xb);
    expect(stateBytes(model)).toEqual(before);
  });

  it('also when they throw', () => {
    const model = bnNet();
    const before = stateBytes(model);
    expect(() => saliency(model, xb, { target: 5 })).toThrow('saliency: target');
    expect(() => integratedGradients(model, xb, { target: 5 })).toThrow('integratedGradients');
    expect(() => occlusion(model, xb, { window: 1, target: 5 })).toThrow('occlusion: target');
    expect(() => lrp(model, xb, { target: 5 })).toThrow('lrp: target');
    // After the forward pass, at the batch norm: a rule it lacks.
    expect(() => lrp(model, xb, { rules: alphaBetaRule() })).toThrow('lrp: layer "bn"');
    expect(stateBytes(model)).toEqual(before);
  });
});

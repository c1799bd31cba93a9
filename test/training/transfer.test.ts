import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { ValueError } from '../../src/_lib/errors.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { input } from '../../src/layers/symbolic.js';
import { addLayer } from '../../src/layers/merge.js';
import { mse } from '../../src/losses/mse.js';
import { graph } from '../../src/models/graph.js';
import { parameters } from '../../src/models/parameters.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { extractFeatures, freezeLayers, unfreezeLayers } from '../../src/models/transfer.js';
import { adam } from '../../src/optimizers/adam.js';
import type { Optimizer } from '../../src/optimizers/optimizer.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { randomNormal, tensor } from '../../src/tensor/create.js';
import { fit } from '../../src/training/fit.js';
import { fromJSON } from '../../src/io/from-json.js';
import { toJSON } from '../../src/io/to-json.js';
import { loadWeights } from '../../src/io/load-weights.js';

function trained(seed = 1) {
  const rng = createRng(seed);
  return sequential([
    dense(4, 6, { activation: relu, rng, name: 'base1' }),
    dropout(0.1, { name: 'drop' }),
    dense(6, 5, { activation: relu, rng, name: 'base2' }),
    dense(5, 3, { rng, name: 'head' }),
  ]);
}

const X = randomNormal([16, 4], { rng: createRng(11) });
const Y = randomNormal([16, 2], { rng: createRng(12) });

function withHead(seed = 1) {
  const base = extractFeatures(trained(seed), 'base2');
  const head = dense(5, 2, { rng: createRng(3), name: 'newHead' }).apply(base.features);
  return { base, model: graph({ inputs: base.input, outputs: head }) };
}

const snapshot = (ts: readonly { data: ArrayLike<number> }[]) => ts.map((t) => Array.from(t.data));

describe('extractFeatures', () => {
  it('cuts at a named layer, sharing the layer objects, and computes the same features', () => {
    const full = trained();
    const base = extractFeatures(full, 'base2');
    expect(base.model.layerNames).toEqual(['base1', 'drop', 'base2']);
    expect(base.model.layers).toEqual(full.layers.slice(0, 3));
    expect(base.model.layers[0]).toBe(full.layers[0]);
    // The features are the full model's hidden values: the head applied to them gives its output.
    const feats = predict(base.model, X);
    const head = full.layers[3]!;
    const viaHead = head.forward(feats, { training: false, rng: createRng(0) });
    expect(Array.from(viaHead.data)).toEqual(Array.from(predict(full, X).data));
    expect(base.features.shape).toEqual([5]);
  });

  it('cuts graph models, keeping only the inputs and branches the cut depends on', () => {
    const a = input([3], { name: 'a' });
    const b = input([3], { name: 'b' });
    const ha = dense(3, 3, { name: 'ha' }).apply(a);
    const hb = dense(3, 3, { name: 'hb' }).apply(b);
    const model = graph({ inputs: [a, b], outputs: dense(3, 1).apply(addLayer().apply([ha, hb])) });
    const cut = extractFeatures(model, 'ha');
    expect(cut.inputs.map((t) => t.name)).toEqual(['a']);
    expect(cut.model.layerNames).toEqual(['ha']);
    expect(extractFeatures(model, 'add').model.inputs.map((x) => x.name)).toEqual(['a', 'b']);
  });

  it('rejects names the model does not have, and shared layers', () => {
    expect(() => extractFeatures(trained(), 'base3')).toThrow(
      'extractFeatures: the model has no layer named "base3"; its layers are base1, drop, base2, head',
    );
    const x = input([2]);
    const shared = dense(2, 2, { name: 'shared' });
    const twice = graph({ inputs: x, outputs: shared.apply(shared.apply(x)) });
    expect(() => extractFeatures(twice, 'shared')).toThrow(
      'extractFeatures: layer "shared" is applied 2 times in the model, so the cut is ambiguous',
    );
    expect(() => extractFeatures(trained(), 3 as never)).toThrow(ValueError);
  });
});

describe('freezing and unfreezing', () => {
  it('leaves frozen weights bit-identical through training, and trains the rest', async () => {
    const { base, model } = withHead();
    expect(freezeLayers(base.model)).toEqual(['base1', 'drop', 'base2']);
    const frozen = snapshot(parameters(base.model));
    const headBefore = snapshot(
      model.layers[3]!.params.kernel ? [model.layers[3]!.params.kernel] : [],
    );
    await fit(model, X, Y, {
      loss: mse,
      optimizer: adam({ learningRate: 0.05 }),
      epochs: 3,
      batchSize: 4,
      rng: createRng(5),
    });
    expect(snapshot(parameters(base.model))).toEqual(frozen);
    expect(snapshot([model.layers[3]!.params.kernel!])).not.toEqual(headBefore);
  });

  it("keeps Adam's moments and step count of a layer across freeze and unfreeze", async () => {
    const { base, model } = withHead();
    const opt = adam({ learningRate: 0.01 });
    const run = () =>
      fit(model, X, Y, { loss: mse, optimizer: opt, epochs: 1, batchSize: 8, rng: createRng(6) });
    const baseParams = parameters(base.model);
    await run(); // 2 steps for every parameter
    const state1 = opt.getState(baseParams);
    expect(state1.slots[0]!.step![0]).toBe(2);
    freezeLayers(model, ['base1', 'base2']);
    await run(); // the head takes 2 more steps; the base's state must not move
    const state2 = opt.getState(baseParams);
    expect(
      state2.slots.map((s) =>
        Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Array.from(v)])),
      ),
    ).toEqual(
      state1.slots.map((s) =>
        Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Array.from(v)])),
      ),
    );
    expect(opt.getState(parameters(model).slice(-2)).slots[0]!.step![0]).toBe(4);
    expect(unfreezeLayers(model, (name) => name.startsWith('base'))).toEqual(['base1', 'base2']);
    await run(); // the base resumes from its saved moments: steps 3 and 4
    const state3 = opt.getState(baseParams);
    expect(state3.slots[0]!.step![0]).toBe(4);
    expect(Array.from(state3.slots[0]!.m!)).not.toEqual(Array.from(state1.slots[0]!.m!));
  });

  it('rejects unknown layer names', () => {
    expect(() => freezeLayers(trained(), ['nope'])).toThrow(
      'freezeLayers: the model has no layer named "nope"; its layers are base1, drop, base2, head',
    );
    expect(() => unfreezeLayers(trained(), 'base1' as never)).toThrow(
      'unfreezeLayers: layers must be an array of layer names or a function',
    );
  });
});

describe('parameter groups', () => {
  it('steps scaled parameters with the scaled learning rate, exactly', () => {
    // sgd: p ← p − lr·g. With lr 0.2 and scale 0.5, p moves as with lr 0.1 (0.2·0.5 is exactly 0.1).
    const p1 = tensor([1, -2], { requiresGrad: true });
    const p2 = tensor([1, -2], { requiresGrad: true });
    const q = tensor([3, 4], { requiresGrad: true });
    const g = [tensor([0.3, 0.7]), tensor([0.3, 0.7])];
    const a = sgd({ learningRate: 0.2 });
    a.setLearningRateScale([p1], 0.5);
    a.step([p1, q], g);
    sgd({ learningRate: 0.1 }).step([p2], [g[0]!]);
    expect(Array.from(p1.data)).toEqual(Array.from(p2.data));
    expect(Array.from(q.data)).toEqual([
      Math.fround(3 - 0.2 * Math.fround(0.3)),
      Math.fround(4 - 0.2 * Math.fround(0.7)),
    ]);
    a.setLearningRateScale([p1], 1); // back to the common rate
    const before = Array.from(p1.data);
    a.step([p1], [g[0]!]);
    expect(Array.from(p1.data)).toEqual(
      before.map((v, i) => Math.fround(v - 0.2 * Math.fround([0.3, 0.7][i]!))),
    );
    expect(() => {
      a.setLearningRateScale([p1], -1);
    }).toThrow('sgd: scale must be a finite number >= 0, got -1');
  });

  it('fine-tunes a base at a tenth of the head rate through fit', async () => {
    const { base, model } = withHead();
    const opt = adam({ learningRate: 0.01 });
    opt.setLearningRateScale(parameters(base.model), 0);
    const before = snapshot(parameters(base.model));
    await fit(model, X, Y, {
      loss: mse,
      optimizer: opt,
      epochs: 1,
      batchSize: 8,
      rng: createRng(6),
    });
    // Scale 0: the base's Adam state advances but its weights do not move.
    expect(snapshot(parameters(base.model))).toEqual(before);
    opt.setLearningRateScale(parameters(base.model), 0.1);
    await fit(model, X, Y, {
      loss: mse,
      optimizer: opt,
      epochs: 1,
      batchSize: 8,
      rng: createRng(6),
    });
    expect(snapshot(parameters(base.model))).not.toEqual(before);
  });

  it('an optimizer written outside myelin needs no setLearningRateScale to train', async () => {
    // Plain gradient descent, p ← p − 0.05·g, written against the Optimizer interface as it
    // was before parameter groups: it must still type-check and train through fit.
    let iterations = 0;
    const plain: Optimizer = {
      kind: 'plain',
      config: {},
      learningRate: 0.05,
      get iterations() {
        return iterations;
      },
      currentLearningRate: () => 0.05,
      step(params, grads) {
        params.forEach((p, i) => {
          const g = grads?.[i] ?? p.grad;
          if (g) for (let j = 0; j < p.size; j++) p.data[j] = p.data[j]! - 0.05 * g.data[j]!;
        });
        iterations++;
      },
      zeroGrad(params) {
        for (const p of params) p.grad = null;
      },
      getState: () => ({ iterations, slots: [] }),
      setState() {},
    };
    const { model } = withHead();
    const before = snapshot(parameters(model));
    await fit(model, X, Y, {
      loss: mse,
      optimizer: plain,
      epochs: 1,
      batchSize: 8,
      rng: createRng(6),
    });
    expect(iterations).toBeGreaterThan(0);
    expect(snapshot(parameters(model))).not.toEqual(before);
  });
});

describe('loadWeights', () => {
  it('copies layers by name and reports matched, missing, unused and mismatched ones', () => {
    const source = trained(1);
    const rng = createRng(9);
    const target = sequential([
      dense(4, 6, { activation: relu, rng, name: 'base1' }),
      dense(6, 4, { rng, name: 'base2' }), // 4 units where the file has 5
      dense(4, 3, { rng, name: 'fresh' }),
    ]);
    const report = loadWeights(target, JSON.stringify(toJSON(source)));
    expect(report).toEqual({
      matched: ['base1'],
      missing: ['fresh'],
      unused: ['head'],
      mismatched: [
        { layer: 'base2', param: 'kernel', model: '[6,4]', saved: '[6,5]' },
        { layer: 'base2', param: 'bias', model: '[4]', saved: '[5]' },
      ],
    });
    expect(Array.from(target.layers[0]!.params.kernel!.data)).toEqual(
      Array.from(source.layers[0]!.params.kernel!.data),
    );
    expect(Array.from(target.layers[1]!.params.kernel!.data)).not.toEqual(
      Array.from(source.layers[2]!.params.kernel!.data).slice(0, 24),
    );
  });

  it('gives identical predictions after loading every layer, and converts dtypes', () => {
    const source = trained(2);
    const copy = fromJSON(toJSON(trained(3)));
    expect(loadWeights(copy, toJSON(source)).matched).toEqual(['base1', 'base2', 'head']);
    expect(Array.from(predict(copy, X).data)).toEqual(Array.from(predict(source, X).data));
  });

  it('reports kinds that differ, and loads nothing when strict and anything disagrees', () => {
    const source = sequential([dense(2, 2, { name: 'x' })]);
    const other = sequential([
      dense(2, 2, { name: 'y' }),
      dense(2, 2, { name: 'x', useBias: false }),
    ]);
    const before = snapshot(parameters(other));
    expect(() => loadWeights(other, toJSON(source), { strict: true })).toThrow(
      'loadWeights: strict loading failed, nothing was loaded: layer "y" is not in the file; layer "x" bias: model none, file [2]',
    );
    expect(snapshot(parameters(other))).toEqual(before);
    expect(() => loadWeights(other, { format: 'nope' })).toThrow(/^loadWeights: /);
    expect(() => loadWeights(other, toJSON(source), { strict: 1 } as never)).toThrow(
      'loadWeights: strict must be a boolean, got 1',
    );
  });
});

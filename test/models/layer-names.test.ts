// Layer names belong to the layer objects: a sub-model (extractFeatures) and
// any model built on it call each layer what the source model calls it, so
// loadWeights by name and freezeLayers by name find the same layer. Fresh
// models are still named by position (dense, dense_1, ...), and loading a
// file gives the saved names.
import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { ModelFormatError } from '../../src/_lib/errors.js';
import { fromJSON } from '../../src/io/from-json.js';
import { loadWeights } from '../../src/io/load-weights.js';
import { toJSON } from '../../src/io/to-json.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { addLayer } from '../../src/layers/merge.js';
import { input } from '../../src/layers/symbolic.js';
import { graph } from '../../src/models/graph.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { extractFeatures, freezeLayers } from '../../src/models/transfer.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';

const x4 = tensor([
  [1, 2, 3, 4],
  [-1, 0.5, 2, -3],
]);
const rows = (t: { data: ArrayLike<number> }) => Array.from(t.data);

/** Two parallel dense(4, 3) branches summed: layers dense (left), dense_1 (right), add. */
function branches(seed: number) {
  const rng = createRng(seed);
  const a = input([4]);
  const left = dense(4, 3, { rng });
  const right = dense(4, 3, { rng });
  const model = graph({ inputs: a, outputs: addLayer().apply([left.apply(a), right.apply(a)]) });
  return { model, left, right };
}

describe('fresh models are named by position, as before', () => {
  it('numbers each kind in order, skipping given names', () => {
    expect(sequential([dense(2, 3), dense(3, 3), dropout(0.1), dense(3, 1)]).layerNames).toEqual([
      'dense',
      'dense_1',
      'dropout',
      'dense_2',
    ]);
    expect(
      sequential([dense(2, 3), dense(3, 3, { name: 'dense' }), dense(3, 1)]).layerNames,
    ).toEqual(['dense_1', 'dense', 'dense_2']);
    expect(branches(1).model.layerNames).toEqual(['dense', 'dense_1', 'add']);
  });
});

describe('a generated name sticks to the layer object', () => {
  it('a later model containing the layer calls it the same; new layers take free names', () => {
    const a = dense(2, 3);
    const b = dense(3, 3);
    expect(sequential([a, b]).layerNames).toEqual(['dense', 'dense_1']);
    // b again, with a fresh layer: b is still dense_1; the fresh one takes the first free name.
    const c = dense(3, 1);
    expect(sequential([b, c]).layerNames).toEqual(['dense_1', 'dense']);
    // c's name is now fixed too. With a, both hold "dense": the later one (c) gets another
    // name in this model, and keeps its own for later models.
    expect(sequential([a, b, c]).layerNames).toEqual(['dense', 'dense_1', 'dense_2']);
    expect(sequential([c]).layerNames).toEqual(['dense']);
  });

  it('a given name always wins over a fixed one', () => {
    const a = dense(2, 3);
    sequential([a]); // a is fixed to "dense"
    const named = dense(2, 3, { name: 'dense' });
    const x = input([2]);
    const m = graph({ inputs: x, outputs: addLayer().apply([a.apply(x), named.apply(x)]) });
    expect(m.layerNames).toEqual(['dense_1', 'dense', 'add']);
  });
});

describe('extractFeatures keeps the source names', () => {
  it('cutting at the right branch gives a base whose layer is still dense_1', () => {
    const { model, right } = branches(1);
    const base = extractFeatures(model, 'dense_1');
    expect(base.model.layers).toEqual([right]);
    expect(base.model.layerNames).toEqual(['dense_1']);
    // A model built on the base keeps the name too; the new head takes a free one.
    const head = dense(3, 2, { rng: createRng(2) });
    const full = graph({ inputs: base.input, outputs: head.apply(base.features) });
    expect(full.layerNames).toEqual(['dense_1', 'dense']);
  });

  it('the same, cutting a loaded copy (its names come from the file)', () => {
    const { model } = branches(1);
    const saved = toJSON(model);
    const base = extractFeatures(fromJSON(saved), 'dense_1');
    expect(base.model.layerNames).toEqual(['dense_1']);
  });

  it('loadWeights by name loads the right branch into the right-branch cut', () => {
    const { model } = branches(1);
    const saved = toJSON(model);
    // A cut of a differently initialized copy, then the pretrained weights by name.
    const base = extractFeatures(branches(7).model, 'dense_1');
    const report = loadWeights(base.model, saved);
    expect(report.matched).toEqual(['dense_1']);
    expect(report.unused).toEqual(['dense']);
    const rightOfOriginal = extractFeatures(model, 'dense_1').model;
    const leftOfOriginal = extractFeatures(model, 'dense').model;
    expect(rows(predict(base.model, x4))).toEqual(rows(predict(rightOfOriginal, x4)));
    expect(rows(predict(base.model, x4))).not.toEqual(rows(predict(leftOfOriginal, x4)));
  });

  it('freezeLayers finds a layer of the cut by its original name', () => {
    const { model, left, right } = branches(1);
    const cut = extractFeatures(model, 'dense_1');
    expect(freezeLayers(cut.model, ['dense_1'])).toEqual(['dense_1']);
    expect(right.trainable).toBe(false);
    expect(left.trainable).toBe(true);
    expect(() => freezeLayers(cut.model, ['dense'])).toThrow(
      'freezeLayers: the model has no layer named "dense"; its layers are dense_1',
    );
  });

  it('a round trip through a cut of a sequential model: weights come back by name', () => {
    // The source's first layer is dense_1 (its third holds the given name "dense"); a cut
    // after it leaves the given one out, so position alone would call the first "dense".
    const make = (seed: number) => {
      const rng = createRng(seed);
      return sequential([
        dense(4, 4, { activation: relu, rng }),
        dropout(0.1),
        dense(4, 4, { rng, name: 'dense' }),
        dense(4, 3, { rng }),
      ]);
    };
    const source = make(1);
    expect(source.layerNames).toEqual(['dense_1', 'dropout', 'dense', 'dense_2']);
    const base = extractFeatures(make(2), 'dropout');
    expect(base.model.layerNames).toEqual(['dense_1', 'dropout']);
    const model = graph({
      inputs: base.input,
      outputs: dense(4, 2, { rng: createRng(3), name: 'newHead' }).apply(base.features),
    });
    // Saved and loaded, then the source's weights by name.
    const copy = fromJSON(JSON.parse(JSON.stringify(toJSON(model))));
    expect(copy.layerNames).toEqual(['dense_1', 'dropout', 'newHead']);
    const report = loadWeights(copy, toJSON(source));
    expect(report.matched).toEqual(['dense_1']);
    expect(report.unused).toEqual(['dense', 'dense_2']);
    expect(rows(copy.layers[0]!.params.kernel!)).toEqual(rows(source.layers[0]!.params.kernel!));
    expect(rows(copy.layers[0]!.params.kernel!)).not.toEqual(
      rows(source.layers[2]!.params.kernel!),
    );
    const sourceBase = extractFeatures(source, 'dropout').model;
    const copyBase = extractFeatures(copy, 'dropout').model;
    expect(rows(predict(copyBase, x4))).toEqual(rows(predict(sourceBase, x4)));
  });

  it('a round trip through a cut of a graph model that leaves a branch out', () => {
    const make = (seed: number) => {
      const rng = createRng(seed);
      const a = input([4]);
      const l = dense(4, 3, { rng }).apply(a);
      const r = dense(3, 3, { rng }).apply(dense(4, 3, { rng }).apply(a));
      return graph({ inputs: a, outputs: dense(3, 2, { rng }).apply(addLayer().apply([l, r])) });
    };
    const source = make(1);
    expect(source.layerNames).toEqual(['dense', 'dense_1', 'dense_2', 'add', 'dense_3']);
    // dense_2 depends only on the right branch (dense_1, then dense_2).
    const base = extractFeatures(make(5), 'dense_2');
    expect(base.model.layerNames).toEqual(['dense_1', 'dense_2']);
    const report = loadWeights(base.model, toJSON(source), { strict: true });
    expect(report.matched).toEqual(['dense_1', 'dense_2']);
    expect(rows(predict(base.model, x4))).toEqual(
      rows(predict(extractFeatures(source, 'dense_2').model, x4)),
    );
  });
});

describe('saving keeps the names', () => {
  it('a cut model saved and loaded has the saved names, and loads weights by them', () => {
    const { model } = branches(1);
    const cut = extractFeatures(model, 'dense_1');
    const head = dense(3, 2, { rng: createRng(4) });
    const full = graph({ inputs: cut.input, outputs: head.apply(cut.features) });
    const text = JSON.stringify(toJSON(full));
    const file = JSON.parse(text) as { model: { layers: { name: string }[] } };
    expect(file.model.layers.map((l) => l.name)).toEqual(['dense_1', 'dense']);
    const loaded = fromJSON(JSON.parse(text));
    expect(loaded.layerNames).toEqual(['dense_1', 'dense']);
    expect(rows(predict(loaded, x4))).toEqual(rows(predict(full, x4)));
    // Loading the original's weights into the loaded copy by name: the right branch again.
    expect(loadWeights(loaded, toJSON(model)).matched).toEqual(['dense_1']);
  });

  it('a file whose names clash is still refused', () => {
    const saved = JSON.parse(JSON.stringify(toJSON(sequential([dense(2, 2), dense(2, 2)])))) as {
      model: { layers: { name: string }[] };
    };
    saved.model.layers[1]!.name = 'dense';
    expect(() => fromJSON(saved)).toThrow(ModelFormatError);
    expect(() => fromJSON(saved)).toThrow(
      'model.layers[1].name is "dense" but the rebuilt model names that layer "dense_1"',
    );
  });
});

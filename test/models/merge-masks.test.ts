// The step masks of a merge layer's inputs combine as Keras's merge layers
// combine them (a step is real where it is real in every masked input), on
// every path; and predict takes a multi-input model's tensors as given, as
// forward does.
import { describe, expect, it } from 'vitest';
import {
  addLayer,
  createRng,
  embedding,
  globalAvgPool1d,
  graph,
  input,
  predict,
  tensor,
} from '../../src/index.js';

const rng = createRng(3);

function maskedMergeModel(swap: boolean) {
  const a = input([4], { dtype: 'int32' });
  const b = input([4], { dtype: 'int32' });
  const ea = embedding(5, 3, { maskZero: true, dtype: 'float64' });
  const eb = embedding(5, 3, { maskZero: true, dtype: 'float64' });
  const ha = ea.apply(a);
  const hb = eb.apply(b);
  const sum = addLayer().apply(swap ? [hb, ha] : [ha, hb]);
  const out = globalAvgPool1d().apply(sum);
  return { model: graph({ inputs: [a, b], outputs: out }), ea, eb };
}

describe('merge layers and step masks', () => {
  it('pass on the steps real in every input, whatever the input order', () => {
    const ids = [
      [1, 2, 0, 3],
      [4, 4, 4, 0],
    ];
    const other = [
      [2, 0, 1, 1],
      [1, 3, 0, 0],
    ];
    const ta = tensor(ids, { dtype: 'int32' });
    const tb = tensor(other, { dtype: 'int32' });
    const first = maskedMergeModel(false);
    const second = maskedMergeModel(true);
    // the same tables in both models
    first.ea.params.embeddings!.data.set(second.ea.params.embeddings!.data);
    first.eb.params.embeddings!.data.set(second.eb.params.embeddings!.data);
    const A = first.ea.params.embeddings!.data;
    const B = first.eb.params.embeddings!.data;
    // by hand: the mean of (A[id] + B[id']) over the steps where both ids are non-zero
    const expected = ids.map((row, r) => {
      const acc = [0, 0, 0];
      let n = 0;
      row.forEach((id, t) => {
        const jd = other[r]![t]!;
        if (id === 0 || jd === 0) return;
        n++;
        for (let c = 0; c < 3; c++) acc[c]! += A[id * 3 + c]! + B[jd * 3 + c]!;
      });
      return acc.map((v) => v / n);
    });
    for (const { model } of [first, second]) {
      const planned = predict(model, [ta, tb]);
      const direct = model.forward([ta, tb], { training: false, rng });
      expect(Array.from(planned.data)).toEqual(Array.from(direct.data));
      expect(planned.shape).toEqual([2, 3]);
      planned.data.forEach((v, i) => {
        expect(v).toBeCloseTo(expected[Math.floor(i / 3)]![i % 3]!, 14);
      });
    }
  });
});

describe('predict on a model of several inputs', () => {
  it('keeps each tensor input in its own dtype, as forward does', () => {
    const a = input([2]);
    const b = input([2], { dtype: 'float64' });
    const model = graph({ inputs: [a, b], outputs: addLayer().apply([a, b]) });
    const ta = tensor([[0.1, 0.2]]);
    const tb = tensor([[0, 0]], { dtype: 'float64' });
    const direct = model.forward([ta, tb], { training: false, rng });
    const planned = predict(model, [ta, tb]);
    expect(planned.dtype).toBe(direct.dtype);
    expect(Array.from(planned.data)).toEqual(Array.from(direct.data));
  });
});

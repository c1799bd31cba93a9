import { describe, expect, it } from 'vitest';
import { batchNorm } from '../../src/layers/batch-norm.js';
import { dense } from '../../src/layers/dense.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { bidirectional } from '../../src/layers/bidirectional.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { randomNormal } from '../../src/tensor/create.js';
import { loadWeights } from '../../src/io/load-weights.js';
import { toJSON } from '../../src/io/to-json.js';

describe('loadWeights and carried recurrent state', () => {
  // A stateful layer's h and c hold one row per batch row (leading dimension
  // batchRows): what it carries between calls, not what it learned.
  function statefulModel() {
    const rng = createRng(1);
    const m = sequential([
      lstm(3, 5, { stateful: true, batchSize: 2, rng, name: 'rec' }),
      dense(5, 1, { rng, name: 'out' }),
    ]);
    return m;
  }

  it('copies a stateful layer into a copy built without stateful, which then predicts as it does from zero state', () => {
    const st = statefulModel();
    const x = randomNormal([2, 12, 3], { rng: createRng(2) });
    const ref = Array.from(predict(st, x).data);
    predict(st, x); // carried state now nonzero; the weights are unchanged
    const plain = sequential([lstm(3, 5, { name: 'rec' }), dense(5, 1, { name: 'out' })]);
    const report = loadWeights(plain, toJSON(st), { strict: true });
    expect(report).toEqual({ matched: ['rec', 'out'], missing: [], unused: [], mismatched: [] });
    expect(Array.from(predict(plain, x).data)).toEqual(ref);
  });

  it('copies a stateful layer into a stateful copy of another batchSize, leaving its carried state alone', () => {
    const st = statefulModel();
    predict(st, randomNormal([2, 12, 3], { rng: createRng(3) }));
    const gen = sequential([
      lstm(3, 5, { stateful: true, batchSize: 1, name: 'rec' }),
      dense(5, 1, { name: 'out' }),
    ]);
    const report = loadWeights(gen, toJSON(st));
    expect(report.matched).toEqual(['rec', 'out']);
    expect(report.mismatched).toEqual([]);
    const rec = gen.layers[0]!;
    expect(Array.from(rec.params.kernel!.data)).toEqual(
      Array.from(st.layers[0]!.params.kernel!.data),
    );
    expect(Array.from(rec.state!.h!.data).every((v) => v === 0)).toBe(true);
    // and the other way: a plain model's weights into a stateful one
    const back = statefulModel();
    const plain = sequential([gru(3, 5, { name: 'rec' }), dense(5, 1, { name: 'out' })]);
    expect(loadWeights(back, toJSON(plain)).mismatched[0]).toMatchObject({
      layer: 'rec',
      param: null,
    });
  });

  it('skips carried state in wrapped stateful layers too (bidirectional)', () => {
    const rng = createRng(4);
    const st = sequential([
      bidirectional(() => lstm(3, 4, { stateful: true, batchSize: 2, rng }), { name: 'bi' }),
    ]);
    const plain = sequential([bidirectional(() => lstm(3, 4), { name: 'bi' })]);
    expect(loadWeights(plain, toJSON(st), { strict: true }).matched).toEqual(['bi']);
  });

  it('still copies and compares running statistics, which are learned', () => {
    const src = sequential([dense(2, 3, { name: 'd' }), batchNorm(3, { name: 'bn' })]);
    const mean = src.layers[1]!.state!.movingMean!;
    mean.data.set([0.5, -1, 2]);
    const dst = sequential([dense(2, 3, { name: 'd' }), batchNorm(3, { name: 'bn' })]);
    expect(loadWeights(dst, toJSON(src)).matched).toEqual(['d', 'bn']);
    expect(Array.from(dst.layers[1]!.state!.movingMean!.data)).toEqual([0.5, -1, 2]);
    const other = sequential([dense(2, 4, { name: 'd' }), batchNorm(4, { name: 'bn' })]);
    const r = loadWeights(other, toJSON(src));
    expect(r.mismatched.some((m) => m.layer === 'bn' && m.param === 'state.movingMean')).toBe(true);
  });
});

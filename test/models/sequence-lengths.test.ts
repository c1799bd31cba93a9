// docs/sequences.md: a sequential model over sequences takes any number of
// steps; a graph model's input fixes it and refuses other lengths.
import { describe, expect, it } from 'vitest';
import { dense } from '../../src/layers/dense.js';
import { embedding } from '../../src/layers/embedding.js';
import { gru } from '../../src/layers/gru.js';
import { input } from '../../src/layers/symbolic.js';
import { graph } from '../../src/models/graph.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';

describe('sequence lengths', () => {
  const rng = createRng(1);
  const ids = (steps: number) =>
    tensor([Array.from({ length: steps }, (_, i) => 1 + (i % 5))], { dtype: 'int32' });
  it('a sequential model takes any number of steps', () => {
    const m = sequential([embedding(6, 3, { rng }), gru(3, 2, { rng }), dense(2, 1, { rng })]);
    for (const steps of [1, 4, 9]) expect(predict(m, ids(steps)).shape).toEqual([1, 1]);
  });
  it("a graph model's input fixes it", () => {
    const x = input([4], { dtype: 'int32' });
    const h = gru(3, 2, { rng }).apply(embedding(6, 3, { rng }).apply(x));
    const m = graph({ inputs: x, outputs: dense(2, 1, { rng }).apply(h) });
    expect(predict(m, ids(4)).shape).toEqual([1, 1]);
    expect(() => predict(m, ids(5))).toThrow(/\[4\]/);
  });
});

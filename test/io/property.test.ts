import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  elu,
  gelu,
  identity,
  leakyRelu,
  relu,
  sigmoid,
  softmax,
  tanh,
} from '../../src/activations/index.js';
import type { Activation } from '../../src/activations/define.js';
import { fromJSON, toJSON } from '../../src/io/index.js';
import { dense } from '../../src/layers/dense.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { bytesOf, expectBitEqual, viaText } from './_helpers.js';

const acts: Activation[] = [
  identity,
  relu,
  sigmoid,
  tanh,
  softmax,
  leakyRelu.with({ alpha: 0.3 }),
  elu,
  gelu.with({ approximate: 'tanh' }),
];

describe('save then load is bit-identical (property)', () => {
  it('random small dense models predict the same bits after a JSON text round trip', () => {
    fc.assert(
      fc.property(
        fc.record({
          widths: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 5 }),
          acts: fc.array(fc.integer({ min: 0, max: acts.length - 1 }), {
            minLength: 4,
            maxLength: 4,
          }),
          useBias: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
          dtype: fc.constantFrom('float32' as const, 'float64' as const),
          seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          rows: fc.integer({ min: 1, max: 4 }),
        }),
        ({ widths, acts: a, useBias, dtype, seed, rows }) => {
          const rng = createRng(seed);
          const layers = widths.slice(1).map((units, i) =>
            dense(widths[i]!, units, {
              activation: acts[a[i]!]!,
              useBias: useBias[i]!,
              dtype,
              rng,
            }),
          );
          const m = sequential(layers);
          const inputs = widths[0]!;
          const data = Float64Array.from({ length: rows * inputs }, () => rng.normal(0, 3));
          const x = new Tensor(dtype === 'float64' ? data : Float32Array.from(data), [
            rows,
            inputs,
          ]);
          const copy = fromJSON(viaText(toJSON(m)));
          expectBitEqual(predict(copy, x), predict(m, x));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('any float32 bit pattern in a weight survives', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { minLength: 6, maxLength: 6 }),
        (words) => {
          const m = sequential([dense(2, 3, { rng: createRng(0) })]);
          new Uint32Array(m.layers[0]!.params.kernel!.data.buffer).set(words);
          const copy = fromJSON(viaText(toJSON(m)));
          expect(bytesOf(copy.layers[0]!.params.kernel!.data)).toEqual(
            bytesOf(m.layers[0]!.params.kernel!.data),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});

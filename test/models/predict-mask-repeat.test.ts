// predict reads the step mask an input carries on every call, not only the
// first: a second call on the same masked tensor once took the repeat fast
// path, which ignored the mask and read the padding as real steps.
import { describe, expect, it } from 'vitest';
import { dense } from '../../src/layers/dense.js';
import { embedding } from '../../src/layers/embedding.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { withMask } from '../../src/tensor/mask.js';

describe('predict on a tensor that carries a step mask', () => {
  it('gives the same answer on every call, the masked one', () => {
    const rng = createRng(5);
    const encoder = sequential([
      embedding(10, 4, { maskZero: true, rng }),
      lstm(4, 5, { rng, returnSequences: true }),
    ]);
    const head = sequential([gru(5, 3, { rng }), dense(3, 2, { rng })]);
    const whole = sequential([...encoder.layers, ...head.layers]);
    const ids = tensor(
      [
        [1, 2, 3, 0, 0],
        [4, 5, 0, 0, 0],
      ],
      { dtype: 'int32' },
    );
    const want = Array.from(predict(whole, ids).data);
    const h = predict(encoder, ids);
    for (let call = 0; call < 3; call++) expect(Array.from(predict(head, h).data)).toEqual(want);
  });

  it('reads a withMask mask on repeated calls, as the unpadded sequences', () => {
    const rng = createRng(2);
    const model = sequential([gru(2, 3, { rng }), dense(3, 1, { rng })]);
    const x = withMask(
      tensor([
        [
          [1, 2],
          [3, 4],
          [9, 9],
        ],
      ]),
      [[1, 1, 0]],
    );
    const cut = Array.from(
      predict(
        model,
        tensor([
          [
            [1, 2],
            [3, 4],
          ],
        ]),
      ).data,
    );
    for (let call = 0; call < 3; call++) expect(Array.from(predict(model, x).data)).toEqual(cut);
  });
});

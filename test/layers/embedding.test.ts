import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../src/autograd/functional.js';
import { backward } from '../../src/autograd/backward.js';
import { ValueError, ShapeError } from '../../src/_lib/errors.js';
import { dense } from '../../src/layers/dense.js';
import { embedding } from '../../src/layers/embedding.js';
import { mse } from '../../src/losses/mse.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { mul } from '../../src/ops/mul.js';
import { sum } from '../../src/ops/sum.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { maskOf } from '../../src/tensor/mask.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { fit } from '../../src/training/fit.js';
import { checkParity, data } from '../engine/_parity.js';

const ctx = { training: false, rng: createRng(0) };
const TABLE = [
  [0, 0],
  [1, 2],
  [3, 4],
  [5, 6],
];

describe('embedding', () => {
  it('looks rows up: y[b, t] = E[id[b, t]]', () => {
    const emb = embedding(4, 2, { embeddings: TABLE });
    const y = emb.forward(
      tensor(
        [
          [1, 3, 0],
          [2, 2, 1],
        ],
        { dtype: 'int32' },
      ),
      ctx,
    );
    expect(y.shape).toEqual([2, 3, 2]);
    expect(y.toArray()).toEqual([
      [
        [1, 2],
        [5, 6],
        [0, 0],
      ],
      [
        [3, 4],
        [3, 4],
        [1, 2],
      ],
    ]);
    expect(maskOf(y)).toBeNull();
  });

  it('takes float tensors of integer ids like int32 ones', () => {
    const emb = embedding(4, 2, { embeddings: TABLE });
    const a = emb.forward(tensor([[1, 3]]), ctx);
    const b = emb.forward(tensor([[1, 3]], { dtype: 'int32' }), ctx);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });

  it('starts uniform in [-0.05, 0.05], as Keras', () => {
    const e = embedding(50, 20, { rng: createRng(3) }).embeddings.data;
    let lo = Infinity,
      hi = -Infinity;
    for (const v of e) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBeGreaterThanOrEqual(-0.05);
    expect(hi).toBeLessThanOrEqual(0.05);
    // 1000 draws: the extremes come within 0.005 of the bounds (p of missing ≈ 0.9^1000).
    expect(lo).toBeLessThan(-0.045);
    expect(hi).toBeGreaterThan(0.045);
  });

  it('with maskZero, marks id 0 as padding', () => {
    const emb = embedding(4, 2, { embeddings: TABLE, maskZero: true });
    const y = emb.forward(
      tensor(
        [
          [1, 0, 0],
          [2, 3, 0],
        ],
        { dtype: 'int32' },
      ),
      ctx,
    );
    expect(Array.from(maskOf(y)!)).toEqual([1, 0, 0, 1, 1, 0]);
  });

  it('scatter-adds the gradient into the rows used', () => {
    const emb = embedding(4, 2, { embeddings: TABLE });
    const y = emb.forward(tensor([[1, 3, 1]], { dtype: 'int32' }), { ...ctx, training: true });
    // loss = Σ y ⊙ w with w = [[1,2],[3,4],[5,6]]: ∂E[1] = [1,2] + [5,6], ∂E[3] = [3,4], others 0.
    backward(
      sum(
        mul(
          y,
          tensor([
            [
              [1, 2],
              [3, 4],
              [5, 6],
            ],
          ]),
        ),
      ),
    );
    expect(emb.embeddings.grad!.toArray()).toEqual([
      [0, 0],
      [6, 8],
      [0, 0],
      [3, 4],
    ]);
  });

  it('passes a float64 gradient check with respect to the table', () => {
    const emb = embedding(5, 3, { dtype: 'float64', rng: createRng(1) });
    const ids = tensor(
      [
        [0, 4, 4, 2],
        [1, 2, 3, 0],
      ],
      { dtype: 'int32' },
    );
    const w = tensor(
      Array.from({ length: 24 }, (_, i) => Math.sin(i + 1)),
      { shape: [2, 4, 3], dtype: 'float64' },
    );
    // gradcheck perturbs a parameter in place, so the layer sees it; y² makes the loss nonlinear.
    const g = (): Tensor => {
      const y = emb.forward(ids, { ...ctx, training: true });
      return sum(mul(mul(y, y), w));
    };
    expect(gradcheck(g, [emb.embeddings]).passed).toBe(true);
  });

  it('rejects ids outside the table, naming the layer, the id and its position in the batch', () => {
    const emb = embedding(4, 2, { name: 'words' });
    expect(() => emb.forward(tensor([[1, 4]]), ctx)).toThrow(
      /^embedding "words": token id 4 is outside the table's range \[0, 4\), at row 0, position 1 of the batch of 1 row this layer was given \(counting from 0\)$/,
    );
    expect(() =>
      emb.forward(
        tensor([
          [1, 2],
          [0, -1],
        ]),
        ctx,
      ),
    ).toThrow(/token id -1 is outside .* at row 1, position 1 of the batch of 2 rows/);
    expect(() => emb.forward(tensor([[1.5, 2]]), ctx)).toThrow(
      /token id 1.5 is not an integer in the table's range \[0, 4\), at row 0, position 0 /,
    );
    expect(() => emb.forward(tensor([[NaN]]), ctx)).toThrow(ValueError);
    // Per-sample ids of any shape: scalar ids name the row; [2, 2] ids, the index within it.
    expect(() => emb.forward(tensor([1, 2, 7]), ctx)).toThrow(/at row 2 of the batch of 3 rows/);
    expect(() =>
      emb.forward(
        tensor([
          [
            [0, 1],
            [9, 0],
          ],
        ]),
        ctx,
      ),
    ).toThrow(/at row 0, position \[1, 0\] of the batch/);
    const model = sequential([embedding(4, 2), dense(2, 1)]);
    expect(() => predict(model, tensor([[0, 9]], { dtype: 'int32' }))).toThrow(
      /token id 9 is outside .* at row 0, position 1 of the batch of 1 row/,
    );
  });

  it('says the row it names is the batch’s, which under fit and predict is not x’s', async () => {
    // A bad id at row 7 of x. Direct forward gets x as its batch; fit and predict with
    // batchSize 4 hand the layer rows 4..7 as a batch, where it is row 3. The message must
    // not pass row 3 off as x's row (it said "at [3, 1]" for all three).
    const model = sequential([embedding(4, 2), dense(2, 1)]);
    const ids = Array.from({ length: 10 }, () => [1, 2]);
    ids[7]![1] = 9;
    const y = Array.from({ length: 10 }, () => [[0], [0]]);
    expect(() => model.forward(tensor(ids), ctx)).toThrow(
      /token id 9 is outside the table's range \[0, 4\), at row 7, position 1 of the batch of 10 rows this layer was given/,
    );
    expect(() => predict(model, tensor(ids), { batchSize: 4 })).toThrow(
      /token id 9 is outside the table's range \[0, 4\), at row 3, position 1 of the batch of 4 rows this layer was given/,
    );
    await expect(
      fit(model, tensor(ids), tensor(y), {
        loss: mse,
        optimizer: sgd({ learningRate: 0.1 }),
        batchSize: 4,
        shuffle: false,
        rng: createRng(1),
      }),
    ).rejects.toThrow(/at row 3, position 1 of the batch of 4 rows this layer was given/);
  });

  it('rejects bad arguments', () => {
    expect(() => embedding(0, 2)).toThrow(/embedding: vocab must be a positive integer/);
    expect(() => embedding(3, 2.5)).toThrow(/dim/);
    expect(() => embedding(3, 2, { embeddings: [[1, 2]] })).toThrow(
      /embeddings must have shape \[3,2\]/,
    );
    expect(() => embedding(3, 2, { maskZero: true }).outputShape([2, 2])).toThrow(ShapeError);
    expect(() => embedding(3, 2, { bogus: 1 } as never)).toThrow(/bogus/);
  });

  it('trains from int32 ids through fit and predicts from them', async () => {
    // Each id's vector should map to its target through a fixed dense layer: y = e₀ + e₁.
    const rng = createRng(5);
    const model = sequential([
      embedding(3, 2, { rng }),
      dense(2, 1, { kernel: [[1], [1]], bias: [0], trainable: false }),
    ]);
    const x = tensor(
      [
        [0, 1, 2],
        [2, 1, 0],
      ],
      { dtype: 'int32' },
    );
    const y = tensor([
      [[1], [-1], [0.5]],
      [[0.5], [-1], [1]],
    ]);
    const h = await fit(model, x, y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0.5 }),
      epochs: 60,
      batchSize: 2,
      rng,
    });
    expect(h.loss.at(-1)!).toBeLessThan(1e-4);
    const p = predict(model, x);
    expect(Array.from(p.data).map((v) => Math.round(v * 100) / 100)).toEqual([
      1, -1, 0.5, 0.5, -1, 1,
    ]);
  });

  it('gives the same numbers on every path (float ids and int32 ids)', async () => {
    const ids = tensor(
      Array.from({ length: 24 }, (_, i) => (i * 5 + 1) % 7),
      { shape: [6, 4], dtype: 'int32' },
    );
    await checkParity({
      name: 'embedding maskZero + dense',
      build: () =>
        sequential([
          embedding(7, 3, { maskZero: true, rng: createRng(2) }),
          dense(3, 2, { rng: createRng(3) }),
        ]),
      x: ids,
      y: data([6, 4, 2]),
      loss: mse,
      batchSize: 4,
    });
  });
});

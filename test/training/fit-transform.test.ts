import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { compose, randomFlip, randomNoise, randomShift } from '../../src/data/augment.js';
import { mixup } from '../../src/data/mixup.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { flatten } from '../../src/layers/flatten.js';
import { input } from '../../src/layers/symbolic.js';
import { addLayer } from '../../src/layers/merge.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { mse } from '../../src/losses/mse.js';
import { graph } from '../../src/models/graph.js';
import type { Model } from '../../src/models/model.js';
import { namedParameters } from '../../src/models/parameters.js';
import { sequential } from '../../src/models/sequential.js';
import { adam } from '../../src/optimizers/adam.js';
import { createRng, type Rng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { fit } from '../../src/training/fit.js';
import { accuracy } from '../../src/training/metrics.js';
import type { FitOptions } from '../../src/training/types.js';

const weights = (m: Model): number[][] => namedParameters(m).map((p) => Array.from(p.tensor.data));

/** 20 images of 2x2 pixels, one channel; pixel values 0..79 in order; class = row mod 3. */
function images(n = 20, offset = 0): { x: Tensor; y: Tensor } {
  const data = new Float32Array(n * 4);
  for (let i = 0; i < data.length; i++) data[i] = (offset + i) / 80;
  return {
    x: new Tensor(data, [n, 2, 2, 1]),
    y: tensor(Array.from({ length: n }, (_, i) => i % 3)),
  };
}

function cnnLike(seed: number): Model {
  const rng = createRng(seed);
  return sequential([flatten(), dense(4, 6, { rng }), dropout(0.2), dense(6, 3, { rng })]);
}

function options(seed: number, extra: Partial<FitOptions> = {}): FitOptions {
  return {
    loss: crossEntropy,
    optimizer: adam({ learningRate: 0.01 }),
    epochs: 3,
    batchSize: 6,
    rng: createRng(seed),
    ...extra,
  };
}

describe("fit's transform option", () => {
  it('a copying transform changes nothing: bit-identical weights and history to no transform', async () => {
    const { x, y } = images();
    const a = cnnLike(1);
    const ha = await fit(a, x, y, options(5, { metrics: [accuracy], validationSplit: 0.2 }));
    const b = cnnLike(1);
    const hb = await fit(
      b,
      x,
      y,
      options(5, {
        metrics: [accuracy],
        validationSplit: 0.2,
        transform: (xb, yb) => ({
          x: new Tensor(Float32Array.from(xb.data), xb.shape),
          y: new Tensor(Float32Array.from(yb.data), yb.shape),
        }),
      }),
    );
    expect(weights(b)).toEqual(weights(a));
    expect(hb).toEqual(ha);
  });

  it('trains on the transformed batch: doubling x in the transform equals fitting doubled x', async () => {
    const { x, y } = images();
    const doubled = new Tensor(
      x.data.map((v) => 2 * v),
      x.shape,
    );
    const a = cnnLike(2);
    await fit(a, doubled, y, options(7));
    const b = cnnLike(2);
    await fit(
      b,
      x,
      y,
      options(7, {
        transform: (xb, yb) => ({
          x: new Tensor(
            xb.data.map((v) => 2 * v),
            xb.shape,
          ),
          y: yb,
        }),
      }),
    );
    expect(weights(b)).toEqual(weights(a));
  });

  it('is reproducible under a seed with a random augmentation, and the augmentation matters', async () => {
    const { x, y } = images();
    const augment = compose([
      randomFlip(),
      randomShift({ height: 0.5, width: 0.5 }),
      randomNoise(),
    ]);
    const run = async (seed: number): Promise<[number[][], number[]]> => {
      const m = cnnLike(3);
      const h = await fit(m, x, y, options(seed, { transform: augment }));
      return [weights(m), h.loss];
    };
    const [w1, l1] = await run(9);
    const [w2, l2] = await run(9);
    const [w3] = await run(10);
    expect(w2).toEqual(w1);
    expect(l2).toEqual(l1);
    expect(w3).not.toEqual(w1);
    const plain = cnnLike(3);
    await fit(plain, x, y, options(9));
    expect(weights(plain)).not.toEqual(w1);
  });

  it('never sees validation data (validationSplit or validationData), only each training row once per epoch', async () => {
    const train = images(20);
    // Validation pixels are >= 1000: a transform that saw one would record it.
    const valData = new Float32Array(8 * 4).map((_, i) => 1000 + i);
    const val: [Tensor, Tensor] = [
      new Tensor(valData, [8, 2, 2, 1]),
      tensor([0, 1, 2, 0, 1, 2, 0, 1]),
    ];
    for (const extra of [
      { validationData: val },
      // validationSplit holds out the last rows: append the validation rows to the training ones.
      { validationSplit: 8 / 28 },
    ] as Partial<FitOptions>[]) {
      const seen: number[] = [];
      let calls = 0;
      const spy = (xb: Tensor, yb: Tensor, rng: Rng): { x: Tensor; y: Tensor } => {
        calls++;
        expect(typeof rng.uniform).toBe('function');
        // The first pixel of each image identifies its row.
        for (let r = 0; r < xb.shape[0]!; r++) seen.push(Math.round(xb.data[r * 4]! * 80) / 4);
        return { x: xb, y: yb };
      };
      const x =
        'validationSplit' in extra
          ? new Tensor(Float32Array.from([...train.x.data, ...valData]), [28, 2, 2, 1])
          : train.x;
      const y = 'validationSplit' in extra ? tensor([...train.y.data, ...val[1].data]) : train.y;
      await fit(cnnLike(4), x, y, options(1, { ...extra, transform: spy, epochs: 2 }));
      // 20 training rows, batches of 6: 4 calls per epoch.
      expect(calls).toBe(8);
      expect(seen).toHaveLength(40);
      expect(Math.max(...seen)).toBeLessThan(20);
      expect([...new Set(seen.slice(0, 20))].sort((p, q) => p - q)).toEqual(
        Array.from({ length: 20 }, (_, i) => i),
      );
    }
  });

  it('runs mixup with integer labels (targets become one-hot rows) and reports training metrics', async () => {
    const { x, y } = images(30);
    const m = cnnLike(5);
    const h = await fit(
      m,
      x,
      y,
      options(2, {
        metrics: [accuracy],
        transform: (xb, yb, rng) => mixup(xb, yb, 0.4, rng, { classes: 3 }),
      }),
    );
    expect(h.loss.every(Number.isFinite)).toBe(true);
    expect(h.metrics['accuracy']!.every((a) => a >= 0 && a <= 1)).toBe(true);
  });

  it('works with graph models (a residual block on the flattened images)', async () => {
    const { x, y } = images();
    const build = (): Model => {
      const rng = createRng(6);
      const inp = input([2, 2, 1]);
      const f = flatten().apply(inp);
      const r = addLayer().apply([f, dense(4, 4, { rng }).apply(f)]);
      return graph({ inputs: inp, outputs: dense(4, 3, { rng }).apply(r) });
    };
    const a = build();
    await fit(
      a,
      x,
      y,
      options(3, {
        transform: (xb, yb) => ({
          x: new Tensor(
            xb.data.map((v) => 1 - v),
            xb.shape,
          ),
          y: yb,
        }),
      }),
    );
    const flipped = new Tensor(
      x.data.map((v) => 1 - v),
      x.shape,
    );
    const b = build();
    await fit(b, flipped, y, options(3));
    expect(weights(a)).toEqual(weights(b));
  });

  it('rejects a bad transform or one returning the wrong shapes, naming epoch and batch', async () => {
    const { x, y } = images();
    await expect(fit(cnnLike(1), x, y, options(1, { transform: 3 as never }))).rejects.toThrow(
      'fit: transform must be a function (x, y, rng) => ({ x, y }), got 3',
    );
    await expect(
      fit(cnnLike(1), x, y, options(1, { transform: ((xb: Tensor) => ({ x: xb })) as never })),
    ).rejects.toThrow(
      "fit: transform at epoch 1, batch 1 must return { x, y }: float x of the batch's shape [6,2,2,1] and y of its 6 rows, got {x: a float32 Tensor of shape [6,2,2,1]}",
    );
    await expect(
      fit(
        cnnLike(1),
        x,
        y,
        options(1, {
          transform: (xb, yb) => ({ x: xb.shape[0] === 2 ? tensor([[1]]) : xb, y: yb }),
        }),
      ),
    ).rejects.toThrow(
      /^fit: transform at epoch 1, batch 4 must return \{ x, y \}.*got \{x: a float32 Tensor of shape \[1,1\]/,
    );
    await expect(
      fit(cnnLike(1), x, y, options(1, { transform: (xb) => ({ x: xb, y: tensor([0]) }) })),
    ).rejects.toThrow(ShapeError);
    await expect(
      fit(
        cnnLike(1),
        x,
        y,
        options(1, {
          transform: (xb, yb) => ({
            x: xb,
            y: new Tensor(
              yb.data.map(() => 7),
              yb.shape,
            ),
          }),
        }),
      ),
    ).rejects.toThrow(/^fit: transform at epoch 1, batch 1: y: .*label of row 0 is 7/);
    const a = input([2]);
    const b = input([2]);
    const two = graph({ inputs: [a, b], outputs: addLayer().apply([a, b]) });
    await expect(
      fit(two, [tensor([[1, 2]]), tensor([[3, 4]])], tensor([[0, 0]]), {
        loss: mse,
        optimizer: adam(),
        transform: (xb, yb) => ({ x: xb, y: yb }),
      }),
    ).rejects.toThrow(ValueError);
  });
});

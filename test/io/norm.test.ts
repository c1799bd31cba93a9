import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { fromJSON, toJSON } from '../../src/io/index.js';
import { fromTorchBatchNorm } from '../../src/io/layout-norm.js';
import { batchNorm, type BatchNorm } from '../../src/layers/batch-norm.js';
import { dense } from '../../src/layers/dense.js';
import { flatten } from '../../src/layers/flatten.js';
import { layerNorm } from '../../src/layers/layer-norm.js';
import { mse } from '../../src/losses/mse.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { adam } from '../../src/optimizers/adam.js';
import { createRng } from '../../src/random/rng.js';
import { l2 } from '../../src/regularizers/l2.js';
import { tensor } from '../../src/tensor/create.js';
import { fit } from '../../src/training/fit.js';
import { expectClose } from '../helpers/expect-close.js';
import { expectBitEqual, formatErrorOf, set, viaText } from './_helpers.js';

const infer = { training: false, rng: createRng(0) };

function data(shape: number[], phase = 0) {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, (_, i) => Math.sin(1.1 * i + phase) * 3),
    { shape },
  );
}

describe('toJSON/fromJSON of the normalization layers', () => {
  for (const dtype of ['float32', 'float64'] as const)
    it(`round trips bit for bit after training, running statistics included (${dtype})`, async () => {
      const rng = createRng(1);
      const m = sequential([
        batchNorm(2, {
          momentum: 0.7,
          epsilon: 1e-4,
          dtype,
          gammaRegularizer: l2(0.01),
          name: 'bn',
        }),
        flatten(),
        dense(8, 4, { dtype, rng }),
        layerNorm(4, { epsilon: 1e-5, dtype, center: false }),
        dense(4, 1, { dtype, rng }),
      ]);
      const x = data([6, 2, 2, 2]);
      await fit(m, x, data([6, 1], 1), {
        loss: mse,
        optimizer: adam({ learningRate: 0.05 }),
        epochs: 2,
        batchSize: 3,
        rng: createRng(2),
      });
      const bn = m.layers[0] as BatchNorm;
      // Training moved the running statistics away from their initial 0 and 1.
      expect(Array.from(bn.movingMean.data).some((v) => v !== 0)).toBe(true);
      const doc = viaText(toJSON(m));
      const copy = fromJSON(doc);
      const bn2 = copy.layers[0] as BatchNorm;
      expectBitEqual(bn2.movingMean, bn.movingMean);
      expectBitEqual(bn2.movingVariance, bn.movingVariance);
      expectBitEqual(bn2.gamma!, bn.gamma!);
      expect(bn2.config).toEqual(bn.config);
      expectBitEqual(predict(copy, x), predict(m, x));
      expect(copy.layers[3]!.config).toEqual(m.layers[3]!.config);
    });

  it('keeps trainable false (and so inference mode)', () => {
    const bn = batchNorm(2, { trainable: false, movingMean: [1, 2] });
    const copy = fromJSON(viaText(toJSON(sequential([bn, dense(2, 1)]))));
    expect(copy.layers[0]!.trainable).toBe(false);
  });

  it('rejects bad fields with the path', () => {
    const good = viaText(toJSON(sequential([batchNorm(2), dense(2, 1)])));
    const bad = (path: string, v: unknown): string =>
      formatErrorOf(() => fromJSON(set(viaText(good), path, v)));
    expect(bad('model.layers.0.config.momentum', 2)).toMatch(
      /model\.layers\[0\]\.config\.momentum must be a finite number >= 0 and <= 1/,
    );
    expect(bad('model.layers.0.config.features', 0)).toMatch(/config\.features/);
    expect(bad('model.layers.0.config.scale', 'yes')).toMatch(/config\.scale/);
    expect(
      bad('model.layers.0.state.movingMean', {
        dtype: 'float32',
        shape: [3],
        data: 'AAAAAAAAAAAAAAAA',
      }),
    ).toMatch(/state\.movingMean/);
    expect(bad('model.layers.0.config.scale', false)).toMatch(/unknown weight "gamma"/);
    // A negative running variance would make every inference output NaN (sqrt of a
    // negative); the layer's checkState refuses it before the state is written.
    // 'AACAvwAAgD8=' is float32 [-1, 1], little-endian.
    expect(
      bad('model.layers.0.state.movingVariance', {
        dtype: 'float32',
        shape: [2],
        data: 'AACAvwAAgD8=',
      }),
    ).toMatch(
      /state\.movingVariance must hold non-negative values \(the batchNorm layer's movingVariance\), got \[-1,1\]/,
    );
    const ln = viaText(toJSON(sequential([layerNorm(2), dense(2, 1)])));
    expect(formatErrorOf(() => fromJSON(set(ln, 'model.layers.0.config.epsilon', -1)))).toMatch(
      /config\.epsilon/,
    );
  });
});

describe('fromTorchBatchNorm', () => {
  it('maps momentum m to 1 − m, keeps eps and the running variance, and computes eval-mode outputs', () => {
    const bn = fromTorchBatchNorm(
      {
        weight: [1.5, 1],
        bias: [0, 0.5],
        running_mean: [0.1, -0.2],
        running_var: [0.9, 1.1],
        momentum: 0.1,
        eps: 1e-5,
        num_batches_tracked: 100,
      },
      { dtype: 'float64' },
    );
    expect(bn.config.momentum).toBe(0.9);
    expect(bn.config.epsilon).toBe(1e-5);
    expect(Array.from(bn.movingVariance.data)).toEqual([0.9, 1.1]);
    // PyTorch eval: y_c = weight_c·(x_c − mean_c)/√(var_c + eps) + bias_c, channels last here.
    const y = bn.forward(tensor([[[[1, 2]]]], { dtype: 'float64' }), infer);
    expectClose(y, [(1.5 * 0.9) / Math.sqrt(0.9 + 1e-5), 2.2 / Math.sqrt(1.1 + 1e-5) + 0.5], {
      atol: 1e-15,
    });
  });

  it('affine=False, defaults, and bad input', () => {
    const bn = fromTorchBatchNorm({ running_mean: [0, 0, 0], running_var: [1, 1, 1] });
    expect(bn.config.scale).toBe(false);
    expect(bn.config.center).toBe(false);
    expect(bn.config.momentum).toBe(0.9);
    expect(bn.config.epsilon).toBe(1e-5);
    expect(() =>
      fromTorchBatchNorm({ running_mean: [0], running_var: [1], momentum: null }),
    ).toThrow(/fromTorchBatchNorm: momentum is null .* no equivalent/);
    expect(() => fromTorchBatchNorm({ running_mean: [0, 1], running_var: [1] })).toThrow(
      /batchNorm: movingVariance must have shape \[2\], got \[1\]/,
    );
    expect(() =>
      fromTorchBatchNorm({ running_mean: [0], running_var: [1], runing: 1 } as never),
    ).toThrow(ValueError);
  });
});

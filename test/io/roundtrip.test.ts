import { describe, expect, it } from 'vitest';
import type { Activation } from '../../src/activations/define.js';
import * as activations from '../../src/activations/index.js';
import {
  elu,
  gelu,
  leakyRelu,
  relu,
  sigmoid,
  softmax,
  softplus,
  tanh,
} from '../../src/activations/index.js';
import { constant, uniform } from '../../src/init/constant.js';
import { heNormal } from '../../src/init/variance.js';
import { fromJSON, toJSON } from '../../src/io/index.js';
import { activation } from '../../src/layers/activation.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { flatten } from '../../src/layers/flatten.js';
import type { Model } from '../../src/models/model.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { l1 } from '../../src/regularizers/l1.js';
import { l1l2 } from '../../src/regularizers/l1l2.js';
import { l2 } from '../../src/regularizers/l2.js';
import { tensor, type TensorLike } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectBitEqual, viaText } from './_helpers.js';

const x3 = tensor([
  [0.7, -1.5, 0.2],
  [3.25, 0, -0.001],
  [-40, 12.5, 1e-7],
]);

function roundTrip(model: Model): Model<TensorLike, Tensor> {
  return fromJSON(viaText(toJSON(model)));
}

function expectSamePredictions(
  a: Model<TensorLike, Tensor>,
  b: Model<TensorLike, Tensor>,
  x = x3,
): void {
  expectBitEqual(predict(b, x), predict(a, x));
}

describe('toJSON / fromJSON round trip', () => {
  it('writes the documented envelope', () => {
    const j = toJSON(sequential([dense(3, 2, { rng: createRng(0) })]));
    expect(j.format).toBe('myelin.model');
    expect(j.version).toBe(2);
    expect(j.model.kind).toBe('sequential');
    expect(Object.keys(j)).toEqual(['format', 'version', 'model']);
    const layer = j.model.layers[0]!;
    expect(Object.keys(layer)).toEqual(['kind', 'name', 'config', 'trainable', 'weights']);
    expect(layer.weights.kernel!.shape).toEqual([3, 2]);
    expect(layer.weights.kernel!.dtype).toBe('float32');
    // 6 float32 = 24 bytes = 32 base64 characters; bias: 2 zeros = 8 bytes = 12 characters.
    expect(layer.weights.kernel!.data).toHaveLength(32);
    expect(layer.weights.bias).toEqual({ dtype: 'float32', shape: [2], data: 'AAAAAAAAAAA=' });
  });

  it('stores known weights as their little-endian bytes', () => {
    const m = sequential([dense(1, 2, { kernel: [[1, -2]], bias: [0.5, 0] })]);
    const w = toJSON(m).model.layers[0]!.weights;
    // 1.0f = 00 00 80 3F, -2.0f = 00 00 00 C0 -> base64 of those 8 bytes.
    expect(w.kernel!.data).toBe('AACAPwAAAMA=');
    // 0.5f = 00 00 00 3F.
    expect(w.bias!.data).toBe('AAAAPwAAAAA=');
  });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`predicts bit for bit after a JSON text cycle (${dtype}, dense + dropout + activation + flatten)`, () => {
      const rng = createRng(7);
      const m = sequential([
        flatten(),
        dense(3, 5, { activation: tanh, rng, dtype }),
        dropout(0.3, { seed: 11 }),
        dense(5, 4, { rng, dtype, kernelInitializer: heNormal() }),
        activation(leakyRelu.with({ alpha: 0.2 })),
        dropout(0.5),
        dense(4, 3, { rng, dtype, useBias: false }),
        activation(softmax),
      ]);
      const copy = roundTrip(m);
      expect(copy.layers.map((l) => l.kind)).toEqual(m.layers.map((l) => l.kind));
      expectSamePredictions(m, copy);
      expect(copy.layers[1]!.params.kernel!.dtype).toBe(dtype);
      // The copy owns its weights: training it cannot move the original.
      expect(copy.layers[1]!.params.kernel).not.toBe(m.layers[1]!.params.kernel);
      // Saving the copy gives the same document (nothing lost or added).
      expect(toJSON(copy)).toEqual(toJSON(m));
    });
  }

  it('round-trips every exported activation, by name and settings', () => {
    const all = Object.values(activations).filter(
      (v): v is Activation =>
        typeof v === 'function' && typeof (v as Partial<Activation>).activationName === 'string',
    );
    expect(all.length).toBeGreaterThanOrEqual(6);
    const configured: Activation[] = [
      leakyRelu.with({ alpha: 0.2 }),
      elu.with({ alpha: 0.5 }),
      gelu.with({ approximate: 'tanh' }),
      softplus.with({ beta: 2, threshold: 10 }),
      softmax.with({ axis: 0 }),
      activations.hardSigmoid.with({ alpha: 1 / 6 }),
    ];
    for (const fn of [...all, ...configured]) {
      for (const dtype of ['float32', 'float64'] as const) {
        const m = sequential([
          dense(3, 4, { activation: fn, rng: createRng(3), dtype }),
          activation(fn),
        ]);
        const j = viaText(toJSON(m));
        expect(j.model.layers[0]!.config.activation).toBe(fn.activationName);
        expect(j.model.layers[0]!.config.activationConfig).toEqual({ ...fn.config });
        const copy = fromJSON(j);
        expectSamePredictions(m, copy);
        expect(toJSON(copy)).toEqual(toJSON(m));
      }
    }
  });

  it('keeps frozen flags, names, initializer settings and regularizers', () => {
    const rng = createRng(5);
    const m = sequential([
      dense(3, 4, {
        rng,
        name: 'hidden',
        activation: relu,
        kernelInitializer: uniform({ low: -0.2, high: 0.3 }),
        biasInitializer: constant(0.25),
        kernelRegularizer: l2(1e-4),
        biasRegularizer: l1(0.002),
        activityRegularizer: l1l2({ l1: 0.01, l2: 0.02 }),
        trainable: false,
      }),
      dense(4, 1, { rng, activation: sigmoid }),
    ]);
    m.layers[1]!.trainable = false;
    const j = viaText(toJSON(m));
    expect(j.model.layers[0]!.regularizers).toEqual({
      params: {
        kernel: { kind: 'l2', config: { factor: 1e-4 } },
        bias: { kind: 'l1', config: { factor: 0.002 } },
      },
      activity: { kind: 'l1l2', config: { l1: 0.01, l2: 0.02 } },
    });
    const copy = fromJSON(j);
    expect(copy.layers.map((l) => l.trainable)).toEqual([false, false]);
    expect(copy.layers[0]!.config).toEqual(m.layers[0]!.config);
    expect(copy.layers[0]!.regularizers?.params?.kernel?.kind).toBe('l2');
    expect(copy.layers[0]!.regularizers?.activity?.config).toEqual({ l1: 0.01, l2: 0.02 });
    // The penalties work: the same value on the same weights.
    const k0 = m.layers[0]!.params.kernel!,
      k1 = copy.layers[0]!.params.kernel!;
    expectBitEqual(
      copy.layers[0]!.regularizers!.params!.kernel!.penalty(k1),
      m.layers[0]!.regularizers!.params!.kernel!.penalty(k0),
    );
    expectSamePredictions(m, copy);
  });

  it('accepts the JSON text itself', () => {
    const m = sequential([dense(3, 2, { rng: createRng(2) })]);
    expectSamePredictions(m, fromJSON(JSON.stringify(toJSON(m))));
  });

  it('keeps exotic weight values exactly (NaN payload, -0, infinities, subnormals, extremes)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const m = sequential([dense(2, 3, { rng: createRng(1), dtype })]);
      const k = m.layers[0]!.params.kernel!.data;
      if (dtype === 'float32')
        new Uint32Array(k.buffer).set([
          0x7fc00001, 0x80000000, 0x7f800000, 0x00000001, 0x7f7fffff, 0xff800000,
        ]);
      else
        new BigUint64Array(k.buffer).set([
          0x7ff8000000000123n,
          0x8000000000000000n,
          0x7ff0000000000000n,
          1n,
          0x7fefffffffffffffn,
          0xfff0000000000000n,
        ]);
      const copy = roundTrip(m);
      expectBitEqual(copy.layers[0]!.params.kernel!, m.layers[0]!.params.kernel!);
    }
  });

  it('toJSON refuses what JSON cannot hold, naming the field', () => {
    const layer = dense(2, 2, { rng: createRng(0) });
    const bad = { ...layer, config: { ...layer.config, scale: NaN } };
    expect(() => toJSON(sequential([bad]))).toThrow(
      /toJSON: model\.layers\[0\]\.config\.scale must be a finite number to be saved, got NaN/,
    );
    const fnInConfig = { ...layer, config: { ...layer.config, f: () => 1 } };
    expect(() => toJSON(sequential([fnInConfig]))).toThrow(
      /model\.layers\[0\]\.config\.f must be JSON-able/,
    );
    expect(() => toJSON({} as Model)).toThrow(/toJSON: model must be a model made by sequential/);
    expect(() => toJSON(sequential([layer]), { optimiser: 1 } as never)).toThrow(
      /unknown option "optimiser"/,
    );
  });
});

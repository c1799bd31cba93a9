import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { fmtShape } from '../../src/_lib/shape.js';
import { defineActivation, defineConfigurable, sigmoid } from '../../src/activations/index.js';
import type { Activation } from '../../src/activations/define.js';
import { fromJSON, toJSON, type CustomLayerBuilder } from '../../src/io/index.js';
import { activation } from '../../src/layers/activation.js';
import { dense } from '../../src/layers/dense.js';
import type { Layer } from '../../src/layers/layer.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { add } from '../../src/ops/add.js';
import { mul } from '../../src/ops/mul.js';
import { createRng } from '../../src/random/rng.js';
import type { Regularizer } from '../../src/regularizers/regularizer.js';
import { tensor } from '../../src/tensor/create.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectBitEqual, formatErrorOf, viaText } from './_helpers.js';

// A custom activation x·sigmoid(x), and a configurable one x·factor + shift.
const mySwish = defineActivation('mySwish', (x) => mul(x, sigmoid(x)));
const affineAct = defineConfigurable(
  'affineAct',
  { factor: 2, shift: 0 },
  (c) => (x) => add(mul(x, c.factor), c.shift),
);

// A custom layer: y = x ⊙ gamma + beta, per feature (a learnable scale and shift).
interface ScaleConfig {
  readonly width: number;
  readonly activation: string;
}
function scaleLayer(
  width: number,
  options: { gamma?: Tensor; beta?: Tensor; activation?: Activation } = {},
): Layer<'scale', ScaleConfig> {
  const gamma =
    options.gamma ??
    new Tensor(
      Float32Array.from({ length: width }, (_, i) => 1 + i / 4),
      [width],
      true,
    );
  const beta =
    options.beta ??
    new Tensor(
      Float32Array.from({ length: width }, (_, i) => -i / 8),
      [width],
      true,
    );
  const act = options.activation ?? sigmoid;
  return {
    kind: 'scale',
    config: { width, activation: act.activationName },
    params: { gamma, beta },
    trainable: true,
    inputShape: [width],
    outputShape: (s) => [...s],
    forward: (x: Tensor) => act(add(mul(x, gamma), beta)),
  };
}
const scaleBuilder: CustomLayerBuilder = (config, weights, context) =>
  scaleLayer(config.width as number, {
    gamma: weights.gamma!,
    beta: weights.beta!,
    activation: context.activation(config.activation as string),
  });

const x = tensor([
  [0.5, -1, 2],
  [4, 0.25, -3],
]);

describe('custom kinds registered with the loader', () => {
  it('saves a custom activation by name and loads it when registered', () => {
    const m = sequential([
      dense(3, 4, { activation: mySwish, rng: createRng(1) }),
      activation(affineAct.with({ shift: 0.5 })),
    ]);
    const j = viaText(toJSON(m));
    expect(j.model.layers[0]!.config.activation).toBe('mySwish');
    expect(j.model.layers[1]!.config).toEqual({
      activation: 'affineAct',
      activationConfig: { factor: 2, shift: 0.5 },
    });
    // Not registered: the loader names the field and says how to fix it.
    expect(formatErrorOf(() => fromJSON(j))).toMatch(
      /^fromJSON: model\.layers\[0\]\.config\.activation must be a known activation \(.*\), got "mySwish"$/,
    );
    const copy = fromJSON(j, { activations: { mySwish, affineAct } });
    expectBitEqual(predict(copy, x), predict(m, x));
    expect((copy.layers[1] as Layer & { activation: Activation }).activation.config).toEqual({
      factor: 2,
      shift: 0.5,
    });
  });

  it('rebuilds a custom layer kind from its config and weights', () => {
    const m = sequential([
      dense(3, 4, { rng: createRng(2) }),
      scaleLayer(4, { activation: mySwish }),
    ]);
    m.layers[1]!.trainable = false;
    const j = viaText(toJSON(m));
    expect(j.model.layers[1]!.kind).toBe('scale');
    expect(j.model.layers[1]!.config).toEqual({ width: 4, activation: 'mySwish' });
    expect(Object.keys(j.model.layers[1]!.weights)).toEqual(['gamma', 'beta']);
    expect(formatErrorOf(() => fromJSON(j, { activations: { mySwish } }))).toMatch(
      /^fromJSON: model\.layers\[1\]\.kind must be a known layer kind \(dense, dropout, flatten, activation, add, multiply, average, concatenate, reshape(?:, \w+)*; register others with options\.layers\), got "scale"$/,
    );
    const copy = fromJSON(j, { layers: { scale: scaleBuilder }, activations: { mySwish } });
    expect(copy.layers[1]!.trainable).toBe(false);
    expect(copy.layers[1]!.params.gamma!.requiresGrad).toBe(true);
    expectBitEqual(predict(copy, x), predict(m, x));
  });

  it('checks what a custom builder returns against the file', () => {
    const j = viaText(toJSON(sequential([scaleLayer(3)])));
    const wrongShape: CustomLayerBuilder = (config) => scaleLayer((config.width as number) + 1);
    expect(formatErrorOf(() => fromJSON(j, { layers: { scale: wrongShape } }))).toBe(
      "fromJSON: model.layers[0].weights.gamma (float32 [3]) does not match the rebuilt layer's parameter (float32 [4])",
    );
    const notALayer: CustomLayerBuilder = () => ({}) as Layer;
    expect(formatErrorOf(() => fromJSON(j, { layers: { scale: notALayer } }))).toMatch(
      /model\.layers\[0\] was rebuilt by options\.layers\.scale as .*, not a layer/,
    );
    const throws: CustomLayerBuilder = () => {
      throw new ValueError('scale: width too small');
    };
    expect(formatErrorOf(() => fromJSON(j, { layers: { scale: throws } }))).toBe(
      'fromJSON: model.layers[0] is invalid: scale: width too small',
    );
    const changesConfig: CustomLayerBuilder = (c, w) => ({
      ...scaleBuilder(c, w, {
        trainable: true,
        regularizers: undefined,
        activation: () => sigmoid,
      }),
      config: { width: 3, activation: 'tanh' },
    });
    expect(formatErrorOf(() => fromJSON(j, { layers: { scale: changesConfig } }))).toMatch(
      /model\.layers\[0\]\.config\.activation must be a value the factory keeps as given/,
    );
    // A custom config is still checked as data: forbidden keys, NaN, functions never get through.
    const bad = viaText(j) as { model: { layers: { config: Record<string, unknown> }[] } };
    bad.model.layers[0]!.config = JSON.parse(
      '{"width":3,"activation":"sigmoid","nested":{"__proto__":{"x":1}}}',
    ) as Record<string, unknown>;
    expect(formatErrorOf(() => fromJSON(bad, { layers: { scale: scaleBuilder } }))).toBe(
      'fromJSON: model.layers[0].config.nested has a forbidden key "__proto__"',
    );
    expect(fmtShape([3])).toBe('[3]');
  });

  it('loads custom regularizers', () => {
    const halfL2 = (factor: number): Regularizer => ({
      kind: 'halfL2',
      config: { factor },
      penalty: (w) => mul(mul(w, w), factor / 2),
    });
    const m = sequential([dense(3, 2, { rng: createRng(3), kernelRegularizer: halfL2(0.1) })]);
    const j = viaText(toJSON(m));
    expect(formatErrorOf(() => fromJSON(j))).toMatch(
      /^fromJSON: model\.layers\[0\]\.regularizers\.params\.kernel\.kind must be a known regularizer \(l1, l2, l1l2; register others with options\.regularizers\), got "halfL2"$/,
    );
    const copy = fromJSON(j, { regularizers: { halfL2: (c) => halfL2(c.factor!) } });
    expect(copy.layers[0]!.regularizers?.params?.kernel?.config).toEqual({ factor: 0.1 });
  });

  it('validates the registrations (programming errors, so ValueError)', () => {
    const j = toJSON(sequential([dense(3, 2, { rng: createRng(4) })]));
    expect(() => fromJSON(j, { activations: { swish2: mySwish } })).toThrow(
      /options\.activations\.swish2 is named "mySwish"; register it under its own name/,
    );
    expect(() => defineActivation('relu', (t) => t)).toThrow(
      'defineActivation: name "relu" is a built-in activation; choose another name, so saved models cannot confuse the two',
    );
    expect(() => fromJSON(j, { layers: { dense: scaleBuilder } })).toThrow(
      /options\.layers\.dense would replace the built-in layer/,
    );
    expect(() => fromJSON(j, { layers: { scale: 3 as never } })).toThrow(
      /options\.layers\.scale must be a function, got 3/,
    );
    expect(() => fromJSON(j, { activations: { f: ((t: Tensor) => t) as never } })).toThrow(
      /options\.activations\.f must be an activation made with defineActivation/,
    );
  });
});

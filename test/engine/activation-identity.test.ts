// The activation regression of the engine rewrite. The old planned predict
// and fused step recognised activations by NAME: a custom activation called
// 'sigmoid' ran the built-in sigmoid in predict (0.731 for an input of 1)
// while model.forward ran the custom function (100), and a custom 'relu' was
// replaced by the built-in inside dense even in forward. Now an activation is
// identified by its function wherever it runs, and defineActivation refuses
// the built-in names (so a saved model cannot reload a custom 'relu' as the
// built-in one).
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { BUILTIN_ACTIVATION_NAMES } from '../../src/activations/define.js';
import {
  activation,
  createRng,
  defineActivation,
  defineConfigurable,
  dense,
  fit,
  fromJSON,
  mse,
  mul,
  onesInitializer,
  predict,
  sequential,
  sgd,
  tensor,
  toJSON,
  type Activation,
  type Layer,
  type Optimizer,
  type Tensor,
} from '../../src/index.js';

/** An activation object made by hand (not through defineActivation), carrying any name. */
function named(name: string, f: (x: Tensor) => Tensor): Activation {
  return Object.assign((x: Tensor) => f(x), { activationName: name, config: {} });
}

const times100 = (x: Tensor): Tensor => mul(x, 100);

/** The first batch's loss and the gradients fit's step hands the optimizer. */
async function firstStep(
  layers: Layer[],
  x: number[][],
  y: number[][],
): Promise<{ loss: number; grads: number[][] }> {
  const grads: number[][] = [];
  const opt = sgd({ learningRate: 0 });
  const watching = Object.create(opt) as Optimizer;
  Object.defineProperty(watching, 'step', {
    value: (params: readonly Tensor[], g?: readonly (Tensor | null)[]) => {
      grads.push(...(g ?? []).map((t) => Array.from(t!.data)));
      opt.step(params, g);
    },
  });
  const history = await fit(sequential(layers), x, y, {
    loss: mse,
    optimizer: watching,
    epochs: 1,
    batchSize: x.length,
    shuffle: false,
    rng: createRng(0),
  });
  return { loss: history.loss[0]!, grads };
}

describe('built-in activation names are reserved', () => {
  it('defineActivation("sigmoid", ...) throws a ValueError naming the function and the name', () => {
    expect(() => defineActivation('sigmoid', times100)).toThrow(ValueError);
    expect(() => defineActivation('sigmoid', times100)).toThrow(
      'defineActivation: name "sigmoid" is a built-in activation; choose another name, so saved models cannot confuse the two',
    );
  });

  it.each(BUILTIN_ACTIVATION_NAMES.map((n) => [n]))(
    '%s is refused by defineActivation and defineConfigurable',
    (name) => {
      expect(() => defineActivation(name, times100)).toThrow(`name "${name}" is a built-in`);
      expect(() => defineConfigurable(name, { k: 1 }, () => times100)).toThrow(
        `defineConfigurable: name "${name}" is a built-in`,
      );
    },
  );
});

describe('a custom activation runs as itself on every path', () => {
  // dense(1, 1) with kernel 1 and bias 0: y = f(x); for x = 1, f = 100x gives 100.
  const cases: [string, Activation][] = [
    ['defined as "times100"', defineActivation('times100', times100)],
    // Made by hand with a built-in's name: dispatch by name would run the
    // built-in sigmoid (0.731) or relu (fused into the product); dispatch by
    // function runs 100x.
    ['carrying the name "sigmoid"', named('sigmoid', times100)],
    ['carrying the name "relu"', named('relu', times100)],
    ['carrying the name "identity"', named('identity', times100)],
  ];

  it.each(cases)('%s in a dense layer: predict, forward and fit give 100x', async (_n, act) => {
    const layer = (): Layer =>
      dense(1, 1, { activation: act, kernelInitializer: onesInitializer() });
    const m = sequential([layer()]);
    const x = [[1], [-0.5]];
    expect(Array.from(predict(m, x).data)).toEqual([100, -50]);
    const rng = createRng(0);
    expect(Array.from(m.forward(tensor(x), { training: false, rng }).data)).toEqual([100, -50]);
    expect(Array.from(m.forward(tensor(x), { training: true, rng }).data)).toEqual([100, -50]);
    // fit's step: mse against 0 on x = 1: loss = 100² = 10000; with y = 100·(w·x + b),
    // ∂/∂w = 2·100·y·x = 20000 and ∂/∂b = 2·100·y = 20000.
    const step = await firstStep([layer()], [[1]], [[0]]);
    expect(step.loss).toBe(10000);
    expect(step.grads).toEqual([[20000], [20000]]);
  });

  it.each(cases)('%s in an activation layer: the same', async (_n, act) => {
    const m = sequential([activation(act)]);
    expect(Array.from(predict(m, [[1, -2]]).data)).toEqual([100, -200]);
    expect(
      Array.from(m.forward(tensor([[1, -2]]), { training: false, rng: createRng(0) }).data),
    ).toEqual([100, -200]);
    // Loss and gradient through a layer in front of it: mse(100·x, 0) for x = w·1 + 0 = 1.
    const step = await firstStep(
      [dense(1, 1, { kernelInitializer: onesInitializer() }), activation(act)],
      [[1]],
      [[0]],
    );
    expect(step.loss).toBe(10000);
    expect(step.grads).toEqual([[20000], [20000]]);
  });

  it('is saved by its name and reloads only when registered, as itself', () => {
    const custom = defineActivation('times100', times100);
    const m = sequential([
      dense(1, 1, { activation: custom, kernelInitializer: onesInitializer() }),
    ]);
    const saved = JSON.parse(JSON.stringify(toJSON(m))) as ReturnType<typeof toJSON>;
    expect(() => fromJSON(saved)).toThrow(/must be a known activation .*got "times100"/);
    const copy = fromJSON(saved, { activations: { times100: custom } });
    expect(Array.from(predict(copy, [[1]]).data)).toEqual([100]);
  });
});

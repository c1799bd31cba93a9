import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import * as activations from '../../src/activations/index.js';
import type { Activation } from '../../src/activations/define.js';
import { noGrad } from '../../src/autograd/graph.js';
import { sum } from '../../src/ops/sum.js';
import { tensor } from '../../src/tensor/create.js';

const {
  defineActivation,
  defineConfigurable,
  elu,
  gelu,
  leakyRelu,
  logSoftmax,
  softmax,
  softplus,
  relu,
} = activations;

// The names models are saved under: changing one breaks every saved model.
const STABLE_NAMES: Record<string, string> = {
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  identity: 'identity',
  softmax: 'softmax',
  logSoftmax: 'logSoftmax',
  leakyRelu: 'leakyRelu',
  elu: 'elu',
  selu: 'selu',
  gelu: 'gelu',
  softplus: 'softplus',
  softsign: 'softsign',
  silu: 'silu',
  swish: 'silu', // an alias of silu
  hardSigmoid: 'hardSigmoid',
};

const DEFAULT_CONFIGS: Record<string, object> = {
  softmax: { axis: -1 },
  logSoftmax: { axis: -1 },
  leakyRelu: { alpha: 0.01 },
  elu: { alpha: 1 },
  gelu: { approximate: 'none' },
  softplus: { beta: 1, threshold: 20 },
  hardSigmoid: { alpha: 0.2, beta: 0.5 },
};

const exported = Object.entries(activations).filter(
  ([k]) => k !== 'defineActivation' && k !== 'defineConfigurable',
) as [string, Activation][];

describe('names and configs', () => {
  it('every exported activation has its stable activationName and function name', () => {
    expect(exported.map(([k]) => k).sort()).toEqual(Object.keys(STABLE_NAMES).sort());
    for (const [key, f] of exported) {
      expect(f.activationName, key).toBe(STABLE_NAMES[key]);
      expect(f.name, key).toBe(STABLE_NAMES[key]);
    }
  });

  it('default configs are as documented (PyTorch defaults), frozen and JSON-able', () => {
    for (const [key, f] of exported) {
      expect(f.config, key).toEqual(DEFAULT_CONFIGS[key] ?? {});
      expect(Object.isFrozen(f.config), key).toBe(true);
      expect(JSON.parse(JSON.stringify(f.config)), key).toEqual(f.config);
    }
  });

  it('.with() merges into a new function and leaves the original unchanged', () => {
    const sp2 = softplus.with({ beta: 2 });
    expect(sp2).not.toBe(softplus);
    expect(sp2.config).toEqual({ beta: 2, threshold: 20 });
    const sp3 = sp2.with({ threshold: 5 });
    expect(sp3.config).toEqual({ beta: 2, threshold: 5 });
    expect(sp2.config).toEqual({ beta: 2, threshold: 20 });
    expect(softplus.config).toEqual({ beta: 1, threshold: 20 });
    expect(sp3.activationName).toBe('softplus');
    // The original still computes with its own settings: log(1 + e)/1 vs log(1 + e²)/2.
    const x = tensor([1], { dtype: 'float64' });
    expect(softplus(x).item()).toBeCloseTo(1.3132616875182228, 15);
    expect(sp2(x).item()).toBeCloseTo(1.0634640055214863, 15);

    const lr = leakyRelu.with({ alpha: 0.2 });
    expect(lr(tensor([-1], { dtype: 'float64' })).item()).toBe(-0.2);
    expect(leakyRelu(tensor([-1], { dtype: 'float64' })).item()).toBe(-0.01);
    expect(gelu.with({ approximate: 'tanh' }).config).toEqual({ approximate: 'tanh' });
    expect(gelu.config).toEqual({ approximate: 'none' });
    expect(elu.with({}).config).toEqual({ alpha: 1 });
  });

  it('softmax.with({ axis }) keeps the optional axis argument and the name', () => {
    const s0 = softmax.with({ axis: 0 });
    expect(s0.activationName).toBe('softmax');
    expect(s0.config).toEqual({ axis: 0 });
    expect(softmax.config).toEqual({ axis: -1 });
    const x = tensor(
      [
        [0, 0],
        [Math.log(3), 0],
      ],
      { dtype: 'float64' },
    );
    expect(Array.from(s0(x).data)).toEqual(Array.from(softmax(x, 0).data));
    // An explicit axis argument overrides the configured one.
    expect(Array.from(s0(x, -1).data)).toEqual(Array.from(softmax(x).data));
    expect(logSoftmax.with({ axis: 1 }).with({ axis: 0 }).config).toEqual({ axis: 0 });
  });

  it('invalid settings fail with a message naming the activation, the setting and the value', () => {
    const cases: [() => unknown, string][] = [
      [() => leakyRelu.with({ alpha: NaN }), 'leakyRelu: alpha must be a finite number, got NaN'],
      [() => elu.with({ alpha: Infinity }), 'elu: alpha must be a finite number, got Infinity'],
      [
        () => gelu.with({ approximate: 'erf' as 'none' }),
        'gelu: approximate must be one of "none", "tanh", got "erf"',
      ],
      [() => softplus.with({ beta: 0 }), 'softplus: beta must be a finite number > 0, got 0'],
      [
        () => softplus.with({ threshold: NaN }),
        'softplus: threshold must be a finite number, got NaN',
      ],
      [() => softmax.with({ axis: 1.5 }), 'softmax: axis must be an integer, got 1.5'],
      [
        () => leakyRelu.with({ slope: 0.1 } as never),
        'leakyRelu: unknown option "slope" in config; expected one of alpha',
      ],
      [() => leakyRelu.with(null as never), 'leakyRelu: config must be an object, got null'],
      [() => relu([1, 2] as never), 'relu: x must be a Tensor, got [1,2]'],
      [() => softmax(tensor([[1, 2]]), 2), 'softmax: axis must be an integer in [-2, 1], got 2'],
      [
        () => logSoftmax.with({ axis: 3 })(tensor([1, 2])),
        'logSoftmax: axis must be an integer in [-1, 0], got 3',
      ],
    ];
    for (const [run, message] of cases) expect(run).toThrow(new ValueError(message));
    // A failed .with() leaves the original usable and unchanged.
    expect(leakyRelu.config).toEqual({ alpha: 0.01 });
    expect(leakyRelu(tensor([-1], { dtype: 'float64' })).item()).toBe(-0.01);
  });

  it('every activation rejects a non-tensor input, naming itself', () => {
    for (const [key, f] of exported) {
      expect(() => f({} as never), key).toThrow(
        new ValueError(`${STABLE_NAMES[key]!}: x must be a Tensor, got {}`),
      );
    }
  });

  it('defineActivation and defineConfigurable carry names and configs for custom activations', () => {
    const double = defineActivation('double', (x) => sum(x));
    expect(double.activationName).toBe('double');
    expect(double.config).toEqual({});
    const scaled = defineConfigurable(
      'scaled',
      { k: 2 },
      (c) => (x) => tensor(Array.from(x.data, (v) => v * c.k)),
    );
    expect(scaled(tensor([1, 2])).toArray()).toEqual([2, 4]);
    expect(
      scaled
        .with({ k: 3 })(tensor([1, 2]))
        .toArray(),
    ).toEqual([3, 6]);
    expect(scaled.config).toEqual({ k: 2 });
  });
});

describe('autograd recording', () => {
  it('records only when an input requires a gradient and gradients are on', () => {
    for (const [key, f] of exported) {
      if (key === 'identity') continue; // returns its input itself
      const plain = f(tensor([0.5, -0.5]));
      expect(plain.requiresGrad, key).toBe(false);
      const leaf = tensor([0.5, -0.5], { requiresGrad: true });
      const y = f(leaf);
      expect(y.requiresGrad, key).toBe(true);
      expect(y.node?.op, key).toBe(STABLE_NAMES[key]);
      expect(noGrad(() => f(leaf)).node, key).toBeNull();
    }
  });
});

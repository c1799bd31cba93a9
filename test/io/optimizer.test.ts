import { describe, expect, it } from 'vitest';
import { relu, tanh } from '../../src/activations/index.js';
import { backward } from '../../src/autograd/backward.js';
import { fromJSON, optimizerFromJSON, toJSON } from '../../src/io/index.js';
import { dense } from '../../src/layers/dense.js';
import { mse } from '../../src/losses/mse.js';
import type { Model } from '../../src/models/model.js';
import { parameters } from '../../src/models/parameters.js';
import { sequential } from '../../src/models/sequential.js';
import { adagrad } from '../../src/optimizers/adagrad.js';
import { adam, adamw } from '../../src/optimizers/adam.js';
import type { Optimizer } from '../../src/optimizers/optimizer.js';
import { rmsprop } from '../../src/optimizers/rmsprop.js';
import { cosineAnnealing, stepDecay } from '../../src/optimizers/schedules.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import type { FloatDType } from '../../src/_lib/typed.js';
import { bytesOf, del, formatErrorOf, get, set, viaText } from './_helpers.js';

const x = tensor([
  [0.5, -1, 2],
  [1.5, 0.25, -0.75],
  [-2, 1, 0.1],
  [0.3, 0.3, 0.3],
]);
const y = tensor([[1], [0], [-1], [0.5]]);

function makeModel(dtype: FloatDType): Model {
  const rng = createRng(2024);
  return sequential([
    dense(3, 5, { activation: tanh, rng, dtype }),
    dense(5, 4, { activation: relu, rng, dtype }),
    dense(4, 1, { rng, dtype }),
  ]);
}

/** Plain full-batch gradient steps: forward, mse, backward, step, zeroGrad. */
function train(model: Model, opt: Optimizer, steps: number): void {
  const params = parameters(model, { trainableOnly: true });
  const ctx = { training: true, rng: createRng(0) };
  for (let s = 0; s < steps; s++) {
    const loss = mse(model.forward(x, ctx), y);
    backward(loss);
    opt.step(params);
    opt.zeroGrad(params);
  }
}

function weightBytes(model: Model): Uint8Array[] {
  return parameters(model).map((p) => bytesOf(p.data));
}

const cases: [string, () => Optimizer][] = [
  ['sgd with momentum', () => sgd({ learningRate: 0.05, momentum: 0.9 })],
  [
    'sgd nesterov + weight decay + dampening-free',
    () => sgd({ learningRate: 0.05, momentum: 0.8, nesterov: true, weightDecay: 1e-3 }),
  ],
  [
    'sgd with dampening and a step schedule',
    () =>
      sgd({
        learningRate: stepDecay({ initial: 0.1, stepSize: 4, gamma: 0.5 }),
        momentum: 0.9,
        dampening: 0.1,
      }),
  ],
  ['adam', () => adam({ learningRate: 0.01 })],
  [
    'adam amsgrad + clipNorm + cosine schedule',
    () =>
      adam({
        learningRate: cosineAnnealing({ initial: 0.02, totalSteps: 20, warmupSteps: 3 }),
        amsgrad: true,
        clipNorm: 0.5,
      }),
  ],
  ['adamw + clipValue', () => adamw({ learningRate: 0.01, clipValue: 0.1 })],
  [
    'rmsprop centered with momentum',
    () => rmsprop({ learningRate: 0.01, momentum: 0.5, centered: true }),
  ],
  ['adagrad', () => adagrad({ learningRate: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 })],
];

describe('optimizer state in the model file', () => {
  it('saves and restores a one-element parameter of shape [1, 1] (its step counter is stored flat)', () => {
    // dense(1, 1) has a [1, 1] kernel: the float64 step counter has the kernel's
    // size but not its dtype, so it must not be stored in the kernel's shape.
    const xs = tensor([[1], [2], [3]]);
    const ys = tensor([[2], [4], [6]]);
    const make = (): Model => sequential([dense(1, 1, { rng: createRng(5) })]);
    const fitSteps = (m: Model, opt: Optimizer, steps: number): void => {
      const params = parameters(m);
      for (let s = 0; s < steps; s++) {
        backward(mse(m.forward(xs, { training: true, rng: createRng(0) }), ys));
        opt.step(params);
        opt.zeroGrad(params);
      }
    };
    const straight = make();
    fitSteps(straight, adam({ learningRate: 0.1 }), 5);
    const first = make();
    const opt1 = adam({ learningRate: 0.1 });
    fitSteps(first, opt1, 3);
    const saved = viaText(toJSON(first, { optimizer: opt1 }));
    const model2 = fromJSON(saved);
    const opt2 = optimizerFromJSON(saved, model2);
    fitSteps(model2, opt2, 2);
    expect(weightBytes(model2)).toEqual(weightBytes(straight));
  });

  for (const dtype of ['float32', 'float64'] as const) {
    for (const [name, make] of cases) {
      it(`${name} (${dtype}): N steps, save, load, M steps = N + M steps, bit for bit`, () => {
        const N = 7,
          M = 6;
        const straight = makeModel(dtype);
        const opt = make();
        train(straight, opt, N + M);

        const first = makeModel(dtype);
        const opt1 = make();
        train(first, opt1, N);
        const saved = viaText(toJSON(first, { optimizer: opt1 }));
        const model2 = fromJSON(saved);
        const opt2 = optimizerFromJSON(saved, model2);
        expect(opt2.kind).toBe(opt1.kind);
        expect(opt2.iterations).toBe(N);
        expect(opt2.config).toEqual(opt1.config);
        train(model2, opt2, M);

        expect(weightBytes(model2)).toEqual(weightBytes(straight));
        // A check that can fail: without the restored state (a fresh optimizer) the weights differ.
        const fresh = fromJSON(saved);
        train(fresh, make(), M);
        expect(weightBytes(fresh)).not.toEqual(weightBytes(straight));
      });
    }
  }

  it('stores one slot record per model parameter, with the documented fields', () => {
    const m = makeModel('float32');
    const opt = adam({ learningRate: 0.01 });
    train(m, opt, 2);
    const j = toJSON(m, { optimizer: opt });
    expect(j.optimizer!.kind).toBe('adam');
    expect(j.optimizer!.config).toEqual({
      learningRate: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      weightDecay: 0,
      amsgrad: false,
    });
    expect(j.optimizer!.state.iterations).toBe(2);
    expect(j.optimizer!.state.slots).toHaveLength(6);
    const s0 = j.optimizer!.state.slots[0]!;
    expect(Object.keys(s0).sort()).toEqual(['m', 'step', 'v']);
    expect(s0.m!.shape).toEqual([3, 5]);
    expect(s0.m!.dtype).toBe('float32');
    // step = 2 as a float64: 0x4000000000000000, little-endian.
    expect(s0.step).toEqual({ dtype: 'float64', shape: [1], data: 'AAAAAAAAAEA=' });
  });

  it('saves the live learning rate (a callback may have changed it) and the state of frozen layers as empty', () => {
    const m = makeModel('float64');
    m.layers[0]!.trainable = false;
    const opt = sgd({ learningRate: 0.1, momentum: 0.9 });
    train(m, opt, 3);
    opt.learningRate = 0.025;
    const j = viaText(toJSON(m, { optimizer: opt }));
    expect(j.optimizer!.config.learningRate).toBe(0.025);
    expect(j.optimizer!.state.slots[0]).toEqual({});
    const m2 = fromJSON(j);
    const opt2 = optimizerFromJSON(j, m2);
    expect(opt2.currentLearningRate()).toBe(0.025);
    expect(m2.layers[0]!.trainable).toBe(false);
    train(m, opt, 2);
    train(m2, opt2, 2);
    expect(weightBytes(m2)).toEqual(weightBytes(m));
  });

  it('restores a schedule by kind and config', () => {
    const m = makeModel('float32');
    const opt = adam({ learningRate: stepDecay({ initial: 0.1, stepSize: 2 }) });
    train(m, opt, 5);
    const j = viaText(toJSON(m, { optimizer: opt }));
    expect(j.optimizer!.config.learningRate).toEqual({
      kind: 'stepDecay',
      config: { initial: 0.1, stepSize: 2, gamma: 0.1 },
    });
    const opt2 = optimizerFromJSON(j, fromJSON(j));
    expect(opt2.currentLearningRate()).toBe(opt.currentLearningRate());
    expect(opt2.currentLearningRate()).toBeCloseTo(0.001, 15); // 0.1 · 0.1^floor(5/2)
  });

  it('rejects an optimizer section that does not fit, naming the field', () => {
    const m = makeModel('float32');
    const opt = adam();
    train(m, opt, 1);
    const good = viaText(toJSON(m, { optimizer: opt }));
    const tamper = (f: (j: unknown) => unknown): unknown => {
      const j = viaText(good) as unknown;
      f(j);
      return j;
    };
    const cases: [(j: unknown) => unknown, RegExp][] = [
      [
        (j) => set(j, 'optimizer.kind', 'lbfgs'),
        /optimizer\.kind must be a known optimizer \(sgd, adam, adamw, rmsprop, adagrad; .*got "lbfgs"/,
      ],
      [
        (j) => set(j, 'optimizer.config.momentum', 0.9),
        /optimizer\.config is invalid: adam: unknown option "momentum"/,
      ],
      [(j) => del(j, 'optimizer.config.beta1'), /optimizer\.config is missing the field "beta1"/],
      [
        (j) => set(j, 'optimizer.config.beta1', 1.5),
        /optimizer\.config is invalid: adam: beta1 must be/,
      ],
      [
        (j) => set(j, 'optimizer.config.beta1', [0.9]),
        /optimizer\.config\.beta1 must be a number, string or boolean/,
      ],
      [
        (j) => set(j, 'optimizer.config.learningRate', { kind: 'warmup', config: {} }),
        /optimizer\.config\.learningRate\.kind must be a known schedule/,
      ],
      [
        (j) => set(j, 'optimizer.config.learningRate', -1),
        /optimizer\.config\.learningRate must be a finite number >= 0, got -1/,
      ],
      [
        (j) => set(j, 'optimizer.state.iterations', -1),
        /optimizer\.state\.iterations must be an integer >= 0/,
      ],
      [
        (j) => set(j, 'optimizer.state.iterations', 1.5),
        /optimizer\.state\.iterations must be an integer/,
      ],
      [
        (j) => (get(j, 'optimizer.state.slots') as unknown[]).pop(),
        /optimizer\.state\.slots must be an array with one entry per model parameter \(6\), got an array of length 5/,
      ],
      [
        (j) => set(j, 'optimizer.state.slots.1.m.shape', [4]),
        /optimizer\.state\.slots\[1\]\.m\.shape must be \[5\] \(the shape of parameter 1, or \[1\] for a per-parameter count\), got \[4\]/,
      ],
      [
        (j) => set(j, 'optimizer.state.slots.0.m.dtype', 'float64'),
        /optimizer\.state\.slots\[0\]\.m\.dtype must be "float32" \(the dtype of parameter 0\)/,
      ],
      [
        (j) =>
          set(
            j,
            'optimizer.state.slots.0.m.data',
            (get(j, 'optimizer.state.slots.0.m.data') as string).slice(4),
          ),
        /optimizer\.state\.slots\[0\]\.m\.data must be base64 of 60 bytes/,
      ],
      [
        (j) => set(j, 'optimizer.state.slots.0.extra', get(j, 'optimizer.state.slots.0.m')),
        /optimizer\.state is invalid: adam: state\.slots\[0\] has unknown buffer "extra"/,
      ],
      [(j) => set(j, 'optimizer.state.extra', 1), /optimizer\.state has unknown field "extra"/],
      [(j) => set(j, 'optimizer', []), /^fromJSON: optimizer must be an object, got \[\]$/],
    ];
    for (const [f, re] of cases) {
      expect(formatErrorOf(() => fromJSON(tamper(f)))).toMatch(re);
    }
    // optimizerFromJSON says so too, under its own name.
    expect(
      formatErrorOf(() =>
        optimizerFromJSON(
          tamper((j) => set(j, 'optimizer.state.iterations', -1)),
          fromJSON(good),
        ),
      ),
    ).toMatch(/^optimizerFromJSON: optimizer\.state\.iterations/);
  });

  it('optimizerFromJSON needs an optimizer section and a model that fits', () => {
    const m = makeModel('float32');
    expect(formatErrorOf(() => optimizerFromJSON(toJSON(m), m))).toMatch(
      /optimizerFromJSON: the document has no optimizer section/,
    );
    const opt = sgd({ momentum: 0.5 });
    train(m, opt, 1);
    const j = toJSON(m, { optimizer: opt });
    const other = sequential([dense(3, 1, { rng: createRng(1) })]);
    expect(formatErrorOf(() => optimizerFromJSON(j, other))).toMatch(
      /one entry per model parameter \(2\)/,
    );
    expect(() => optimizerFromJSON(j, {} as Model)).toThrow(
      /optimizerFromJSON: model must be a model made by sequential/,
    );
  });
});

describe('toJSON with an optimizer that trained another model', () => {
  it('refuses instead of silently dropping its state', async () => {
    const {
      sequential: seq,
      dense: d,
      adam: a,
      fit: f,
      toJSON: save,
      createRng: rng,
    } = await import('../../src/index.js');
    const trained = seq([d(2, 1, { rng: rng(1) })]);
    const other = seq([d(2, 1, { rng: rng(2) })]);
    const opt = a();
    await f(trained, [[1, 2]], [[3]], {
      loss: (await import('../../src/index.js')).mse,
      optimizer: opt,
      epochs: 2,
    });
    expect(() => save(other, { optimizer: opt })).toThrow(
      "toJSON: options.optimizer has taken 2 steps but holds no state for this model's parameters; it trained another model (save that model with it)",
    );
    expect(save(trained, { optimizer: opt }).optimizer?.state.iterations).toBe(2);
  });
});

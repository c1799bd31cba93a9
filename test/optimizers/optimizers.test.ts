import { describe, it, expect } from 'vitest';
import { adagrad, adam, adamw, rmsprop, sgd } from '../../src/optimizers/index.js';
import type { Optimizer } from '../../src/optimizers/optimizer.js';
import type { Schedule } from '../../src/optimizers/schedule.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { backward } from '../../src/autograd/backward.js';
import { mul } from '../../src/ops/mul.js';
import { sum } from '../../src/ops/sum.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { expectClose } from '../helpers/expect-close.js';

// The tiny problem: minimize f(p) = Σ p², so g = 2p, starting from p = [1, −2] (float64).
const start = (): Tensor => tensor([1, -2], { dtype: 'float64', requiresGrad: true });

/** Runs `steps` steps of `opt` on f(p) = Σ p² through backward, returning p after each step. */
function trajectory(opt: Optimizer, steps: number, p = start()): number[][] {
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad([p]);
    backward(sum(mul(p, p)));
    opt.step([p]);
    out.push(Array.from(p.data));
  }
  return out;
}

/** Applies a scalar reference update (the formula as written in the docs) element-wise to p = [1, −2]. */
function reference(
  steps: number,
  update: (p: number, g: number, t: number, s: Record<string, number>) => number,
): number[][] {
  const ps = [1, -2];
  const states = ps.map((): Record<string, number> => ({}));
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < ps.length; i++) ps[i] = update(ps[i]!, 2 * ps[i]!, t, states[i]!);
    out.push([...ps]);
  }
  return out;
}

const close = (a: number[][], b: number[][]): void => {
  expectClose(a.flat(), b.flat(), { atol: 1e-12, rtol: 1e-12 });
};

describe('sgd', () => {
  it('plain steps: p − lr·g (hand-computed)', () => {
    // p = 1: 1 − 0.1·2 = 0.8, then 0.8 − 0.1·1.6 = 0.64; p = −2: −1.6, −1.28
    close(trajectory(sgd({ learningRate: 0.1 }), 2), [
      [0.8, -1.6],
      [0.64, -1.28],
    ]);
  });
  it('default learning rate is 0.01', () => {
    close(trajectory(sgd(), 1), [[0.98, -1.96]]);
    expect(sgd().config).toEqual({
      learningRate: 0.01,
      momentum: 0,
      dampening: 0,
      nesterov: false,
      weightDecay: 0,
    });
  });
  it('momentum (hand-computed): b = μb + g, p = p − lr·b', () => {
    // p=1: b=2, p=0.8; g=1.6, b=0.9·2+1.6=3.4, p=0.46; g=0.92, b=3.06+0.92=3.98, p=0.062
    const traj = trajectory(sgd({ learningRate: 0.1, momentum: 0.9 }), 3);
    expectClose(
      traj.map((r) => r[0]!),
      [0.8, 0.46, 0.062],
      { atol: 1e-12 },
    );
  });
  it('nesterov (hand-computed): d = g + μb', () => {
    // p=1: b=2, d=2+1.8=3.8, p=0.62; g=1.24, b=1.8+1.24=3.04, d=1.24+2.736=3.976, p=0.2224
    const traj = trajectory(sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), 2);
    expectClose(
      traj.map((r) => r[0]!),
      [0.62, 0.2224],
      { atol: 1e-12 },
    );
  });
  it('dampening: b = d on the first step, then μb + (1 − τ)d', () => {
    // p=1: b=2, p=0.8; g=1.6, b=1.8+0.5·1.6=2.6, p=0.8−0.26=0.54
    const traj = trajectory(sgd({ learningRate: 0.1, momentum: 0.9, dampening: 0.5 }), 2);
    expectClose(
      traj.map((r) => r[0]!),
      [0.8, 0.54],
      { atol: 1e-12 },
    );
  });
  it('weight decay adds λp to the gradient', () => {
    // p=1: d = 2 + 0.1 = 2.1, p = 0.79; g = 1.58, d = 1.58 + 0.079 = 1.659, p = 0.6241
    const traj = trajectory(sgd({ learningRate: 0.1, weightDecay: 0.1 }), 2);
    expectClose(
      traj.map((r) => r[0]!),
      [0.79, 0.6241],
      { atol: 1e-12 },
    );
  });
  it('all options together follow the PyTorch formula', () => {
    const [lr, mu, tau, wd] = [0.05, 0.8, 0.3, 0.01];
    close(
      trajectory(sgd({ learningRate: lr, momentum: mu, dampening: tau, weightDecay: wd }), 4),
      reference(4, (p, g, t, s) => {
        const d = g + wd * p;
        s.b = t === 1 ? d : mu * s.b! + (1 - tau) * d;
        return p - lr * s.b;
      }),
    );
  });
});

describe('adam and adamw', () => {
  it('first two steps (hand-computed)', () => {
    // t=1: m = 0.2, v = 0.004, m̂ = 2, v̂ = 4: p = 1 − 0.1·2/(2 + 1e-8) = 0.9000000005
    // t=2: g = 1.8, m = 0.36, v = 0.007236: p = 0.9 − 0.1·(0.36/0.19)/(√0.007236/√0.001999 + 1e-8) = 0.80041222869...
    const traj = trajectory(adam({ learningRate: 0.1 }), 2);
    expectClose(
      traj.map((r) => r[0]!),
      [0.9000000005, 0.8004122286917927],
      { atol: 1e-12 },
    );
  });
  const adamRef =
    (
      lr: number,
      b1: number,
      b2: number,
      eps: number,
      wd: number,
      decoupled: boolean,
      ams: boolean,
    ) =>
    (p: number, g: number, t: number, s: Record<string, number>): number => {
      if (decoupled) p = p - lr * wd * p;
      else g = g + wd * p;
      s.m = b1 * (s.m ?? 0) + (1 - b1) * g;
      s.v = b2 * (s.v ?? 0) + (1 - b2) * g * g;
      s.vMax = Math.max(s.vMax ?? 0, s.v);
      const v = ams ? s.vMax : s.v;
      return p - (lr / (1 - b1 ** t)) * (s.m / (Math.sqrt(v) / Math.sqrt(1 - b2 ** t) + eps));
    };
  it('adam with weight decay (coupled) follows the formula', () => {
    close(
      trajectory(
        adam({ learningRate: 0.05, beta1: 0.8, beta2: 0.9, epsilon: 1e-6, weightDecay: 0.1 }),
        4,
      ),
      reference(4, adamRef(0.05, 0.8, 0.9, 1e-6, 0.1, false, false)),
    );
  });
  it('adamw decays the weights directly (decoupled), default λ = 0.01', () => {
    // t=1: p = 1·(1 − 0.1·0.01) = 0.999, then − 0.1·2/(2 + 1e-8): 0.899000000...
    const first = trajectory(adamw({ learningRate: 0.1 }), 1)[0]![0]!;
    expect(first).toBeCloseTo(0.999 - 0.1 * (2 / (2 + 1e-8)), 12);
    close(
      trajectory(adamw({ learningRate: 0.05, weightDecay: 0.2 }), 4),
      reference(4, adamRef(0.05, 0.9, 0.999, 1e-8, 0.2, true, false)),
    );
    expect(adamw().config.weightDecay).toBe(0.01);
    expect(adam().config.weightDecay).toBe(0);
  });
  it('amsgrad uses the running max of v (explicit gradients that shrink)', () => {
    const p = tensor([1], { dtype: 'float64' });
    // β2 = 0.5 so v falls: v = 2, then 1.005, then 0.5075; vMax stays 2.
    const opt = adam({ learningRate: 0.1, beta2: 0.5, amsgrad: true });
    const grads = [2, 0.1, 0.1];
    let [m, v, vMax, q] = [0, 0, 0, 1];
    for (let t = 1; t <= 3; t++) {
      const g = grads[t - 1]!;
      opt.step([p], [tensor([g], { dtype: 'float64' })]);
      m = 0.9 * m + 0.1 * g;
      v = 0.5 * v + 0.5 * g * g;
      vMax = Math.max(vMax, v);
      q = q - (0.1 / (1 - 0.9 ** t)) * (m / (Math.sqrt(vMax) / Math.sqrt(1 - 0.5 ** t) + 1e-8));
      expect(p.data[0]).toBeCloseTo(q, 12);
    }
    expect(vMax).toBe(2);
    // vMax kept the larger value, so the last two steps differ from plain Adam
    const plain = tensor([1], { dtype: 'float64' });
    const opt2 = adam({ learningRate: 0.1, beta2: 0.5 });
    for (const g of grads) opt2.step([plain], [tensor([g], { dtype: 'float64' })]);
    expect(Math.abs(plain.data[0]! - p.data[0]!)).toBeGreaterThan(1e-4);
    close(
      trajectory(adamw({ learningRate: 0.05, amsgrad: true }), 3),
      reference(3, adamRef(0.05, 0.9, 0.999, 1e-8, 0.01, true, true)),
    );
  });
});

describe('rmsprop', () => {
  it('first step (hand-computed): v = 0.04, p = 1 − 0.01·2/√0.04', () => {
    expectClose(
      trajectory(rmsprop(), 1)[0]!,
      [1 - 0.01 * (2 / (0.2 + 1e-8)), -2 + 0.01 * (4 / (0.4 + 1e-8))],
      { atol: 1e-12 },
    );
  });
  it('centered with momentum (hand-computed first step, formula after)', () => {
    // v = 0.04, ḡ = 0.02, s = √(0.04 − 0.0004) + 1e-8, b = 2/s, p = 1 − 0.01·b = 0.89949622352...
    expect(trajectory(rmsprop({ momentum: 0.9, centered: true }), 1)[0]![0]).toBeCloseTo(
      0.8994962235245836,
      12,
    );
    const [lr, a, eps, mu, wd] = [0.02, 0.9, 1e-6, 0.5, 0.05];
    close(
      trajectory(
        rmsprop({
          learningRate: lr,
          alpha: a,
          epsilon: eps,
          momentum: mu,
          centered: true,
          weightDecay: wd,
        }),
        4,
      ),
      reference(4, (p, g, _t, s) => {
        g = g + wd * p;
        s.v = a * (s.v ?? 0) + (1 - a) * g * g;
        s.ga = a * (s.ga ?? 0) + (1 - a) * g;
        s.b = mu * (s.b ?? 0) + g / (Math.sqrt(s.v - s.ga * s.ga) + eps);
        return p - lr * s.b;
      }),
    );
  });
});

describe('adagrad', () => {
  it('follows the formula with lr decay and an initial accumulator', () => {
    // lrDecay 0.5: t=1: s = 4, p = 1 − 0.1·2/2 = 0.9; t=2: lr = 0.1/1.5, s = 4 + 3.24, p = 0.85540235123...
    expect(trajectory(adagrad({ learningRate: 0.1, lrDecay: 0.5 }), 2)[1]![0]).toBeCloseTo(
      0.8554023512316906,
      12,
    );
    const [lr, decay, init, eps, wd] = [0.1, 0.1, 0.5, 1e-10, 0.01];
    close(
      trajectory(
        adagrad({
          learningRate: lr,
          lrDecay: decay,
          initialAccumulatorValue: init,
          epsilon: eps,
          weightDecay: wd,
        }),
        4,
      ),
      reference(4, (p, g, t, s) => {
        g = g + wd * p;
        s.sum = (s.sum ?? init) + g * g;
        return p - (lr / (1 + (t - 1) * decay)) * (g / (Math.sqrt(s.sum) + eps));
      }),
    );
  });
});

describe('gradient clipping', () => {
  it('clipNorm rescales all gradients by maxNorm/(‖g‖ + 1e-6) when above it', () => {
    // grads [3] and [4]: global norm 5 → scaled by 1/(5 + 1e-6)
    const a = tensor([3], { dtype: 'float64' }),
      b = tensor([4], { dtype: 'float64' });
    const ga = tensor([3], { dtype: 'float64' }),
      gb = tensor([4], { dtype: 'float64' });
    sgd({ learningRate: 1, clipNorm: 1 }).step([a, b], [ga, gb]);
    expect(a.data[0]).toBeCloseTo(3 - 3 / (5 + 1e-6), 12);
    expect(b.data[0]).toBeCloseTo(4 - 4 / (5 + 1e-6), 12);
    expect(ga.data[0]).toBe(3); // the caller's gradients are not modified
    // below the threshold nothing changes
    const c = tensor([3], { dtype: 'float64' });
    sgd({ learningRate: 1, clipNorm: 10 }).step([c], [tensor([3], { dtype: 'float64' })]);
    expect(c.data[0]).toBe(0);
  });
  it('clipNorm rescales first, then clipValue clamps each element (as fit clips)', () => {
    const a = tensor([0, 0, 0], { dtype: 'float64' });
    sgd({ learningRate: 1, clipValue: 1 }).step([a], [tensor([3, -0.5, -7], { dtype: 'float64' })]);
    expect(Array.from(a.data)).toEqual([-1, 0.5, 1]);
    // torch 1.13: clip_grad_norm_([3, 4], 1) scales by 1/(5 + 1e-6), then
    // clip_grad_value_(3.5) leaves the (now small) values alone
    const b = tensor([0, 0], { dtype: 'float64' });
    sgd({ learningRate: 1, clipValue: 3.5, clipNorm: 1 }).step(
      [b],
      [tensor([3, 4], { dtype: 'float64' })],
    );
    const n = 5 + 1e-6;
    expectClose(b, [-3 / n, -4 / n], { atol: 1e-12 });
  });
});

describe('optimizer state', () => {
  const makers: [string, () => Optimizer][] = [
    ['sgd', () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true })],
    ['sgd-dampening', () => sgd({ learningRate: 0.1, momentum: 0.9, dampening: 0.2 })],
    ['adam', () => adam({ learningRate: 0.01, amsgrad: true })],
    ['adamw', () => adamw({ learningRate: 0.01, clipNorm: 1 })],
    ['rmsprop', () => rmsprop({ momentum: 0.5, centered: true })],
    ['adagrad', () => adagrad({ lrDecay: 0.1 })],
  ];
  for (const [name, make] of makers) {
    it(`${name}: getState/setState continues on the same trajectory bit for bit`, () => {
      const w1 = tensor(
        [
          [0.5, -1.5],
          [2, 0.25],
        ],
        { requiresGrad: true },
      );
      const w2 = tensor([0.3, -0.7], { requiresGrad: true });
      const loss = (a: Tensor, b: Tensor): Tensor => sum(mul(mul(a, a), b));
      const a = make();
      for (let s = 0; s < 3; s++) {
        a.zeroGrad([w1, w2]);
        backward(loss(w1, w2));
        a.step([w1, w2]);
      }
      const saved = a.getState([w1, w2]);
      expect(saved.iterations).toBe(3);
      const c1 = tensor(w1, { requiresGrad: true }),
        c2 = tensor(w2, { requiresGrad: true });
      const b = make();
      b.setState([c1, c2], saved);
      // getState copies: later steps of `a` must not change `saved`
      const snapshot = saved.slots.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.from(v)])),
      );
      for (let s = 0; s < 3; s++) {
        for (const [o, p, q] of [
          [a, w1, w2],
          [b, c1, c2],
        ] as const) {
          o.zeroGrad([p, q]);
          backward(loss(p, q));
          o.step([p, q]);
        }
      }
      expect(Array.from(c1.data)).toEqual(Array.from(w1.data));
      expect(Array.from(c2.data)).toEqual(Array.from(w2.data));
      expect(b.iterations).toBe(6);
      expect(
        saved.slots.map((r) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.from(v)])),
        ),
      ).toEqual(snapshot);
    });
  }

  it('names its buffers and reports none for an untouched param', () => {
    const p = start();
    const opt = adam();
    expect(opt.getState([p]).slots).toEqual([{}]);
    trajectory(opt, 1, p);
    expect(Object.keys(opt.getState([p]).slots[0]!).sort()).toEqual(['m', 'step', 'v']);
    expect(Object.keys(sgd({ momentum: 0.9 }).getState([p]).slots[0]!)).toEqual([]);
  });

  it('setState rejects mismatched state without changing anything', () => {
    const p = start();
    const opt = adam({ learningRate: 0.1 });
    trajectory(opt, 1, p);
    const good = opt.getState([p]);
    expect(() => {
      opt.setState([p], { iterations: 1, slots: [] });
    }).toThrow(ValueError);
    expect(() => {
      opt.setState([p], {
        iterations: 1,
        slots: [{ m: new Float64Array(3), v: new Float64Array(2), step: Float64Array.of(1) }],
      });
    }).toThrow('adam: state.slots[0].m.length must be 2, got 3');
    expect(() => {
      opt.setState([p], { iterations: -1, slots: good.slots });
    }).toThrow(ValueError);
    expect(() => {
      opt.setState([p], { iterations: 1, slots: [{ ...good.slots[0]!, w: new Float64Array(2) }] });
    }).toThrow(/unknown buffer "w"/);
    expect(opt.getState([p])).toEqual(good);
  });
});

describe('optimizer behavior', () => {
  it('skips params without gradients and increments iterations per step', () => {
    const a = start(),
      b = start();
    const opt = sgd({ learningRate: 0.1 });
    backward(sum(mul(a, a)));
    opt.step([a, b]);
    expect(Array.from(b.data)).toEqual([1, -2]);
    expect(Array.from(a.data)).toEqual([0.8, -1.6]);
    expect(opt.iterations).toBe(1);
    opt.zeroGrad([a, b]);
    expect(a.grad).toBeNull();
  });

  it('uses explicit gradients in place of .grad, null skipping', () => {
    const a = start(),
      b = start();
    sgd({ learningRate: 1 }).step([a, b], [tensor([1, 1], { dtype: 'float64' }), null]);
    expect(Array.from(a.data)).toEqual([0, -3]);
    expect(Array.from(b.data)).toEqual([1, -2]);
  });

  it('follows a schedule and stores it as { kind, config }', () => {
    const halving: Schedule = {
      kind: 'halving',
      config: { initial: 0.4 },
      rate: (s) => 0.4 / 2 ** s,
    };
    const opt = sgd({ learningRate: halving });
    expect(opt.currentLearningRate()).toBe(0.4);
    // p = 1: 1 − 0.4·2 = 0.2; then 0.2 − 0.2·0.4 = 0.12
    expectClose(
      trajectory(opt, 2).map((r) => r[0]!),
      [0.2, 0.12],
      { atol: 1e-12 },
    );
    expect(opt.currentLearningRate()).toBe(0.1);
    expect(
      (JSON.parse(JSON.stringify(opt.config)) as { learningRate: unknown }).learningRate,
    ).toEqual({
      kind: 'halving',
      config: { initial: 0.4 },
    });
    const bad: Schedule = { kind: 'bad', config: {}, rate: () => Number.NaN };
    expect(() => {
      sgd({ learningRate: bad }).step([start()], [tensor([1, 1], { dtype: 'float64' })]);
    }).toThrow(
      'sgd: schedule bad gave learning rate NaN at step 0; expected a non-negative finite number',
    );
  });

  it('learningRate can be replaced (validated) and the config follows', () => {
    const opt = adam({ learningRate: 0.1 });
    opt.learningRate = 0.05;
    expect(opt.currentLearningRate()).toBe(0.05);
    expect(opt.config.learningRate).toBe(0.05);
    expect(() => (opt.learningRate = -1)).toThrow(
      'adam: learningRate must be a non-negative finite number or a schedule, got -1',
    );
    expect(opt.learningRate).toBe(0.05);
  });

  it('updates float32 params in place, keeping the same data array', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const data = p.data;
    backward(sum(mul(p, p)));
    adam().step([p]);
    expect(p.data).toBe(data);
    expect(data[0]).toBeCloseTo(0.999, 6);
  });

  it('rejects a gradient of the wrong shape before touching any param', () => {
    const a = start(),
      b = start();
    const opt = adam();
    expect(() => {
      opt.step(
        [a, b],
        [tensor([1, 1], { dtype: 'float64' }), tensor([1, 1, 1], { dtype: 'float64' })],
      );
    }).toThrow(new ShapeError('adam: gradient 1 has shape [3] but its param has shape [2]'));
    expect(Array.from(a.data)).toEqual([1, -2]);
    expect(opt.iterations).toBe(0);
    expect(() => {
      opt.step([a], []);
    }).toThrow('adam: grads must have one entry per param (1), got 0');
    expect(() => {
      opt.step([[1, 2]] as never);
    }).toThrow('adam: params[0] must be a Tensor, got [1,2]');
  });

  it('configs are JSON-able and complete', () => {
    for (const opt of [
      sgd(),
      adam(),
      adamw(),
      rmsprop(),
      adagrad(),
      adam({ clipNorm: 1, clipValue: 0.5 }),
    ]) {
      expect(JSON.parse(JSON.stringify(opt.config))).toEqual(opt.config);
    }
    expect(adam({ clipNorm: 1, clipValue: 0.5 }).config).toEqual({
      learningRate: 1e-3,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      clipNorm: 1,
      clipValue: 0.5,
    });
    expect(rmsprop().config).toEqual({
      learningRate: 1e-2,
      alpha: 0.99,
      epsilon: 1e-8,
      momentum: 0,
      centered: false,
      weightDecay: 0,
    });
    expect(adagrad().config).toEqual({
      learningRate: 1e-2,
      lrDecay: 0,
      initialAccumulatorValue: 0,
      epsilon: 1e-10,
      weightDecay: 0,
    });
    expect(adamw().kind).toBe('adamw');
  });
});

describe('optimizer validation', () => {
  it('rejects bad hyperparameters with clear messages', () => {
    expect(() => adam({ learningRate: Number.NaN })).toThrow(
      'adam: learningRate must be a non-negative finite number or a schedule, got NaN',
    );
    expect(() => sgd({ learningRate: -0.1 })).toThrow(
      'sgd: learningRate must be a non-negative finite number or a schedule, got -0.1',
    );
    expect(() => adam({ beta1: 1 })).toThrow(
      'adam: beta1 must be a finite number >= 0 and < 1, got 1',
    );
    expect(() => adamw({ beta2: -0.1 })).toThrow(
      'adamw: beta2 must be a finite number >= 0 and < 1, got -0.1',
    );
    expect(() => adam({ epsilon: 0 })).toThrow('adam: epsilon must be a finite number > 0, got 0');
    expect(() => adam({ amsgrad: 'yes' as never })).toThrow(
      'adam: amsgrad must be a boolean, got "yes"',
    );
    expect(() => sgd({ momentum: -0.5 })).toThrow(
      'sgd: momentum must be a finite number >= 0, got -0.5',
    );
    expect(() => sgd({ nesterov: true })).toThrow(
      /sgd: nesterov must be used with momentum > 0 and dampening 0/,
    );
    expect(() => sgd({ nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(/nesterov/);
    expect(() => sgd({ weightDecay: -1 })).toThrow(
      'sgd: weightDecay must be a finite number >= 0, got -1',
    );
    expect(() => rmsprop({ alpha: 1 })).toThrow(
      'rmsprop: alpha must be a finite number >= 0 and < 1, got 1',
    );
    expect(() => rmsprop({ centered: 1 as never })).toThrow(
      'rmsprop: centered must be a boolean, got 1',
    );
    expect(() => adagrad({ lrDecay: -1 })).toThrow(
      'adagrad: lrDecay must be a finite number >= 0, got -1',
    );
    expect(() => adagrad({ initialAccumulatorValue: -1 })).toThrow(
      /adagrad: initialAccumulatorValue/,
    );
    expect(() => adam({ clipNorm: 0 })).toThrow(
      'adam: clipNorm must be a finite number > 0, got 0',
    );
    expect(() => sgd({ clipValue: Number.POSITIVE_INFINITY })).toThrow(
      'sgd: clipValue must be a finite number > 0, got Infinity',
    );
    expect(() => adam({ lr: 0.1 } as never)).toThrow(/adam: unknown option "lr"/);
    expect(() => adam(null as never)).toThrow('adam: options must be an object, got null');
  });
});

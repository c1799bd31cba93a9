import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import {
  constantLR,
  cosineAnnealing,
  exponentialDecay,
  stepDecay,
} from '../../src/optimizers/schedules.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { tensor } from '../../src/tensor/create.js';

const close = (a: number, b: number): void => {
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(1e-12 + 1e-12 * Math.abs(b));
};

describe('constantLR', () => {
  it('gives the same rate at every step', () => {
    const s = constantLR(0.01);
    expect(s.kind).toBe('constantLR');
    expect(s.config).toEqual({ rate: 0.01 });
    expect([0, 1, 1e6].map((t) => s.rate(t))).toEqual([0.01, 0.01, 0.01]);
  });
  it('rejects a non-positive rate', () => {
    expect(() => constantLR(0)).toThrow(/constantLR: rate must be a finite number > 0, got 0/);
    expect(() => constantLR(NaN)).toThrow(ValueError);
  });
});

describe('stepDecay', () => {
  it('is initial·gamma^floor(step/stepSize) (PyTorch StepLR)', () => {
    const s = stepDecay({ initial: 0.1, stepSize: 100, gamma: 0.5 });
    close(s.rate(0), 0.1); // 0.1·0.5^0
    close(s.rate(99), 0.1); // floor(0.99) = 0
    close(s.rate(100), 0.05); // 0.1·0.5^1
    close(s.rate(250), 0.025); // 0.1·0.5^2
    close(s.rate(399), 0.0125); // 0.1·0.5^3
    expect(s.config).toEqual({ initial: 0.1, stepSize: 100, gamma: 0.5 });
  });
  it('defaults gamma to 0.1 as PyTorch', () => {
    close(stepDecay({ initial: 1, stepSize: 10 }).rate(25), 0.01); // 1·0.1^2
  });
  it('rejects bad periods and rates', () => {
    expect(() => stepDecay({ initial: 0.1, stepSize: 0 })).toThrow(
      'stepDecay: stepSize must be a positive integer, got 0',
    );
    expect(() => stepDecay({ initial: 0.1, stepSize: 2.5 })).toThrow(
      /stepSize must be a positive integer, got 2.5/,
    );
    expect(() => stepDecay({ initial: -1, stepSize: 1 })).toThrow(
      /initial must be a finite number > 0/,
    );
    expect(() => stepDecay({ initial: 1, stepSize: 1, gamma: 0 })).toThrow(
      /gamma must be a finite number > 0/,
    );
    expect(() => stepDecay({ initial: 1, stepSize: 1, gama: 0.5 } as never)).toThrow(
      /unknown option "gama"/,
    );
  });
});

describe('exponentialDecay', () => {
  it('is initial·decayRate^(step/decaySteps) (Keras ExponentialDecay)', () => {
    const s = exponentialDecay({ initial: 0.01, decayRate: 0.5, decaySteps: 1000 });
    close(s.rate(0), 0.01);
    close(s.rate(1000), 0.005); // 0.01·0.5^1
    close(s.rate(500), 0.01 * Math.SQRT1_2); // 0.01·0.5^0.5 = 0.0070710678…
    close(s.rate(3000), 0.00125); // 0.01·0.5^3
    expect(s.config.staircase).toBe(0);
  });
  it('with staircase floors the exponent', () => {
    const s = exponentialDecay({
      initial: 0.01,
      decayRate: 0.5,
      decaySteps: 1000,
      staircase: true,
    });
    close(s.rate(999), 0.01); // floor(0.999) = 0
    close(s.rate(1500), 0.005); // floor(1.5) = 1
    expect(s.config).toEqual({ initial: 0.01, decayRate: 0.5, decaySteps: 1000, staircase: 1 });
    // The numeric config rebuilds the same schedule.
    close(exponentialDecay(s.config).rate(1500), 0.005);
  });
  it('rejects bad settings', () => {
    expect(() => exponentialDecay({ initial: 0.01, decayRate: 0.5, decaySteps: 0 })).toThrow(
      'exponentialDecay: decaySteps must be a positive integer, got 0',
    );
    expect(() => exponentialDecay({ initial: 0.01, decayRate: -0.5, decaySteps: 10 })).toThrow(
      /decayRate must be a finite number > 0/,
    );
    expect(() =>
      exponentialDecay({
        initial: 0.01,
        decayRate: 0.5,
        decaySteps: 10,
        staircase: 'yes' as never,
      }),
    ).toThrow(/staircase must be a boolean/);
  });
});

describe('cosineAnnealing', () => {
  it('without warm-up follows PyTorch CosineAnnealingLR up to totalSteps, then stays at minRate', () => {
    const s = cosineAnnealing({ initial: 0.1, totalSteps: 100, minRate: 0.01 });
    close(s.rate(0), 0.1); // cos(0) = 1 → initial
    close(s.rate(50), 0.055); // 0.01 + 0.09·(1 + cos(π/2))/2 = 0.01 + 0.045
    close(s.rate(25), 0.01 + (0.09 * (1 + Math.SQRT1_2)) / 2); // cos(π/4) = √½ → 0.0868198…
    close(s.rate(100), 0.01); // end
    close(s.rate(1000), 0.01); // after the end: the floor, not a rising cosine
  });
  it('warms up linearly from 0 to initial', () => {
    const s = cosineAnnealing({ initial: 0.1, totalSteps: 1000, warmupSteps: 100 });
    close(s.rate(0), 0); // 0.1·0/100
    close(s.rate(50), 0.05); // 0.1·50/100
    close(s.rate(100), 0.1); // peak: cosine phase at p = 0
    close(s.rate(550), 0.05); // p = 450/900 = ½ → 0.1·(1 + 0)/2
    close(s.rate(1000), 0);
    expect(s.config).toEqual({ initial: 0.1, totalSteps: 1000, minRate: 0, warmupSteps: 100 });
  });
  it('is non-increasing after the warm-up', () => {
    const s = cosineAnnealing({ initial: 1, totalSteps: 50, warmupSteps: 5, minRate: 0.1 });
    for (let t = 5; t < 60; t++) expect(s.rate(t + 1)).toBeLessThanOrEqual(s.rate(t));
  });
  it('rejects bad settings', () => {
    expect(() => cosineAnnealing({ initial: 0.1, totalSteps: 0 })).toThrow(
      'cosineAnnealing: totalSteps must be a positive integer, got 0',
    );
    expect(() => cosineAnnealing({ initial: 0.1, totalSteps: 10, warmupSteps: 10 })).toThrow(
      /warmupSteps must be less than totalSteps \(10\), got 10/,
    );
    expect(() => cosineAnnealing({ initial: 0.1, totalSteps: 10, warmupSteps: -1 })).toThrow(
      /warmupSteps must be a non-negative integer, got -1/,
    );
    expect(() => cosineAnnealing({ initial: 0.1, totalSteps: 10, minRate: 0.2 })).toThrow(
      /minRate must be a finite number >= 0 and <= 0.1, got 0.2/,
    );
  });
});

describe('every schedule', () => {
  it('rejects a negative or non-finite step', () => {
    for (const s of [
      constantLR(0.1),
      stepDecay({ initial: 0.1, stepSize: 1 }),
      exponentialDecay({ initial: 0.1, decayRate: 0.9, decaySteps: 1 }),
      cosineAnnealing({ initial: 0.1, totalSteps: 10 }),
    ]) {
      expect(() => s.rate(-1)).toThrow(
        new RegExp(`${s.kind}.rate: step must be a finite number >= 0, got -1`),
      );
      expect(() => s.rate(NaN)).toThrow(ValueError);
    }
  });
  it('has a JSON-able config', () => {
    const s = cosineAnnealing({ initial: 0.1, totalSteps: 10, warmupSteps: 2 });
    expect(JSON.parse(JSON.stringify({ kind: s.kind, config: s.config }))).toEqual({
      kind: 'cosineAnnealing',
      config: s.config,
    });
  });
});

describe('schedules drive an optimizer', () => {
  it('sgd follows stepDecay per update (iterations)', () => {
    const opt = sgd({ learningRate: stepDecay({ initial: 1, stepSize: 2, gamma: 0.5 }) });
    const w = tensor([0], { requiresGrad: true });
    const rates: number[] = [];
    for (let i = 0; i < 4; i++) {
      rates.push(opt.currentLearningRate());
      opt.step([w], [tensor([1])]);
    }
    // steps 0, 1 at 1; steps 2, 3 at 0.5: w = −(1 + 1 + 0.5 + 0.5) = −3
    expect(rates).toEqual([1, 1, 0.5, 0.5]);
    expect(w.data[0]).toBe(-3);
  });
});

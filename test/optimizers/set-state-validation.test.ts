import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { adagrad, adam, adamw, rmsprop, sgd } from '../../src/optimizers/index.js';
import type { Optimizer, OptimizerState } from '../../src/optimizers/optimizer.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';

// setState checks every value of every buffer: finite everywhere, and >= 0
// in the buffers whose square root the update takes (Adam/AdamW v and vMax,
// RMSprop squareAvg, Adagrad sum). A refused state changes nothing.

const param = (dtype: 'float32' | 'float64' = 'float64'): Tensor => tensor([1, -2], { dtype });
const grad = (): Tensor => tensor([0.1, 0.1], { dtype: 'float64' });

/** One step with the gradient [0.1, 0.1]; the weights after it. */
function stepOnce(opt: Optimizer, p: Tensor): number[] {
  opt.step([p], [grad()]);
  return Array.from(p.data);
}

const state = (slots: Record<string, number[]>): OptimizerState => ({
  iterations: 1,
  slots: [
    {
      ...Object.fromEntries(Object.entries(slots).map(([k, v]) => [k, Float64Array.from(v)])),
      step: Float64Array.of(1),
    },
  ],
});

describe('optimizer setState validates buffer values', () => {
  it.each([
    [
      'adam v negative',
      () => adam(),
      { m: [0, 0], v: [-1, NaN] },
      'adam: state.slots[0].v[0] passed to setState must be non-negative (the update takes its square root), got -1',
    ],
    [
      'adam v NaN',
      () => adam(),
      { m: [0, 0], v: [0.5, NaN] },
      'adam: state.slots[0].v[1] passed to setState must be a finite number, got NaN',
    ],
    [
      'adam m infinite',
      () => adam(),
      { m: [0, -Infinity], v: [0, 0] },
      'adam: state.slots[0].m[1] passed to setState must be a finite number, got -Infinity',
    ],
    [
      'adamw v negative',
      () => adamw(),
      { m: [0, 0], v: [0, -0.25] },
      'adamw: state.slots[0].v[1] passed to setState must be non-negative (the update takes its square root), got -0.25',
    ],
    [
      'amsgrad vMax negative',
      () => adam({ amsgrad: true }),
      { m: [0, 0], v: [0, 0], vMax: [-2, 0] },
      'adam: state.slots[0].vMax[0] passed to setState must be non-negative (the update takes its square root), got -2',
    ],
    [
      'rmsprop squareAvg negative',
      () => rmsprop(),
      { squareAvg: [1, -1e-3] },
      'rmsprop: state.slots[0].squareAvg[1] passed to setState must be non-negative (the update takes its square root), got -0.001',
    ],
    [
      'rmsprop centered gradAvg NaN',
      () => rmsprop({ centered: true }),
      { squareAvg: [1, 1], gradAvg: [NaN, 0] },
      'rmsprop: state.slots[0].gradAvg[0] passed to setState must be a finite number, got NaN',
    ],
    [
      'adagrad sum negative',
      () => adagrad(),
      { sum: [-0.5, 1] },
      'adagrad: state.slots[0].sum[0] passed to setState must be non-negative (the update takes its square root), got -0.5',
    ],
    [
      'sgd momentum infinite',
      () => sgd({ momentum: 0.9 }),
      { momentum: [Infinity, 0] },
      'sgd: state.slots[0].momentum[0] passed to setState must be a finite number, got Infinity',
    ],
  ])('%s', (_, make, slots, message) => {
    const opt = make();
    const p = param();
    const before = opt.getState([p]);
    const call = (): void => {
      opt.setState([p], state(slots));
    };
    expect(call).toThrow(ValueError);
    expect(call).toThrow(message);
    // Refused: the optimizer is as it was, and its next step is a fresh one's.
    expect(opt.getState([p])).toEqual(before);
    expect(opt.iterations).toBe(0);
    const q = param();
    expect(stepOnce(opt, p)).toEqual(stepOnce(make(), q));
    expect(Array.from(p.data).every(Number.isFinite)).toBe(true);
  });

  it('refuses a value that overflows a float32 parameter', () => {
    const opt = adam();
    const p = param('float32');
    expect(() => {
      opt.setState([p], state({ m: [1e39, 0], v: [0, 0] }));
    }).toThrow(
      'adam: state.slots[0].m[0] passed to setState must be a finite number in float32, got 1e+39',
    );
  });

  it('accepts what the math allows: negative first moments, zero second moments', () => {
    const opt = adam({ learningRate: 0.1 });
    const p = param();
    opt.setState([p], state({ m: [-0.5, 0.25], v: [0, 0.04] }));
    const s = opt.getState([p]).slots[0]!;
    expect(Array.from(s.m!)).toEqual([-0.5, 0.25]);
    expect(Array.from(s.v!)).toEqual([0, 0.04]);
    // A state saved by getState after real steps loads back.
    const a = adam({ learningRate: 0.1 });
    const w = param();
    stepOnce(a, w);
    stepOnce(a, w);
    const b = adam({ learningRate: 0.1 });
    expect(() => {
      b.setState([w], a.getState([w]));
    }).not.toThrow();
  });
});

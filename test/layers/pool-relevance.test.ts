// The relevance hooks of the pooling layers (RelevanceIO contract of
// src/layers/layer.ts): winner-take-all and proportional redistribution,
// worked out by hand, conservation of the total, and rules they decline.
import { describe, expect, it } from 'vitest';
import { globalAvgPool2d, globalMaxPool1d } from '../../src/layers/global-pool.js';
import type { BuiltinLayer, RelevanceRule } from '../../src/layers/layer.js';
import { avgPool2d, maxPool2d } from '../../src/layers/pool.js';
import { zeroPadding2d } from '../../src/layers/zero-padding.js';
import { createRng } from '../../src/random/rng.js';

/** Runs forward then the relevance hook on one sample; null when the rule is declined. */
function relevance(
  layer: BuiltinLayer,
  shape: number[],
  x: number[],
  rOut: number[],
  rule: RelevanceRule,
): number[] | null {
  const c = layer.compile([shape], 'float64');
  const io = {
    rows: 1,
    inputs: [Float64Array.from(x)],
    outputs: [new Float64Array(rOut.length)],
    saved: new Float64Array(c.savedPerRow ?? 0),
    scratch: new Float64Array(c.scratchPerRow ?? 0),
    training: false,
    rng: createRng(0),
    masks: [null],
  };
  c.forward(io);
  // a stale value in the output buffer must not leak into the result
  const rIn = new Float64Array(x.length).fill(99);
  const ok = c.relevance!(
    { ...io, relevanceOutputs: [Float64Array.from(rOut)], relevanceInputs: [rIn] },
    rule,
  );
  return ok ? Array.from(rIn) : null;
}

const wta: RelevanceRule = { name: 'winnerTakeAll', config: {} };
const eps0: RelevanceRule = { name: 'epsilon', config: { epsilon: 0 } };
const prop: RelevanceRule = { name: 'proportional', config: {} };

describe('pooling relevance', () => {
  // one 2x2 window of 1 4 / 4 2 (a tie between the 4s), output relevance 10
  const x = [1, 4, 4, 2];

  it('maxPool2d: winner-take-all to the first maximum (also under epsilon)', () => {
    expect(relevance(maxPool2d(2), [2, 2, 1], x, [10], wta)).toEqual([0, 10, 0, 0]);
    expect(relevance(maxPool2d(2), [2, 2, 1], x, [10], eps0)).toEqual([0, 10, 0, 0]);
  });

  it('maxPool2d: proportional splits by x_i / Σx (1+4+4+2 = 11)', () => {
    const r = relevance(maxPool2d(2), [2, 2, 1], x, [10], prop)!;
    [10 / 11, 40 / 11, 40 / 11, 20 / 11].forEach((v, i) => {
      expect(r[i]).toBeCloseTo(v, 12);
    });
  });

  it('avgPool2d: LRP-ε is the proportional split; ε shrinks it; winner-take-all is declined', () => {
    const r = relevance(avgPool2d(2), [2, 2, 1], x, [10], eps0)!;
    [10 / 11, 40 / 11, 40 / 11, 20 / 11].forEach((v, i) => {
      expect(r[i]).toBeCloseTo(v, 12);
    });
    // ε = 1: 10 / (11 + 1) per unit of x
    const e1 = relevance(avgPool2d(2), [2, 2, 1], x, [10], {
      name: 'epsilon',
      config: { epsilon: 1 },
    })!;
    [10 / 12, 40 / 12, 40 / 12, 20 / 12].forEach((v, i) => {
      expect(e1[i]).toBeCloseTo(v, 12);
    });
    expect(relevance(avgPool2d(2), [2, 2, 1], x, [10], wta)).toBeNull();
    // Max pooling takes the linear rules (zero, epsilon, gamma, alphaBeta) as winner-take-all, so
    // one rule can be given to a whole network; the bounded input rule zB it declines.
    expect(relevance(maxPool2d(2), [2, 2, 1], x, [10], { name: 'gamma', config: {} })).toEqual([
      0, 10, 0, 0,
    ]);
    expect(relevance(maxPool2d(2), [2, 2, 1], x, [10], { name: 'zB', config: {} })).toBeNull();
  });

  it('overlapping windows with padding conserve the total relevance (ε = 0, positive inputs)', () => {
    const xs = Array.from({ length: 5 * 4 * 2 }, (_, i) => 1 + ((i * 7) % 5));
    const layers = [
      maxPool2d(3, { strides: 2, padding: 'same' }),
      avgPool2d(3, { strides: 1, padding: 'same' }),
    ];
    for (const layer of layers) {
      const out = layer.outputShape([5, 4, 2]);
      const n = out.reduce((a, b) => a * b, 1);
      const rOut = Array.from({ length: n }, (_, i) => 0.5 + (i % 3));
      const total = rOut.reduce((a, b) => a + b, 0);
      for (const rule of layer.kind === 'maxPool2d' ? [wta, prop] : [eps0, prop]) {
        const r = relevance(layer, [5, 4, 2], xs, rOut, rule)!;
        expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 10);
      }
    }
  });

  it('global pools and zero padding', () => {
    // globalMaxPool1d over steps 3, 7, 7 (one channel): all to the first 7
    expect(relevance(globalMaxPool1d(), [3, 1], [3, 7, 7], [5], wta)).toEqual([0, 5, 0]);
    // globalAvgPool2d: channel 0 = 1, 3 → 1/4 and 3/4 of 8; channel 1 = 2, 2 → half each of 6
    expect(relevance(globalAvgPool2d(), [1, 2, 2], [1, 2, 3, 2], [8, 6], eps0)).toEqual([
      2, 3, 6, 3,
    ]);
    // zero padding: the input's part of the padded relevance
    expect(relevance(zeroPadding2d([0, 1]), [1, 1, 1], [4], [1, 2, 3], eps0)).toEqual([2]);
  });
});

import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/_lib/errors.js';
import { multiHeadAttention } from '../../src/layers/multi-head-attention.js';
import { input } from '../../src/layers/symbolic.js';
import { attentionMaps } from '../../src/models/attention-maps.js';
import { graph } from '../../src/models/graph.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';

describe('attentionMaps input', () => {
  // A zero query kernel and bias make every score 0: each of the 3 queries
  // spreads 1/3 over the 3 keys, in both heads (by hand).
  const model = () => {
    const x = input([3, 2]);
    const att = multiHeadAttention(2, 2, {
      weights: {
        queryKernel: [
          [0, 0],
          [0, 0],
        ],
        queryBias: [0, 0],
      },
      rng: createRng(1),
    });
    return graph({ inputs: x, outputs: att.apply([x, x, x]) });
  };

  it('takes nested arrays, as predict does', () => {
    const maps = attentionMaps(model(), [
      [
        [1, -1],
        [0.5, 2],
        [0, 1],
      ],
    ]);
    expect(maps[0]!.weights.shape).toEqual([1, 2, 3, 3]);
    for (const v of maps[0]!.weights.data) expect(v).toBeCloseTo(1 / 3, 7);
  });

  it('still takes one tensor in an array for a model of one input', () => {
    const x = tensor([
      [
        [1, -1],
        [0.5, 2],
        [0, 1],
      ],
    ]);
    const maps = attentionMaps(model(), [x]);
    for (const v of maps[0]!.weights.data) expect(v).toBeCloseTo(1 / 3, 7);
  });

  it('checks x against the declared input shape, naming attentionMaps', () => {
    const bad = [
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ];
    expect(() => attentionMaps(model(), bad)).toThrow(ShapeError);
    expect(() => attentionMaps(model(), bad)).toThrow(
      /^attentionMaps: x has per-sample shape \[2,3\]/,
    );
  });

  it('refuses something that is no model, naming attentionMaps', () => {
    expect(() => attentionMaps({ nodes: [] } as never, [[1]])).toThrow(
      'attentionMaps: model must be a model made by sequential() or graph()',
    );
  });
});

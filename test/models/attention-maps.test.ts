import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { dense } from '../../src/layers/dense.js';
import { multiHeadAttention } from '../../src/layers/multi-head-attention.js';
import { input } from '../../src/layers/symbolic.js';
import { lstm } from '../../src/layers/lstm.js';
import { attentionMaps, attentionRollout } from '../../src/models/attention-maps.js';
import { graph } from '../../src/models/graph.js';
import { attentionHeatmap } from '../../src/plots/attention-heatmap.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { expectClose } from '../helpers/expect-close.js';

describe('attentionMaps and attentionRollout', () => {
  it('a model whose attention is set by hand: uniform maps, rollout by hand', () => {
    // A zero query kernel and bias make every score 0: each query spreads
    // ½, ½ over the two steps, in both layers and both heads.
    const zeroQ = {
      queryKernel: [
        [0, 0],
        [0, 0],
      ],
      queryBias: [0, 0],
    };
    const x = input([2, 2]);
    const a1 = multiHeadAttention(2, 2, { weights: zeroQ, rng: createRng(1), name: 'att1' });
    const h1 = a1.apply([x, x, x]);
    const h2 = dense(2, 2, { rng: createRng(2) }).apply(h1);
    const a2 = multiHeadAttention(2, 1, { weights: zeroQ, rng: createRng(3), name: 'att2' });
    const model = graph({ inputs: x, outputs: a2.apply([h2, h2, h2]) });
    const maps = attentionMaps(
      model,
      tensor([
        [
          [1, -1],
          [0.5, 2],
        ],
      ]),
    );
    expect(maps.map((m) => m.layer)).toEqual(['att1', 'att2']);
    expect(maps[0]!.weights.shape).toEqual([1, 2, 2, 2]);
    expect(maps[1]!.weights.shape).toEqual([1, 1, 2, 2]);
    for (const m of maps)
      expect(Array.from(m.weights.data)).toEqual(new Array(m.weights.size).fill(0.5));
    // With the residual: Ã = ½·[[½, ½], [½, ½]] + ½·I = [[¾, ¼], [¼, ¾]];
    // Ã·Ã = [[¾·¾ + ¼·¼, ¾·¼ + ¼·¾], ...] = [[⅝, ⅜], [⅜, ⅝]].
    expectClose(
      attentionRollout(maps),
      [
        [
          [0.625, 0.375],
          [0.375, 0.625],
        ],
      ],
      { atol: 1e-7 },
    );
  });

  it('rollout of hand-made maps, with and without the residual path', () => {
    // A1 sends everything to step 1, A2 to step 0.
    // Residual: Ã1 = [[½, ½], [0, 1]], Ã2 = [[1, 0], [½, ½]];
    // Ã2·Ã1 = [[½, ½], [½·½ + ½·0, ½·½ + ½·1]] = [[½, ½], [¼, ¾]].
    // Plain: A2·A1 = [[0, 1], [0, 1]].
    const a1 = tensor([
      [
        [
          [0, 1],
          [0, 1],
        ],
      ],
    ]);
    const a2 = tensor([
      [
        [
          [1, 0],
          [1, 0],
        ],
      ],
    ]);
    expectClose(attentionRollout([a1, a2]), [
      [
        [0.5, 0.5],
        [0.25, 0.75],
      ],
    ]);
    expectClose(attentionRollout([a1, a2], { residual: false }), [
      [
        [0, 1],
        [0, 1],
      ],
    ]);
    expect(() => attentionRollout([tensor([[[[1, 0]]]])])).toThrow(ShapeError);
    expect(() => attentionRollout([])).toThrow(ValueError);
  });

  it('attentionMaps equals the layer’s own scores output', () => {
    const mha = multiHeadAttention(4, 2, {
      returnAttentionScores: true,
      rng: createRng(4),
      causal: true,
    });
    const x = input([3, 4]);
    const model = graph({ inputs: x, outputs: mha.apply([x, x, x]) });
    const data = tensor(
      Array.from({ length: 24 }, (_, i) => Math.sin(i)),
      { shape: [2, 3, 4] },
    );
    const [, w] = mha.forwardWithScores([data, data, data], { training: false, rng: createRng(0) });
    expect(Array.from(attentionMaps(model, data)[0]!.weights.data)).toEqual(Array.from(w.data));
    // Causal: no weight on a later step.
    expect(w.data[1]).toBe(0);
  });

  it('heatmap: one cell per (query, key), escaped labels', () => {
    const svg = attentionHeatmap(
      [
        [0.9, 0.1],
        [0.3, 0.7],
      ],
      { queryTokens: ['<a>', 'b'], title: 'h' },
    );
    expect(svg.match(/class="cell"/g)).toHaveLength(4);
    expect(svg).toContain('&lt;a&gt;');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(() => attentionHeatmap([[0.5, 0.5]], { queryTokens: ['a', 'b'] })).toThrow(
      /attentionHeatmap: queryTokens has 2 labels but the map has 1 steps there/,
    );
  });

  it('leaves a stateful recurrent layer’s carried state as it was', () => {
    const x = input([3, 2]);
    const rec = lstm(2, 2, {
      stateful: true,
      batchSize: 1,
      returnSequences: true,
      rng: createRng(4),
    });
    const h = rec.apply(x);
    const model = graph({
      inputs: x,
      outputs: multiHeadAttention(2, 1, { rng: createRng(5) }).apply([h, h, h]),
    });
    const seq = tensor([
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
    ]);
    const first = attentionMaps(model, seq)[0]!.weights;
    rec.forward(seq, { training: false, rng: createRng(0) }); // a carried state that is not zero
    const carried = [...rec.state.h!.data];
    expect(carried.some((v) => v !== 0)).toBe(true);
    attentionMaps(model, seq);
    expect([...rec.state.h!.data]).toEqual(carried);
    // from the zero state again: the first call's maps
    rec.resetStates();
    expect([...attentionMaps(model, seq)[0]!.weights.data]).toEqual([...first.data]);
    expect([...rec.state.h!.data].every((v) => v === 0)).toBe(true);
  });
});

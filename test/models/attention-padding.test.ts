// Attention maps and rollout of padded sequences: a mask made inside the
// model (embedding with maskZero) hides padded keys, padded query steps keep
// their rows in the raw maps, and the rollout leaves the padding out.
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { dense } from '../../src/layers/dense.js';
import { embedding } from '../../src/layers/embedding.js';
import { multiHeadAttention } from '../../src/layers/multi-head-attention.js';
import { input } from '../../src/layers/symbolic.js';
import {
  attentionMaps,
  attentionRollout,
  type AttentionMap,
} from '../../src/models/attention-maps.js';
import { graph } from '../../src/models/graph.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { lengthsMask } from '../../src/tensor/mask.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/expect-close.js';

/** sin(0.7·k + s)·c for k = 0 .. n − 1, as rows of `cols`. */
function table(rows: number, cols: number, s: number, c = 1): number[][] {
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => c * Math.sin(0.7 * (i * cols + j) + s)),
  );
}

/** One head's map as a [1, 1, T, T] tensor. */
const oneHead = (rows: number[][]): Tensor => tensor([[rows]]);

/** A map as attentionMaps gives it, for a self-attention layer whose input has `mask`. */
function padded(weights: Tensor, mask: number[]): AttentionMap {
  const m = Uint8Array.from(mask);
  return { layer: 'att', layerIndex: 0, weights, queryMask: m, keyMask: m };
}

describe('attentionMaps of a padded sequence', () => {
  it('matches torch with key_padding_mask: masked keys exactly 0, padded queries keep a row', () => {
    // Reference (torch 1.13, float64):
    //   f = lambda n, s, c=1.0: c * np.sin(np.arange(n) * 0.7 + s)
    //   emb = f(20, 1).reshape(5, 4); Wq, Wk = f(16, 2, 2.).reshape(4, 4), f(16, 3, 2.).reshape(4, 4)
    //   bq, bk = f(4, 6, .1), f(4, 7, .1); ids = [[3, 1, 0, 0], [2, 4, 1, 0]]
    //   m = nn.MultiheadAttention(4, 2, batch_first=True, dtype=torch.float64)
    //   in_proj_weight[:4] = Wq.T; [4:8] = Wk.T; in_proj_bias[:4] = bq; [4:8] = bk
    //   x = emb[ids]; _, w = m(x, x, x, key_padding_mask=ids == 0, average_attn_weights=False)
    // (the value and output projections do not enter the weights).
    const expected = [
      [
        [
          [0.5745956149, 0.4254043851, 0, 0],
          [0.467529639, 0.532470361, 0, 0],
          [0.576361108, 0.423638892, 0, 0],
          [0.576361108, 0.423638892, 0, 0],
        ],
        [
          [0.4232320627, 0.5767679373, 0, 0],
          [0.3588384303, 0.6411615697, 0, 0],
          [0.597361061, 0.402638939, 0, 0],
          [0.597361061, 0.402638939, 0, 0],
        ],
      ],
      [
        [
          [0.3594294846, 0.3848938382, 0.2556766771, 0],
          [0.3677801228, 0.507007323, 0.1252125543, 0],
          [0.331537611, 0.367780951, 0.300681438, 0],
          [0.281756603, 0.2287411742, 0.4895022228, 0],
        ],
        [
          [0.3661983398, 0.2994644462, 0.334337214, 0],
          [0.3376219306, 0.3681920611, 0.2941860084, 0],
          [0.2639412023, 0.4458677551, 0.2901910426, 0],
          [0.3685105069, 0.2601975317, 0.3712919614, 0],
        ],
      ],
    ];
    const x = input([4], { dtype: 'int32' });
    const e = embedding(5, 4, { maskZero: true, embeddings: table(5, 4, 1) }).apply(x);
    const att = multiHeadAttention(4, 2, {
      weights: {
        queryKernel: table(4, 4, 2, 2),
        keyKernel: table(4, 4, 3, 2),
        queryBias: table(1, 4, 6, 0.1)[0]!,
        keyBias: table(1, 4, 7, 0.1)[0]!,
      },
      rng: createRng(1),
      name: 'att',
    });
    const model = graph({ inputs: x, outputs: att.apply([e, e, e]) });
    const ids = tensor(
      [
        [3, 1, 0, 0],
        [2, 4, 1, 0],
      ],
      { dtype: 'int32' },
    );
    const [map] = attentionMaps(model, ids);
    expect(map!.weights.shape).toEqual([2, 2, 4, 4]);
    expectClose(map!.weights, expected, { atol: 1e-6 });
    // Padded keys (step 2 and 3 of sample 0, step 3 of sample 1): exactly 0.
    const w = map!.weights.data;
    for (let h = 0; h < 2; h++)
      for (let i = 0; i < 4; i++) {
        expect(w[((0 * 2 + h) * 4 + i) * 4 + 2]).toBe(0);
        expect(w[((0 * 2 + h) * 4 + i) * 4 + 3]).toBe(0);
        expect(w[((1 * 2 + h) * 4 + i) * 4 + 3]).toBe(0);
      }
    // The masks the rows and columns belong to, from the embedding.
    expect([...map!.queryMask!]).toEqual([1, 1, 0, 0, 1, 1, 1, 0]);
    expect([...map!.keyMask!]).toEqual([1, 1, 0, 0, 1, 1, 1, 0]);
  });

  it('records no mask for a model without one', () => {
    const x = input([3, 2]);
    const model = graph({
      inputs: x,
      outputs: multiHeadAttention(2, 1, { rng: createRng(2) }).apply([x, x, x]),
    });
    const [map] = attentionMaps(
      model,
      tensor([
        [
          [1, 0],
          [0, 1],
          [1, 1],
        ],
      ]),
    );
    expect(map!.queryMask).toBeNull();
    expect(map!.keyMask).toBeNull();
  });
});

describe('attentionRollout of a padded sequence', () => {
  // T = 3, step 2 is padding. The maps as a masking layer gives them: key 2
  // gets 0 weight; the padded query 2 still has a row over the real keys.
  const a1 = oneHead([
    [0.5, 0.5, 0],
    [0.25, 0.75, 0],
    [1, 0, 0],
  ]);
  const a2 = oneHead([
    [0, 1, 0],
    [1, 0, 0],
    [0.5, 0.5, 0],
  ]);

  it('zeroes the padded query rows (by hand), taking the mask from the maps', () => {
    // Real steps {0, 1}, α = ½: Ã1 = ½·A1 + ½·I on them, rows renormalized
    // (already sum to 1): [[¾, ¼], [⅛, ⅞]]; Ã2 = [[½, ½], [½, ½]]; the padded
    // row and column are 0.
    // Ã2·Ã1 = [[½(¾ + ⅛), ½(¼ + ⅞)], same] = [[7/16, 9/16], [7/16, 9/16]].
    const want = [
      [
        [7 / 16, 9 / 16, 0],
        [7 / 16, 9 / 16, 0],
        [0, 0, 0],
      ],
    ];
    expectClose(attentionRollout([padded(a1, [1, 1, 0]), padded(a2, [1, 1, 0])]), want, {
      atol: 1e-7,
    });
    // The same mask given for bare tensors.
    expectClose(attentionRollout([a1, a2], { mask: [[1, 1, 0]] }), want, { atol: 1e-7 });
    expectClose(attentionRollout([a1, a2], { mask: lengthsMask([2], 3) }), want, { atol: 1e-7 });
    expectClose(attentionRollout([a1, a2], { mask: Uint8Array.of(1, 1, 0) }), want, {
      atol: 1e-7,
    });
    // The real rows are what they were: only the padded row changes here.
    // mask: null ignores the maps' masks: Ã1 row 2 = ½·[1, 0, 0] + ½·e2 =
    // [½, 0, ½], Ã2 row 2 = [¼, ¼, ½]; row 2 of Ã2·Ã1 = ¼·[¾, ¼, 0] +
    // ¼·[⅛, ⅞, 0] + ½·[½, 0, ½] = [15/32, 9/32, 8/32].
    expectClose(
      attentionRollout([padded(a1, [1, 1, 0]), padded(a2, [1, 1, 0])], { mask: null }),
      [
        [
          [7 / 16, 9 / 16, 0],
          [7 / 16, 9 / 16, 0],
          [15 / 32, 9 / 32, 8 / 32],
        ],
      ],
      { atol: 1e-7 },
    );
  });

  it('no real step reaches a padded one through the identity term (by hand)', () => {
    // Maps of a model that did not mask: real queries put weight on key 2.
    const b1 = oneHead([
      [0, 0.5, 0.5],
      [0.5, 0, 0.5],
      [1 / 3, 1 / 3, 1 / 3],
    ]);
    const b2 = oneHead([
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const mask = [[1, 1, 0]];
    // Real steps {0, 1}, α = ½, columns 0 and 1 only, rows renormalized:
    // Ã1 row 0 = [½·0 + ½, ½·½] = [½, ¼] / ¾ = [⅔, ⅓]; row 1 = [¼, ½] / ¾ = [⅓, ⅔].
    // Ã2 row 0 = [½·0 + ½, 0] / ½ = [1, 0]; row 1 = [0, ½ + ½] = [0, 1].
    // Ã2·Ã1 = Ã1 on the real block. Without the mask: Ã1 = [[½, ¼, ¼],
    // [¼, ½, ¼], [⅙, ⅙, ⅔]], Ã2 = [[½, 0, ½], [0, 1, 0], [½, 0, ½]], so
    // row 0 of Ã2·Ã1 = ½·[½, ¼, ¼] + ½·[⅙, ⅙, ⅔] = [⅓, 5/24, 11/24]: 11/24
    // on the padding, kept there by the identity term of step 2.
    expectClose(
      attentionRollout([b1, b2], { mask }),
      [
        [
          [2 / 3, 1 / 3, 0],
          [1 / 3, 2 / 3, 0],
          [0, 0, 0],
        ],
      ],
      { atol: 1e-7 },
    );
    expectClose(
      attentionRollout([b1, b2], { mask: null }),
      [
        [
          [1 / 3, 5 / 24, 11 / 24],
          [1 / 4, 1 / 2, 1 / 4],
          [1 / 3, 5 / 24, 11 / 24],
        ],
      ],
      { atol: 1e-7 },
    );
    // Without the residual a row whose weight all lay on padding stays 0:
    // Ã1 = [[0, 1], [1, 0]] (row 0 [0, ½] renormalized), Ã2 row 0 = [0, 0],
    // row 1 = [0, 1]; Ã2·Ã1 = [[0, 0], [1, 0]].
    expectClose(
      attentionRollout([b1, b2], { mask, residual: false }),
      [
        [
          [0, 0, 0],
          [1, 0, 0],
          [0, 0, 0],
        ],
      ],
      { atol: 1e-7 },
    );
  });

  it('equals the rollout of the unpadded sequence on its real steps', () => {
    // Two attention layers sharing their weights between a model of 5 steps
    // and one of 3: [3, 1, 2, 0, 0] padded must roll out as [3, 1, 2].
    const rng = createRng(7);
    const emb = embedding(6, 4, { maskZero: true, rng, dtype: 'float64' });
    const att1 = multiHeadAttention(4, 2, { rng, dtype: 'float64' });
    const mid = dense(4, 4, { rng, dtype: 'float64' });
    const att2 = multiHeadAttention(4, 2, { rng, dtype: 'float64' });
    const build = (steps: number) => {
      const x = input([steps], { dtype: 'int32' });
      const e = emb.apply(x);
      const h = mid.apply(att1.apply([e, e, e]));
      return graph({ inputs: x, outputs: att2.apply([h, h, h]) });
    };
    const long = attentionMaps(build(5), tensor([[3, 1, 2, 0, 0]], { dtype: 'int32' }));
    const short = attentionMaps(build(3), tensor([[3, 1, 2]], { dtype: 'int32' }));
    const rl = attentionRollout(long).data;
    const rs = attentionRollout(short).data;
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) {
        const v = rl[i * 5 + j]!;
        if (i < 3 && j < 3) expect(Math.abs(v - rs[i * 3 + j]!)).toBeLessThan(1e-12);
        else expect(v).toBe(0);
      }
    // The real rows still sum to 1.
    for (let i = 0; i < 3; i++)
      expect(rl[i * 5]! + rl[i * 5 + 1]! + rl[i * 5 + 2]!).toBeCloseTo(1, 12);
  });

  it('checks the mask, naming attentionRollout', () => {
    expect(() => attentionRollout([a1], { mask: [[1, 1]] })).toThrow(ValueError);
    expect(() => attentionRollout([a1], { mask: [[1, 1]] })).toThrow(
      /^attentionRollout: mask must be a \[1, 3\] mask \(batch, steps\) of 0\/1 or booleans/,
    );
    expect(() =>
      attentionRollout([a1], {
        mask: [
          [1, 1, 0],
          [1, 1, 1],
        ],
      }),
    ).toThrow(ShapeError);
    expect(() =>
      attentionRollout([a1], {
        mask: [
          [1, 1, 0],
          [1, 1, 1],
        ],
      }),
    ).toThrow('attentionRollout: mask must be [batch, steps] = [1,3] like the maps, got [2,3]');
    expect(() => attentionRollout([a1], { mask: [[1, 2, 0]] })).toThrow(
      'attentionRollout: mask entry 1 must be 0, 1, true or false, got 2',
    );
    const bad = { ...padded(a1, [1, 1, 0]), keyMask: Uint8Array.of(1, 1) };
    expect(() => attentionRollout([bad])).toThrow(
      /^attentionRollout: maps\[0\]\.keyMask must be null or a Uint8Array of 3 entries/,
    );
  });
});

// attentionHeatmap's length and mask options: a padded sequence's map drawn
// without the rows and columns of its padding.
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { attentionHeatmap } from '../../src/plots/attention-heatmap.js';
import { tensor } from '../../src/tensor/create.js';
import { findAll, parseXml } from './_xml.js';

// Four steps, the last two padding: the padded rows still hold weights (as a
// layer gives them for padded queries), the padded columns are 0.
const map = [
  [0.6, 0.4, 0, 0],
  [0.2, 0.8, 0, 0],
  [0.5, 0.5, 0, 0],
  [0.5, 0.5, 0, 0],
];
const tokens = ['the', 'cat', '<pad>', '<pad>'];
const cells = (svg: string) => findAll(parseXml(svg), 'rect', 'cell');

describe('attentionHeatmap trims padded steps', () => {
  it('length keeps the first steps: the same SVG as the trimmed map', () => {
    const svg = attentionHeatmap(map, { queryTokens: tokens, length: 2, title: 't' });
    expect(cells(svg)).toHaveLength(4);
    expect(svg).not.toContain('&lt;pad&gt;');
    const trimmed = [
      [0.6, 0.4],
      [0.2, 0.8],
    ];
    expect(svg).toBe(attentionHeatmap(trimmed, { queryTokens: ['the', 'cat'], title: 't' }));
    // Labels of the kept steps only are taken too, and a Tensor map trims alike.
    expect(attentionHeatmap(tensor(map), { queryTokens: ['the', 'cat'], length: 2 })).toBe(
      attentionHeatmap(trimmed, { queryTokens: ['the', 'cat'] }),
    );
    // length = every step draws the whole map.
    expect(attentionHeatmap(map, { length: 4 })).toBe(attentionHeatmap(map));
  });

  it('mask keeps the real steps anywhere, labelled with their positions', () => {
    // Step 1 is padding: rows and columns 0, 2, 3 are drawn.
    const kept = [
      [0.6, 0, 0],
      [0.5, 0, 0],
      [0.5, 0, 0],
    ];
    const want = attentionHeatmap(kept, { queryTokens: ['0', '2', '3'] });
    expect(attentionHeatmap(map, { mask: [1, 0, 1, 1] })).toBe(want);
    expect(attentionHeatmap(map, { mask: [true, false, true, true] })).toBe(want);
    expect(attentionHeatmap(map, { mask: Uint8Array.of(1, 0, 1, 1) })).toBe(want);
    expect(attentionHeatmap(map, { mask: tensor([1, 0, 1, 1]) })).toBe(want);
    expect(cells(want)).toHaveLength(9);
    // Tokens of every step: the kept ones are picked, for keys as well.
    const svg = attentionHeatmap(map, {
      mask: [1, 1, 0, 0],
      queryTokens: tokens,
      keyTokens: ['k0', 'k1', 'k2', 'k3'],
    });
    expect(svg).toBe(
      attentionHeatmap(
        [
          [0.6, 0.4],
          [0.2, 0.8],
        ],
        { queryTokens: ['the', 'cat'], keyTokens: ['k0', 'k1'] },
      ),
    );
  });

  it('refuses a bad length or mask, naming attentionHeatmap', () => {
    for (const length of [0, 5, 1.5, -1, NaN, '2'])
      expect(() => attentionHeatmap(map, { length: length as number })).toThrow(ValueError);
    expect(() => attentionHeatmap(map, { length: 5 })).toThrow(
      "attentionHeatmap: length must be an integer from 1 to 4 (the map's steps), got 5",
    );
    expect(() => attentionHeatmap(map, { length: 0 })).toThrow(/from 1 to 4 .* got 0$/);
    expect(() => attentionHeatmap(map, { length: 2, mask: [1, 1, 0, 0] })).toThrow(
      'attentionHeatmap: give length or mask to trim the padding, not both',
    );
    expect(() =>
      attentionHeatmap(
        [
          [0.5, 0.5, 0],
          [1, 0, 0],
        ],
        { length: 2 },
      ),
    ).toThrow(ShapeError);
    expect(() =>
      attentionHeatmap(
        [
          [0.5, 0.5, 0],
          [1, 0, 0],
        ],
        { length: 2 },
      ),
    ).toThrow(
      'attentionHeatmap: length trims the steps of a square (self-attention) map, got shape [2, 3]',
    );
    expect(() => attentionHeatmap(map, { mask: [1, 1, 0] })).toThrow(ShapeError);
    expect(() => attentionHeatmap(map, { mask: [1, 1, 0] })).toThrow(
      'attentionHeatmap: mask has 3 entries but the map has 4 steps',
    );
    expect(() => attentionHeatmap(map, { mask: tensor([[1, 1, 0, 0]]) })).toThrow(ShapeError);
    expect(() => attentionHeatmap(map, { mask: [1, 2, 0, 0] })).toThrow(
      'attentionHeatmap: mask[1] must be 0, 1, true or false, got 2',
    );
    expect(() => attentionHeatmap(map, { mask: [0, 0, 0, 0] })).toThrow(
      'attentionHeatmap: mask marks every step as padding: there is no cell to draw',
    );
    expect(() => attentionHeatmap(map, { mask: 'all' as never })).toThrow(
      /^attentionHeatmap: mask must be an array, Uint8Array or Tensor of 0\/1 per step, got/,
    );
    // Labels that fit neither every step nor the kept ones.
    expect(() => attentionHeatmap(map, { length: 2, queryTokens: ['a', 'b', 'c'] })).toThrow(
      'attentionHeatmap: queryTokens has 3 labels but the map has 4 steps there (2 after trimming the padding)',
    );
  });
});

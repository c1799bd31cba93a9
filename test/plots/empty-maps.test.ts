// Edge cases of the heatmaps and training curves: maps with no cells, and
// histories whose epoch indices are not numbers.
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { attentionHeatmap } from '../../src/plots/attention-heatmap.js';
import { trainingCurves, type CurvesHistory } from '../../src/plots/training-curves.js';
import { zeros } from '../../src/tensor/create.js';
import { findAll, parseXml } from './_xml.js';

describe('attentionHeatmap of a map without cells', () => {
  it('refuses a tensor with no query steps (was a TypeError)', () => {
    expect(() => attentionHeatmap(zeros([0, 3]))).toThrow(ShapeError);
    expect(() => attentionHeatmap(zeros([0, 3]))).toThrow(
      'attentionHeatmap: weights must have at least one query step and one key step, got shape [0, 3]',
    );
  });

  it('refuses a map with no key steps (was an SVG of height -Infinity)', () => {
    expect(() => attentionHeatmap(zeros([3, 0]))).toThrow(/got shape \[3, 0\]/);
    expect(() => attentionHeatmap([[]])).toThrow(ShapeError);
    expect(() => attentionHeatmap([[], []])).toThrow(/got shape \[2, 0\]/);
  });

  it('still draws a 1x1 map as a finite, well-formed SVG', () => {
    const svg = attentionHeatmap([[0]]);
    const root = parseXml(svg);
    expect(findAll(root, 'rect', 'cell')).toHaveLength(1);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});

describe('trainingCurves checks the epoch indices', () => {
  it('names trainingCurves and the field for epoch indices that are not numbers', () => {
    const h = { loss: [1, 0.5], epoch: ['a', 'b'] } as unknown as CurvesHistory;
    // Before, lineChart complained about series[0].x[0] being "a1" (the index plus one).
    expect(() => trainingCurves(h)).toThrow(ValueError);
    expect(() => trainingCurves(h)).toThrow(/^trainingCurves: history\.epoch must be/);
  });

  it('refuses a NaN epoch index in a named run', () => {
    const runs = [{ name: 'a', history: { loss: [1, 0.5], epoch: [0, NaN] } }];
    expect(() => trainingCurves(runs)).toThrow(
      'trainingCurves: histories[0].history.epoch[1] must be a finite number, got NaN',
    );
  });

  it('plots epochs from the given indices', () => {
    const svg = trainingCurves({ loss: [1, 0.5, 0.25], epoch: [4, 5, 6] });
    const labels = findAll(parseXml(svg), 'text').map((t) => t.text);
    for (const e of ['5', '6', '7']) expect(labels).toContain(e);
  });
});

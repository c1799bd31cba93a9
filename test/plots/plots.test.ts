import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { confusionMatrixHeatmap } from '../../src/plots/confusion-heatmap.js';
import { lineChart } from '../../src/plots/line-chart.js';
import { niceTicks } from '../../src/plots/ticks.js';
import { trainingCurves } from '../../src/plots/training-curves.js';
import { tensor } from '../../src/tensor/create.js';
import { findAll, parseXml, pathPoints, textOf } from './_xml.js';

describe('niceTicks', () => {
  it('gives 1-2-5 steps covering the data', () => {
    // range 0.79 → nice 1; step nice(1/4 = 0.25) = 0.2; [floor(0.13/0.2)·0.2, ceil(0.92/0.2)·0.2] = [0, 1]
    expect(niceTicks(0.13, 0.92)).toEqual({
      min: 0,
      max: 1,
      step: 0.2,
      ticks: [0, 0.2, 0.4, 0.6, 0.8, 1],
    });
    // range 94 → 100; step nice(25) = 20
    expect(niceTicks(3, 97).ticks).toEqual([0, 20, 40, 60, 80, 100]);
    // 0.6/0.2 is 2.9999999999999996 in floats: must still start at 0.6, and no 0.30000000000000004 labels
    expect(niceTicks(0.6, 1.4).ticks).toEqual([0.6, 0.8, 1, 1.2, 1.4]);
    expect(niceTicks(-7, 12).ticks).toEqual([-10, -5, 0, 5, 10, 15]);
  });
  it('widens a zero-width range', () => {
    const t = niceTicks(0, 0);
    expect(t.min).toBeLessThan(0);
    expect(t.max).toBeGreaterThan(0);
  });
  it('rejects bad ranges', () => {
    expect(() => niceTicks(2, 1)).toThrow(/hi must be >= lo/);
    expect(() => niceTicks(NaN, 1)).toThrow(ValueError);
  });
});

describe('lineChart', () => {
  it('draws one path per series with one point per finite value, axes and a legend', () => {
    const svg = lineChart({
      series: [
        { name: 'loss', values: [0.9, 0.5, 0.3, 0.25] },
        { name: 'val loss', values: [1, 0.7, 0.6, 0.65], dashed: true },
      ],
      title: 'Training',
      xLabel: 'epoch',
      yLabel: 'loss',
      xStart: 1,
    });
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    const paths = findAll(root, 'path', 'series');
    expect(paths.map((p) => p.attrs['data-name'])).toEqual(['loss', 'val loss']);
    expect(paths.map((p) => pathPoints(p.attrs.d!))).toEqual([4, 4]);
    expect(paths[1]!.attrs['stroke-dasharray']).toBeDefined();
    expect(paths[0]!.attrs['stroke-dasharray']).toBeUndefined();
    expect(findAll(root, 'circle')).toHaveLength(8); // markers for short series
    const texts = findAll(root, 'text').map(textOf);
    expect(texts).toEqual(expect.arrayContaining(['Training', 'epoch', 'loss', 'val loss']));
    // y ticks 0.2 … 1 by 0.2 (niceTicks(0.25, 1)) and x ticks at whole epochs 1…4
    expect(texts).toEqual(
      expect.arrayContaining(['0.2', '0.4', '0.6', '0.8', '1.0', '1', '2', '3', '4']),
    );
  });
  it('places points on the scale: the maximum at the top of the plot, the minimum at the bottom tick', () => {
    const root = parseXml(
      lineChart({ series: [{ name: 'a', values: [0, 10] }], width: 400, height: 300 }),
    );
    const d = findAll(root, 'path', 'series')[0]!.attrs.d!;
    const [, y0, , y1] = d.match(/-?[\d.]+/g)!.map(Number);
    const grid = findAll(root, 'line').filter((l) => l.attrs.y1 === l.attrs.y2);
    const ys = grid.map((l) => Number(l.attrs.y1));
    expect(y0).toBe(Math.max(...ys)); // value 0 sits on the lowest grid line (tick 0)
    expect(y1).toBe(Math.min(...ys)); // value 10 on the highest (tick 10)
  });
  it('breaks the line at non-finite values instead of failing', () => {
    const root = parseXml(
      lineChart({ series: [{ name: 's', values: [1, NaN, 3, Infinity, 5, 6] }] }),
    );
    const d = findAll(root, 'path', 'series')[0]!.attrs.d!;
    expect(pathPoints(d)).toBe(4);
    expect((d.match(/M/g) ?? []).length).toBe(3); // three runs: [1], [3], [5, 6]
    expect(d).not.toMatch(/NaN|Infinity/);
  });
  it('escapes every piece of user text', () => {
    const evil = `a<b & "c" 'd' </text><script>x</script>\u0001`;
    const svg = lineChart({
      series: [{ name: evil, values: [1, 2] }],
      title: evil,
      xLabel: evil,
      yLabel: evil,
    });
    const root = parseXml(svg);
    expect(findAll(root, 'script')).toHaveLength(0);
    expect(findAll(root, 'path', 'series')[0]!.attrs['data-name']).toBe(evil.replace('\u0001', ''));
    expect(findAll(root, 'title').map(textOf)).toEqual([evil.replace('\u0001', '')]);
  });
  it('handles empty, constant and single-point series', () => {
    for (const values of [[], [3, 3, 3], [7]]) {
      const root = parseXml(lineChart({ series: [{ name: 's', values }] }));
      expect(pathPoints(findAll(root, 'path', 'series')[0]!.attrs.d!)).toBe(values.length);
      expect(findAll(root, 'circle')).toHaveLength(values.length);
    }
    expect(findAll(parseXml(lineChart({ series: [] })), 'path')).toHaveLength(0);
  });
  it('uses explicit x values and skips markers for long series', () => {
    const values = Array.from({ length: 100 }, (_, i) => Math.sin(i / 10));
    const root = parseXml(
      lineChart({ series: [{ name: 's', values, x: values.map((_, i) => i * 0.5) }] }),
    );
    expect(pathPoints(findAll(root, 'path', 'series')[0]!.attrs.d!)).toBe(100);
    expect(findAll(root, 'circle')).toHaveLength(0);
  });
  it('rejects bad input', () => {
    expect(() => lineChart({ series: 'x' as never })).toThrow(/lineChart: series must be an array/);
    expect(() => lineChart({ series: [{ name: 's', values: [1, '2' as never] }] })).toThrow(
      /series\[0\].values\[1\] must be a number/,
    );
    expect(() => lineChart({ series: [{ name: 's', values: [1, 2], x: [0] }] })).toThrow(
      /series\[0\].x has 1 values but values has 2/,
    );
    expect(() => lineChart({ series: [], width: 10 })).toThrow(
      /width must be an integer >= 100, got 10/,
    );
    expect(() => lineChart({ series: [], colour: 'red' } as never)).toThrow(
      /unknown option "colour"/,
    );
    expect(() => lineChart({ series: [{ name: 3 as never, values: [] }] })).toThrow(
      /series\[0\].name must be a string/,
    );
  });
});

describe('trainingCurves', () => {
  const history = {
    epoch: [0, 1, 2],
    loss: [1, 0.6, 0.4],
    valLoss: [1.1, 0.8, 0.9],
    metrics: { accuracy: [0.5, 0.7, 0.8] },
    valMetrics: { accuracy: [0.45, 0.6, 0.58] },
    learningRate: [0.1, 0.1, 0.05],
    regularization: [0, 0, 0],
  };
  it('draws a loss panel and one panel per metric, validation dashed', () => {
    const root = parseXml(trainingCurves(history, { title: 'run' }));
    const panels = findAll(root, 'svg', 'panel');
    expect(panels.map((p) => p.attrs['data-panel'])).toEqual(['loss', 'accuracy']);
    const paths = findAll(root, 'path', 'series');
    expect(paths.map((p) => p.attrs['data-name'])).toEqual([
      'loss',
      'val loss',
      'accuracy',
      'val accuracy',
    ]);
    expect(paths.map((p) => pathPoints(p.attrs.d!))).toEqual([3, 3, 3, 3]);
    expect(paths.map((p) => p.attrs['stroke-dasharray'] !== undefined)).toEqual([
      false,
      true,
      false,
      true,
    ]);
    // epochs shown from 1
    expect(findAll(panels[0]!, 'text').map(textOf)).toEqual(
      expect.arrayContaining(['1', '2', '3', 'epoch']),
    );
  });
  it('overlays several runs with a color each, and adds a learning-rate panel on request', () => {
    const other = { ...history, loss: [0.9, 0.7, 0.65], valLoss: [1, 0.85, 0.8] };
    const root = parseXml(
      trainingCurves(
        [
          { name: 'plain', history },
          { name: 'L2', history: other },
        ],
        { learningRate: true },
      ),
    );
    expect(findAll(root, 'svg', 'panel').map((p) => p.attrs['data-panel'])).toEqual([
      'loss',
      'accuracy',
      'learning rate',
    ]);
    const loss = findAll(findAll(root, 'svg', 'panel')[0]!, 'path', 'series');
    expect(loss.map((p) => p.attrs['data-name'])).toEqual([
      'plain loss',
      'plain val loss',
      'L2 loss',
      'L2 val loss',
    ]);
    expect(loss[0]!.attrs.stroke).toBe(loss[1]!.attrs.stroke);
    expect(loss[0]!.attrs.stroke).not.toBe(loss[2]!.attrs.stroke);
    expect(findAll(root, 'path', 'series')).toHaveLength(4 + 4 + 2);
  });
  it('draws the learning rate on a log axis when it spans a factor of 10 or more', () => {
    // y coordinates of a path's points, from its "M x y L x y ..." data
    const ysOf = (d: string): number[] =>
      [...d.matchAll(/[ML]\s*(-?[\d.e+-]+)[ ,]+(-?[\d.e+-]+)/g)].map((m) => Number(m[2]));
    const lrPath = (learningRate: number[]): number[] => {
      const root = parseXml(trainingCurves({ ...history, learningRate }, { learningRate: true }));
      const panel = findAll(root, 'svg', 'panel').find(
        (p) => p.attrs['data-panel'] === 'learning rate',
      )!;
      return ysOf(findAll(panel, 'path', 'series')[0]!.attrs.d!);
    };
    // two 10x cuts: equal steps on a log axis (on a linear one the second is a tenth of the first)
    const [a, b, c] = lrPath([1e-2, 1e-3, 1e-4]);
    expect(b! - a!).toBeGreaterThan(0);
    expect(c! - b!).toBeCloseTo(b! - a!, 6);
    // a halving (factor 2) stays linear: the 0.1 -> 0.05 step is drawn to scale from 0
    const [p, q, r] = lrPath([0.1, 0.1, 0.05]);
    expect(q).toBe(p);
    expect(r! - q!).toBeGreaterThan(0);
  });
  it('draws a metric reported only on the validation data', () => {
    const root = parseXml(
      trainingCurves({ loss: [1, 0.5], valLoss: [1.2, 0.7], valMetrics: { auc: [0.6, 0.8] } }),
    );
    expect(findAll(root, 'svg', 'panel').map((p) => p.attrs['data-panel'])).toEqual([
      'loss',
      'auc',
    ]);
    expect(findAll(root, 'path', 'series').map((p) => p.attrs['data-name'])).toEqual([
      'loss',
      'val loss',
      'val auc',
    ]);
  });
  it('works without validation data or metrics', () => {
    const root = parseXml(trainingCurves({ loss: [3, 2, 1] }));
    expect(findAll(root, 'path', 'series')).toHaveLength(1);
  });
  it('rejects bad input', () => {
    expect(() => trainingCurves({ loss: 'x' } as never)).toThrow(
      /trainingCurves: history.loss must be an array of numbers/,
    );
    expect(() => trainingCurves([])).toThrow(/histories must not be empty/);
    expect(() => trainingCurves([{ name: 1, history }] as never)).toThrow(
      /histories\[0\].name must be a string/,
    );
    expect(() => trainingCurves(history, { heigth: 3 } as never)).toThrow(
      /unknown option "heigth"/,
    );
  });
});

describe('confusionMatrixHeatmap', () => {
  it('draws one cell per entry with its count and a color scale', () => {
    const m = [
      [5, 1, 0],
      [2, 7, 0],
      [0, 0, 0], // an empty class: no NaN anywhere
    ];
    const svg = confusionMatrixHeatmap(m, {
      classNames: ['cat', 'dog', 'owl & <eel>'],
      title: 'Test',
    });
    expect(svg).not.toMatch(/NaN/);
    const root = parseXml(svg);
    const cells = findAll(root, 'rect', 'cell');
    expect(cells).toHaveLength(9);
    const counts = findAll(findAll(root, 'g', 'cells')[0]!, 'text').map(textOf);
    expect(counts).toEqual(['5', '1', '0', '2', '7', '0', '0', '0', '0']);
    // the largest count is darkest, zeros are the lightest color
    expect(cells[4]!.attrs.fill).toBe('#08306b');
    expect(cells[2]!.attrs.fill).toBe('#f7fbff');
    expect(findAll(root, 'text').map(textOf)).toEqual(
      expect.arrayContaining(['owl & <eel>', 'Predicted', 'True', 'Test']),
    );
    expect(findAll(root, 'g', 'color-bar')).toHaveLength(1);
  });
  it('colors by row fraction with normalize "true" and accepts a tensor', () => {
    // row 0: 5/6 ≈ 0.83, row 1: 7/9 ≈ 0.78 → row 0's diagonal is darkest; the empty row stays 0%
    const root = parseXml(
      confusionMatrixHeatmap(
        tensor([
          [5, 1, 0],
          [2, 7, 0],
          [0, 0, 0],
        ]),
        { normalize: 'true' },
      ),
    );
    const cells = findAll(root, 'rect', 'cell');
    expect(cells[0]!.attrs.fill).toBe('#08306b');
    const counts = findAll(root, 'text', 'count');
    expect(counts.slice(0, 2).map((t) => t.text)).toEqual(['5', '1']);
    expect(counts.slice(0, 2).map((t) => textOf(findAll(t, 'tspan', 'percent')[0]!))).toEqual([
      '83%',
      '17%',
    ]);
    expect([counts[8]!.text, textOf(findAll(counts[8]!, 'tspan')[0]!)]).toEqual(['0', '0%']); // empty row: 0%, not NaN%
  });
  it('rejects bad input', () => {
    expect(() => confusionMatrixHeatmap([[1, 2]])).toThrow(/matrix must be square/);
    expect(() =>
      confusionMatrixHeatmap([
        [1, -2],
        [0, 1],
      ]),
    ).toThrow(/matrix\[0\]\[1\] must be a finite count >= 0, got -2/);
    expect(() => confusionMatrixHeatmap([[1]], { classNames: ['a', 'b'] })).toThrow(
      /classNames has 2 names but the matrix has 1 classes/,
    );
    expect(() => confusionMatrixHeatmap(tensor([1, 2]))).toThrow(/square tensor/);
    expect(() => confusionMatrixHeatmap([])).toThrow(/at least one class/);
  });
});

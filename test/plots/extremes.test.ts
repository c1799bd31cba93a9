// Every chart function that takes numbers, fed finite values at float64's
// ends: ±Number.MAX_VALUE and ±1e308 (whose span 1e308 − (−1e308) overflows
// to Infinity), subnormals such as 5e-324 (whose ±10% padding underflows to
// a zero span), and ranges that are tiny next to their magnitude. Whatever
// the data, each chart must be well-formed SVG whose every attribute and
// text is free of NaN and Infinity: before, lineChart wrote d="M0 NaN …" and
// no y ticks for [-1e308, 1e308] and for [5e-324, 5e-324].
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { attentionHeatmap } from '../../src/plots/attention-heatmap.js';
import { confusionMatrixHeatmap } from '../../src/plots/confusion-heatmap.js';
import { lineChart } from '../../src/plots/line-chart.js';
import { relevanceHeatmap } from '../../src/plots/relevance-heatmap.js';
import { reliabilityDiagram, type ReliabilityBin } from '../../src/plots/reliability-diagram.js';
import { niceTicks } from '../../src/plots/ticks.js';
import { trainingCurves } from '../../src/plots/training-curves.js';
import { allElements, findAll, parseXml, pathPoints, textOf, type XmlElement } from './_xml.js';

const MAX = Number.MAX_VALUE;
const TINY = Number.MIN_VALUE; // 5e-324

// Attributes that hold numbers (or lists of them) in these charts.
const NUMERIC = new Set([
  'x',
  'y',
  'x1',
  'x2',
  'y1',
  'y2',
  'cx',
  'cy',
  'r',
  'width',
  'height',
  'dy',
  'font-size',
  'fill-opacity',
  'stroke-width',
  'viewBox',
  'd',
  'transform',
]);

/** Parses `svg` and fails on any NaN or Infinity, or any unparsable number in a numeric attribute. */
function expectFinite(svg: string, what: string): XmlElement {
  const root = parseXml(svg);
  for (const el of allElements(root)) {
    for (const [name, value] of Object.entries(el.attrs)) {
      if (/NaN|Infinity/.test(value)) expect.fail(`${what}: <${el.name} ${name}="${value}">`);
      if (!NUMERIC.has(name)) continue;
      for (const n of value.match(/-?[\d.]+(?:e[+-]?\d+)?/g) ?? [])
        if (!Number.isFinite(Number(n))) expect.fail(`${what}: <${el.name} ${name}="${value}">`);
    }
    if (/NaN|Infinity/.test(el.text)) expect.fail(`${what}: <${el.name}> text "${el.text}"`);
  }
  return root;
}

/** The y tick labels of a line chart (right-aligned tick labels). */
function yLabels(root: XmlElement): string[] {
  return findAll(root, 'text')
    .filter((t) => t.attrs['text-anchor'] === 'end')
    .map(textOf);
}

const Y_EXTREMES: number[][] = [
  [-1e308, 1e308],
  [MAX, -MAX],
  [-MAX, 0, MAX],
  [TINY, TINY],
  [-TINY, TINY],
  [TINY, 2 * TINY, 3 * TINY],
  [1e-320, 1e-310],
  [0, 1e-200],
  [-1e-80, 1e-80],
  [1e308, 1e308],
  [-1e308, -1e308],
  [1e300, 1e300],
  [1e-70, 1e-70],
  [1, 1 + 2 ** -52],
  [1e308, 1e308 * (1 + 2 ** -52)],
  [0, 0],
  [-0, 0],
  [NaN, 1e308, Infinity, -1e308, -Infinity],
  [TINY, MAX],
];

describe('charts at the ends of float64', () => {
  it.each(Y_EXTREMES.map((v) => [JSON.stringify(v.map(String)), v] as const))(
    'lineChart of y values %s: finite coordinates, y ticks, one point per finite value',
    (_name, values) => {
      const root = expectFinite(lineChart({ series: [{ name: 's', values }] }), 'lineChart');
      expect(yLabels(root).length).toBeGreaterThanOrEqual(2);
      const d = findAll(root, 'path', 'series')[0]!.attrs.d!;
      expect(pathPoints(d)).toBe(values.filter(Number.isFinite).length);
      // Distinct tick positions, increasing upwards.
      const ys = findAll(root, 'text')
        .filter((t) => t.attrs['text-anchor'] === 'end')
        .map((t) => Number(t.attrs.y));
      for (let i = 1; i < ys.length; i++) expect(ys[i]!).toBeLessThan(ys[i - 1]!);
    },
  );

  it('lineChart puts the ends of [-1e308, 1e308] at the bottom and top of the plot, labelled', () => {
    const root = expectFinite(
      lineChart({ series: [{ name: 's', values: [-1e308, 1e308] }] }),
      'lineChart',
    );
    expect(yLabels(root)).toEqual(['-1.0e+308', '-5e+307', '0', '5e+307', '1.0e+308']);
    const d = findAll(root, 'path', 'series')[0]!.attrs.d!;
    const [, y0, , y1] = d.match(/-?[\d.]+/g)!.map(Number);
    const ticks = findAll(root, 'text').filter((t) => t.attrs['text-anchor'] === 'end');
    // The label's baseline is 4 below its tick.
    expect(y0).toBeCloseTo(Number(ticks[0]!.attrs.y) - 4, 1);
    expect(y1).toBeCloseTo(Number(ticks[4]!.attrs.y) - 4, 1);
  });

  it.each([
    [[-1e308, 1e308]],
    [[-MAX, MAX]],
    [[TINY, 2 * TINY]],
    [[MAX, MAX]],
    [[1e308, 1e308 * (1 + 2 ** -52)]],
    [[-1e-200, 0]],
  ])('lineChart of x values %j: finite coordinates and x ticks', (x) => {
    for (const integerX of [false, true]) {
      const svg = lineChart({ series: [{ name: 's', values: [1, 2], x }], integerX });
      const root = expectFinite(svg, `lineChart x ${String(x)}`);
      const d = findAll(root, 'path', 'series')[0]!.attrs.d!;
      expect(pathPoints(d)).toBe(2);
      if (!integerX)
        expect(
          findAll(root, 'text').filter((t) => t.attrs['text-anchor'] === 'middle').length,
        ).toBeGreaterThanOrEqual(2);
    }
  });

  it('lineChart with a log y axis over the whole float64 range', () => {
    for (const values of [
      [TINY, MAX],
      [1e-320, 1e-310],
      [MAX, MAX],
    ]) {
      const root = expectFinite(lineChart({ series: [{ name: 's', values }], logY: true }), 'log');
      expect(yLabels(root).length).toBeGreaterThanOrEqual(2);
    }
  });

  it('trainingCurves with extreme losses, metrics and learning rates', () => {
    const history = {
      loss: [1e308, MAX, TINY],
      valLoss: [-1e308, 1e308, 0],
      metrics: { accuracy: [TINY, TINY, TINY] },
      valMetrics: { accuracy: [-MAX, 0, MAX] },
      learningRate: [TINY, 1e-320, MAX],
    };
    for (const logLoss of [false, true])
      expectFinite(trainingCurves(history, { learningRate: true, logLoss }), 'trainingCurves');
    expectFinite(
      trainingCurves([
        { name: 'a', history: { loss: [MAX, -MAX] } },
        { name: 'b', history: { loss: [TINY, TINY] } },
      ]),
      'trainingCurves (runs)',
    );
  });

  it('confusionMatrixHeatmap with counts whose row sums overflow, and subnormal counts', () => {
    for (const matrix of [
      [
        [1e308, 1e308],
        [0, TINY],
      ],
      [
        [MAX, MAX],
        [MAX, MAX],
      ],
      [[TINY]],
    ])
      for (const normalize of ['none', 'true'] as const) {
        const root = expectFinite(
          confusionMatrixHeatmap(matrix, { normalize }),
          `confusion ${normalize}`,
        );
        if (normalize === 'true' && matrix[0]![0] === 1e308) {
          // Row 0 is half and half, though its sum overflows.
          expect(findAll(root, 'tspan', 'percent').map(textOf).slice(0, 2)).toEqual(['50%', '50%']);
        }
      }
    // The color bar's top label is the largest count, not "Infinity".
    const root = expectFinite(
      confusionMatrixHeatmap([
        [1e307, 0],
        [0, 1],
      ]),
      'confusion',
    );
    expect(textOf(root)).toContain('1e+307');
  });

  it('attentionHeatmap with weights at both ends', () => {
    for (const w of [
      [
        [1e308, 0],
        [TINY, MAX],
      ],
      [[TINY]],
      [
        [TINY, 2 * TINY],
        [0, TINY],
      ],
    ]) {
      const root = expectFinite(attentionHeatmap(w), 'attentionHeatmap');
      // Tooltips show the weights (rounded to 3 decimals where that is possible).
      expect(findAll(root, 'title').length).toBe(w.length * w[0]!.length);
    }
  });

  it('relevanceHeatmap with extreme relevance, scale and image ranges', () => {
    const rel = [
      [MAX, -MAX],
      [TINY, 0],
    ];
    // Tooltips and the colour bar give the values to 3 digits, not "Infinity".
    expect(textOf(expectFinite(relevanceHeatmap(rel), 'relevance'))).toContain('-1.8e+308');
    expectFinite(relevanceHeatmap(rel, { scale: TINY }), 'relevance scale tiny');
    expectFinite(relevanceHeatmap(rel, { scale: MAX }), 'relevance scale max');
    expectFinite(
      relevanceHeatmap(rel, {
        image: [
          [MAX, -MAX],
          [0, TINY],
        ],
        imageRange: [-MAX, MAX],
      }),
      'relevance image range',
    );
    const root = expectFinite(
      relevanceHeatmap([[1, 0]], { image: [[MAX, -MAX]], imageRange: [-1e308, 1e308] }),
      'relevance image clipped',
    );
    // The first pixel is brighter than the range (white), the second darker (black).
    const fills = findAll(root, 'g')
      .find((g) => g.attrs.class === 'image')!
      .children.map((r) => r.attrs.fill);
    expect(fills).toEqual(['#ffffff', '#000000']);
    // An image of 3 channels near MAX: their mean is a float64 though their sum is not.
    const img = [
      [
        [MAX, MAX, MAX],
        [0, 0, 0],
      ],
    ];
    const grey = findAll(
      parseXml(relevanceHeatmap([[1, 1]], { image: img, imageRange: [0, MAX] })),
      'g',
    ).find((g) => g.attrs.class === 'image')!;
    expect(grey.children.map((r) => r.attrs.fill)).toEqual(['#ffffff', '#000000']);
    // Relevance channels whose sum overflows cannot be drawn: a clear error, not a NaN.
    expect(() => relevanceHeatmap([[[MAX, MAX]]])).toThrow(ValueError);
    expect(() => relevanceHeatmap([[[MAX, MAX]]])).toThrow(
      /relevanceHeatmap: relevance sums its channels at pixel 0 to more than float64 holds/,
    );
  });

  it('reliabilityDiagram with counts whose total overflows', () => {
    const bins = (counts: number[]): ReliabilityBin[] =>
      counts.map((count, i) => ({
        lower: i / counts.length,
        upper: (i + 1) / counts.length,
        count,
        confidence: (i + 0.5) / counts.length,
        accuracy: 0.5,
      }));
    const root = expectFinite(
      reliabilityDiagram([
        { bins: bins([1e308, 1e308, 0, 5]) },
        { bins: bins([2 ** 53, 1, 1, 1]) },
      ]),
      'reliability',
    );
    // The two full bins of the first model are equally tall (shares of 1/2), not flat at 0.
    const bars = findAll(root, 'rect', 'count');
    expect(Number(bars[0]!.attrs.height)).toBeGreaterThan(0);
    expect(bars[0]!.attrs.height).toBe(bars[1]!.attrs.height);
  });
});

describe('niceTicks at the ends of float64', () => {
  it('never returns NaN or Infinity, and covers the range', () => {
    for (const [lo, hi] of [
      [-1e308, 1e308],
      [-MAX, MAX],
      [TINY, TINY],
      [0, TINY],
      [1e-320, 1e-310],
      [MAX, MAX],
      [0, 1e-200],
    ] as [number, number][]) {
      const t = niceTicks(lo, hi);
      for (const v of [t.min, t.max, t.step, ...t.ticks])
        expect(Number.isFinite(v), `niceTicks(${lo}, ${hi}): ${v}`).toBe(true);
      expect(t.step).toBeGreaterThan(0);
      expect(t.min).toBeLessThanOrEqual(lo);
      expect(t.max).toBeGreaterThanOrEqual(hi);
      for (let i = 1; i < t.ticks.length; i++) expect(t.ticks[i]!).toBeGreaterThan(t.ticks[i - 1]!);
    }
    expect(niceTicks(-1e308, 1e308)).toEqual({
      min: -1e308,
      max: 1e308,
      step: 5e307,
      ticks: [-1e308, -5e307, 0, 5e307, 1e308],
    });
    // Ordinary ranges are computed as before.
    expect(niceTicks(0.13, 0.92).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-7, 12).ticks).toEqual([-10, -5, 0, 5, 10, 15]);
    // A range at float64's resolution: no repeated ticks.
    expect(niceTicks(1, 1 + 2 ** -52).ticks).toEqual([1, 1 + 2 ** -52]);
  });
});

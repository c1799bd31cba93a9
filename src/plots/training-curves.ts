import { assertInteger, assertKnownKeys, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { PALETTE, checkObject, esc, optionalString, svgOpen, textWidth } from './_svg.js';
import { lineChart, type LineSeries } from './line-chart.js';

/**
 * The parts of a training history a chart reads: per-epoch lists, as
 * `fit` returns them (a `History` fits this type as it is).
 */
export interface CurvesHistory {
  /** Epoch indices, 0-based (plotted as epoch 1, 2, ...); default 0..n−1. */
  readonly epoch?: readonly number[];
  readonly loss: readonly number[];
  readonly valLoss?: readonly number[];
  readonly metrics?: Readonly<Record<string, readonly number[]>>;
  readonly valMetrics?: Readonly<Record<string, readonly number[]>>;
  readonly learningRate?: readonly number[];
}

/** One labelled run, to compare several histories in one chart. */
export interface NamedHistory {
  readonly name: string;
  readonly history: CurvesHistory;
}

/** Options of {@link trainingCurves}. */
export interface TrainingCurvesOptions {
  /** Heading above all panels. */
  title?: string;
  /** Width in pixels (default 640). */
  width?: number;
  /** Height of each panel in pixels (default 280). */
  panelHeight?: number;
  /**
   * Add a panel with the learning rate per epoch (default false). Its y axis
   * is logarithmic when every rate is positive and they span a factor of 10
   * or more (a schedule's 10x cuts then show as equal steps, not a drop to
   * 0), linear otherwise.
   */
  learningRate?: boolean;
  /**
   * Log-scale y axis for the loss panel (default false). A training loss
   * heading to 0 next to a validation loss that turns up, the signature of
   * overfitting, is much easier to see on a log axis.
   */
  logLoss?: boolean;
}

function list(fn: string, name: string, v: unknown): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
    throw new ValueError(`${fn}: ${name} must be an array of numbers, got ${show(v)}`);
  }
  return v;
}

function runsOf(fn: string, input: unknown): { name: string | null; h: CurvesHistory }[] {
  if (Array.isArray(input)) {
    if (input.length === 0) throw new ValueError(`${fn}: histories must not be empty`);
    return input.map((r: unknown, i) => {
      const o = checkObject(fn, `histories[${i}]`, r);
      if (typeof o.name !== 'string')
        throw new ValueError(`${fn}: histories[${i}].name must be a string, got ${show(o.name)}`);
      return { name: o.name, h: checkHistory(fn, `histories[${i}].history`, o.history) };
    });
  }
  return [{ name: null, h: checkHistory(fn, 'history', input) }];
}

function checkHistory(fn: string, name: string, v: unknown): CurvesHistory {
  const h = checkObject(fn, name, v);
  list(fn, `${name}.loss`, h.loss);
  if (h.epoch !== undefined) {
    // Epoch indices become the x values: finite numbers, checked here so the
    // error names this function and the field rather than lineChart's series.
    const epoch = list(fn, `${name}.epoch`, h.epoch);
    const bad = epoch.findIndex((e) => !Number.isFinite(e));
    if (bad >= 0)
      throw new ValueError(
        `${fn}: ${name}.epoch[${bad}] must be a finite number, got ${show(epoch[bad])}`,
      );
  }
  if (h.valLoss !== undefined) list(fn, `${name}.valLoss`, h.valLoss);
  for (const key of ['metrics', 'valMetrics'] as const) {
    if (h[key] === undefined) continue;
    const m = checkObject(fn, `${name}.${key}`, h[key]);
    for (const [k, arr] of Object.entries(m)) list(fn, `${name}.${key}.${k}`, arr);
  }
  return h as unknown as CurvesHistory;
}

/**
 * Learning curves of one or more `fit` runs as one SVG: a panel of loss
 * and validation loss per epoch, then one panel per metric with its
 * validation counterpart (validation dashed, same color), optionally the
 * learning rate. Pass an array of `{ name, history }` to overlay runs (for
 * instance a plain and a regularized model): each run gets its own color.
 *
 * Diverging train and validation curves are the picture of overfitting:
 * training loss keeps falling while validation loss turns up.
 *
 * @example
 * ```ts
 * import { trainingCurves, fit, sequential, dense, mse, adam } from 'myelin';
 * const x = [[0], [1], [2], [3], [4]], y = [[1], [3], [5], [7], [9]];
 * const run = (learningRate: number) =>
 *   fit(sequential([dense(1, 1)]), x, y, { loss: mse, optimizer: adam({ learningRate }), epochs: 20, validationSplit: 0.2 });
 * const svg = trainingCurves(await run(0.01), { title: 'line' });
 * const both = trainingCurves([{ name: 'lr 0.01', history: await run(0.01) }, { name: 'lr 0.1', history: await run(0.1) }]);
 * ```
 */
export function trainingCurves(
  histories: CurvesHistory | readonly NamedHistory[],
  options: TrainingCurvesOptions = {},
): string {
  const fn = 'trainingCurves';
  const o = checkObject(fn, 'options', options);
  assertKnownKeys(fn, 'options', o, ['title', 'width', 'panelHeight', 'learningRate', 'logLoss']);
  const title = optionalString(fn, 'title', o.title);
  const width = assertInteger(fn, 'width', o.width ?? 640, 100);
  const panelHeight = assertInteger(fn, 'panelHeight', o.panelHeight ?? 280, 80);
  if (o.learningRate !== undefined && typeof o.learningRate !== 'boolean') {
    throw new ValueError(`${fn}: learningRate must be a boolean, got ${show(o.learningRate)}`);
  }
  if (o.logLoss !== undefined && typeof o.logLoss !== 'boolean') {
    throw new ValueError(`${fn}: logLoss must be a boolean, got ${show(o.logLoss)}`);
  }
  const runs = runsOf(fn, histories);

  // Panels: loss first, then every metric any run reports, in first-seen order.
  const metricNames: string[] = [];
  for (const { h } of runs)
    for (const k of [...Object.keys(h.metrics ?? {}), ...Object.keys(h.valMetrics ?? {})])
      if (!metricNames.includes(k)) metricNames.push(k);
  const panels: { label: string; series: LineSeries[]; logY?: boolean }[] = [];
  const label = (run: string | null, what: string): string =>
    run === null ? what : `${run} ${what}`;
  const xs = (h: CurvesHistory, n: number): number[] =>
    h.epoch !== undefined && h.epoch.length === n
      ? h.epoch.map((e) => e + 1)
      : Array.from({ length: n }, (_, i) => i + 1);

  const lossSeries: LineSeries[] = [];
  runs.forEach(({ name, h }, r) => {
    const color = PALETTE[r % PALETTE.length]!;
    lossSeries.push({ name: label(name, 'loss'), values: h.loss, x: xs(h, h.loss.length), color });
    if (h.valLoss !== undefined)
      lossSeries.push({
        name: label(name, 'val loss'),
        values: h.valLoss,
        x: xs(h, h.valLoss.length),
        color,
        dashed: true,
      });
  });
  panels.push({ label: 'loss', series: lossSeries, logY: o.logLoss === true });
  for (const m of metricNames) {
    const series: LineSeries[] = [];
    runs.forEach(({ name, h }, r) => {
      const color = PALETTE[r % PALETTE.length]!;
      const train = h.metrics?.[m];
      const val = h.valMetrics?.[m];
      if (train !== undefined)
        series.push({ name: label(name, m), values: train, x: xs(h, train.length), color });
      if (val !== undefined)
        series.push({
          name: label(name, `val ${m}`),
          values: val,
          x: xs(h, val.length),
          color,
          dashed: true,
        });
    });
    panels.push({ label: m, series });
  }
  if (o.learningRate === true) {
    const series: LineSeries[] = [];
    runs.forEach(({ name, h }, r) => {
      if (h.learningRate !== undefined) {
        const lr = list(fn, 'learningRate', h.learningRate);
        series.push({
          name: label(name, 'learning rate'),
          values: lr,
          x: xs(h, lr.length),
          color: PALETTE[r % PALETTE.length]!,
        });
      }
    });
    const rates = series.flatMap((s) => Array.from(s.values));
    const low = Math.min(...rates);
    panels.push({
      label: 'learning rate',
      series,
      logY: low > 0 && Math.max(...rates) >= 10 * low,
    });
  }

  // Each panel is a complete lineChart SVG nested at its offset: nested
  // <svg> elements with x/y are valid SVG and keep every panel's own
  // coordinate system.
  const head = title === undefined ? 0 : 36;
  const height = head + panels.length * panelHeight;
  const out: string[] = [svgOpen(width, height, title)];
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (title !== undefined) {
    out.push(
      `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="600">${esc(title)}</text>`,
    );
  }
  // The same margins for every panel, so their x axes line up.
  const legend = Math.max(0, ...panels.flatMap((p) => p.series.map((s) => textWidth(s.name)))) + 56;
  panels.forEach((p, i) => {
    const chart = lineChart({
      series: p.series,
      width,
      height: panelHeight,
      xLabel: 'epoch',
      yLabel: p.label,
      integerX: true,
      logY: p.logY === true,
      margins: { left: 80, right: legend },
    });
    out.push(
      chart.replace(
        '<svg ',
        `<svg x="0" y="${head + i * panelHeight}" class="panel" data-panel="${esc(p.label)}" `,
      ),
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

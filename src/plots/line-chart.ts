import { assertInteger, assertKnownKeys, assertNumber, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { PALETTE, checkObject, esc, optionalString, px, svgOpen, text, textWidth } from './_svg.js';
import { formatTick, linearAxis, logTicks, type AxisTicks } from './ticks.js';

/** One line of a {@link lineChart}. */
export interface LineSeries {
  /** Legend label. */
  name: string;
  /** y values; non-finite values (NaN, ±Infinity) leave a gap in the line. */
  values: ArrayLike<number>;
  /** x values, one per y value (default 0, 1, 2, ...; see `xStart`). */
  x?: ArrayLike<number>;
  /** Draw the line dashed (validation curves, by convention). */
  dashed?: boolean;
  /** Any CSS color (default: the next color of a 10-color palette). */
  color?: string;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  series: readonly LineSeries[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Total width in pixels (default 640). */
  width?: number;
  /** Total height in pixels (default 400). */
  height?: number;
  /** First x value for series without `x` (default 0; training curves use 1 for epoch 1). */
  xStart?: number;
  /** Draw a dot at every point (default: when no series has more than 40 points). */
  markers?: boolean;
  /** Put x ticks on whole numbers only (epochs, steps); default false. */
  integerX?: boolean;
  /**
   * Logarithmic y axis (default false): ticks at powers of ten (with 2× and
   * 5× between them over a short range). Values <= 0 cannot be placed and
   * leave a gap. Suits losses, which span decades as training proceeds.
   */
  logY?: boolean;
  /** Minimum margins in pixels left of the plot (tick labels) and right of it (legend), to align stacked charts. */
  margins?: { left?: number; right?: number };
}

const KEYS = [
  'series',
  'title',
  'xLabel',
  'yLabel',
  'width',
  'height',
  'xStart',
  'markers',
  'integerX',
  'logY',
  'margins',
];

interface Prepared {
  name: string;
  xs: number[];
  ys: number[];
  dashed: boolean;
  color: string;
}

function prepare(fn: string, series: unknown, xStart: number): Prepared[] {
  if (!Array.isArray(series))
    throw new ValueError(`${fn}: series must be an array, got ${show(series)}`);
  return series.map((raw: unknown, i) => {
    const s = checkObject(fn, `series[${i}]`, raw);
    assertKnownKeys(fn, `series[${i}]`, s, ['name', 'values', 'x', 'dashed', 'color']);
    if (typeof s.name !== 'string')
      throw new ValueError(`${fn}: series[${i}].name must be a string, got ${show(s.name)}`);
    const values = s.values as ArrayLike<number> | undefined;
    if (!Array.isArray(values) && !(ArrayBuffer.isView(values) && !(values instanceof DataView))) {
      throw new ValueError(
        `${fn}: series[${i}].values must be an array of numbers, got ${show(values)}`,
      );
    }
    const ys = Array.from(values as ArrayLike<unknown>, (v, j) => {
      if (typeof v !== 'number')
        throw new ValueError(`${fn}: series[${i}].values[${j}] must be a number, got ${show(v)}`);
      return v;
    });
    let xs: number[];
    if (s.x === undefined) xs = ys.map((_, j) => xStart + j);
    else {
      const x = s.x as ArrayLike<unknown>;
      if (!Array.isArray(x) && !ArrayBuffer.isView(x))
        throw new ValueError(`${fn}: series[${i}].x must be an array of numbers, got ${show(x)}`);
      xs = Array.from(x, (v, j) => {
        if (typeof v !== 'number' || !Number.isFinite(v))
          throw new ValueError(
            `${fn}: series[${i}].x[${j}] must be a finite number, got ${show(v)}`,
          );
        return v;
      });
      if (xs.length !== ys.length)
        throw new ValueError(
          `${fn}: series[${i}].x has ${xs.length} values but values has ${ys.length}`,
        );
    }
    if (s.dashed !== undefined && typeof s.dashed !== 'boolean')
      throw new ValueError(`${fn}: series[${i}].dashed must be a boolean, got ${show(s.dashed)}`);
    const color = optionalString(fn, `series[${i}].color`, s.color) ?? PALETTE[i % PALETTE.length]!;
    return { name: s.name, xs, ys, dashed: s.dashed === true, color };
  });
}

function extent(values: Iterable<number>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * A line chart as a standalone SVG string: axes with round ("nice") tick
 * values, light grid lines, a legend, optional title and axis labels. No DOM
 * is needed to build it; in a browser assign it to `innerHTML` (or save it
 * as an `.svg` file in Node). All text is XML-escaped.
 *
 * Each series is one `<path>` element (`class="series"`, with
 * `data-name`); a non-finite value breaks the line instead of dropping
 * the whole chart. Any finite values can be drawn, from subnormals to
 * ±Number.MAX_VALUE: near float64's ends (beyond 1e300, below 1e-70) an
 * axis is computed on the values scaled by a power of ten and labelled in
 * exponent form, so every coordinate is finite.
 *
 * @example
 * ```ts
 * import { lineChart } from 'myelin';
 * const svg = lineChart({
 *   series: [{ name: 'loss', values: [0.9, 0.5, 0.3] }, { name: 'val loss', values: [1, 0.7, 0.6], dashed: true }],
 *   title: 'Training', xLabel: 'epoch', yLabel: 'loss', xStart: 1,
 * });
 * console.log(svg.startsWith('<svg')); // true: in a browser, document.body.innerHTML = svg
 * ```
 */
export function lineChart(options: LineChartOptions): string {
  const fn = 'lineChart';
  const o = checkObject(fn, 'options', options);
  assertKnownKeys(fn, 'options', o, KEYS);
  const width = assertInteger(fn, 'width', o.width ?? 640, 100);
  const height = assertInteger(fn, 'height', o.height ?? 400, 80);
  const title = optionalString(fn, 'title', o.title);
  const xLabel = optionalString(fn, 'xLabel', o.xLabel);
  const yLabel = optionalString(fn, 'yLabel', o.yLabel);
  const xStart = o.xStart ?? 0;
  if (typeof xStart !== 'number' || !Number.isFinite(xStart))
    throw new ValueError(`${fn}: xStart must be a finite number, got ${show(xStart)}`);
  const series = prepare(fn, o.series, xStart);
  const longest = Math.max(0, ...series.map((s) => s.ys.length));
  if (o.markers !== undefined && typeof o.markers !== 'boolean')
    throw new ValueError(`${fn}: markers must be a boolean, got ${show(o.markers)}`);
  const markers = o.markers ?? longest <= 40;

  if (o.logY !== undefined && typeof o.logY !== 'boolean')
    throw new ValueError(`${fn}: logY must be a boolean, got ${show(o.logY)}`);
  const logY = o.logY === true;
  // Plot space: log10 of y on a log axis, where values <= 0 become gaps
  // (NaN); on a linear axis the values themselves, or the values times a
  // power of ten when they are near float64's ends (beyond 1e300 or below
  // 1e-70), so that spans such as 1e308 − (−1e308) and ±10% around a
  // subnormal stay finite and nonzero.
  let ys: AxisTicks;
  let plotted: number[][];
  if (logY) {
    plotted = series.map((s) => s.ys.map((v) => (v > 0 ? Math.log10(v) : NaN)));
    ys = logTicks(extent(plotted.flat()));
  } else {
    // Only finite values count, so a diverged run (Infinity) does not
    // flatten every other curve into one line.
    const axis = linearAxis(extent(series.flatMap((s) => s.ys)), 5);
    plotted = series.map((s) => s.ys.map(axis.toPlot));
    ys = axis;
  }

  // The x range of the points whose y is finite.
  const xe = extent(
    series.flatMap((s, i) => s.xs.filter((_, j) => Number.isFinite(plotted[i]![j]))),
  );
  const xt = linearAxis(xe, 6);
  const tx = xt.toPlot;
  // x is usually an epoch count: keep the axis tight to the data rather than
  // padding to a whole tick, and drop ticks outside it (a single x value, or
  // two that scale to one, take the padded axis).
  const tight = xe !== null && tx(xe[0]) !== tx(xe[1]);
  const x0 = tight ? tx(xe[0]) : xt.min;
  const x1 = tight ? tx(xe[1]) : xt.max;
  if (o.integerX !== undefined && typeof o.integerX !== 'boolean')
    throw new ValueError(`${fn}: integerX must be a boolean, got ${show(o.integerX)}`);
  let xTicks: { at: number; label: string }[] = [];
  xt.ticks.forEach((v, i) => {
    if (v >= x0 - 1e-9 && v <= x1 + 1e-9) xTicks.push({ at: v, label: xt.labels[i]! });
  });
  // A step below 1 in data space: always when the x values were scaled up
  // (all below 1e-70), never when scaled down (all beyond 1e300).
  if (o.integerX === true && (xt.exponent === 0 ? xt.step < 1 : xt.exponent < 0)) {
    // Fewer than ~6 whole numbers in range: tick every one of them (below
    // 1e-70 in magnitude, 0 is the only one there can be).
    xTicks = [];
    if (xt.exponent === 0)
      for (let v = Math.ceil(x0); v <= Math.floor(x1); v++)
        xTicks.push({ at: v, label: formatTick(v, 1) });
    else if (x0 <= 0 && x1 >= 0) xTicks.push({ at: 0, label: '0' });
  }

  const legendWidth =
    series.length === 0 ? 0 : Math.max(...series.map((s) => textWidth(s.name))) + 40;
  const margins = o.margins === undefined ? {} : checkObject(fn, 'margins', o.margins);
  assertKnownKeys(fn, 'margins', margins, ['left', 'right']);
  const minLeft = assertNumber(fn, 'margins.left', margins.left ?? 0, { min: 0 });
  const minRight = assertNumber(fn, 'margins.right', margins.right ?? 0, { min: 0 });
  const left = Math.max(
    minLeft,
    16 + Math.max(...ys.labels.map((l) => textWidth(l, 11))) + (yLabel === undefined ? 0 : 20),
  );
  const right = Math.max(minRight, 16 + legendWidth);
  const top = title === undefined ? 16 : 40;
  const bottom = 36 + (xLabel === undefined ? 0 : 18);
  const pw = Math.max(10, width - left - right);
  const ph = Math.max(10, height - top - bottom);
  const sx = (x: number): number => left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number): number => top + ph - ((y - ys.min) / (ys.max - ys.min)) * ph;

  const out: string[] = [svgOpen(width, height, title)];
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (title !== undefined)
    out.push(text(width / 2, 24, title, 'text-anchor="middle" font-size="15" font-weight="600"'));

  // Grid and ticks.
  out.push('<g class="grid" stroke="#e5e5e5" stroke-width="1">');
  for (const v of ys.ticks)
    out.push(`<line x1="${px(left)}" x2="${px(left + pw)}" y1="${px(sy(v))}" y2="${px(sy(v))}"/>`);
  for (const { at } of xTicks)
    out.push(`<line x1="${px(sx(at))}" x2="${px(sx(at))}" y1="${px(top)}" y2="${px(top + ph)}"/>`);
  out.push('</g>');
  out.push('<g class="axes" stroke="#333333" stroke-width="1">');
  out.push(`<line x1="${px(left)}" x2="${px(left)}" y1="${px(top)}" y2="${px(top + ph)}"/>`);
  out.push(
    `<line x1="${px(left)}" x2="${px(left + pw)}" y1="${px(top + ph)}" y2="${px(top + ph)}"/>`,
  );
  out.push('</g>');
  out.push('<g class="tick-labels" fill="#333333" font-size="11">');
  ys.ticks.forEach((v, i) =>
    out.push(text(left - 6, sy(v) + 4, ys.labels[i]!, 'text-anchor="end"')),
  );
  for (const { at, label } of xTicks)
    out.push(text(sx(at), top + ph + 16, label, 'text-anchor="middle"'));
  out.push('</g>');
  if (xLabel !== undefined)
    out.push(text(left + pw / 2, height - 10, xLabel, 'text-anchor="middle" fill="#333333"'));
  if (yLabel !== undefined) {
    const cx = 14;
    const cy = top + ph / 2;
    out.push(
      text(
        cx,
        cy,
        yLabel,
        `text-anchor="middle" fill="#333333" transform="rotate(-90 ${px(cx)} ${px(cy)})"`,
      ),
    );
  }

  // Series: one path each; "M" starts a run of finite points, "L" continues it.
  series.forEach((s, i) => {
    const parts: string[] = [];
    let pen = false;
    plotted[i]!.forEach((y, j) => {
      if (!Number.isFinite(y)) {
        pen = false;
        return;
      }
      parts.push(`${pen ? 'L' : 'M'}${px(sx(tx(s.xs[j]!)))} ${px(sy(y))}`);
      pen = true;
    });
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(
      `<path class="series" data-name="${esc(s.name)}" d="${parts.join(' ')}" fill="none" stroke="${esc(s.color)}" stroke-width="2" stroke-linejoin="round"${dash}/>`,
    );
    if (markers) {
      out.push(`<g class="markers" fill="${esc(s.color)}">`);
      plotted[i]!.forEach((y, j) => {
        if (Number.isFinite(y))
          out.push(`<circle cx="${px(sx(tx(s.xs[j]!)))}" cy="${px(sy(y))}" r="2.5"/>`);
      });
      out.push('</g>');
    }
  });

  // Legend, right of the plot area.
  if (series.length > 0) {
    out.push('<g class="legend" font-size="12" fill="#333333">');
    const lx = left + pw + 16;
    series.forEach((s, i) => {
      const ly = top + 8 + i * 18;
      const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
      out.push(
        `<line x1="${px(lx)}" x2="${px(lx + 24)}" y1="${px(ly)}" y2="${px(ly)}" stroke="${esc(s.color)}" stroke-width="2"${dash}/>`,
      );
      out.push(text(lx + 30, ly + 4, s.name));
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}

import { assertInteger, assertKnownKeys, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { PALETTE, checkObject, esc, optionalString, px, sharesOf, svgOpen, text } from './_svg.js';

/** One confidence bin: the shape of a bin of `calibrationCurve`'s result. */
export interface ReliabilityBin {
  /** The bin covers confidences (lower, upper]. */
  readonly lower: number;
  readonly upper: number;
  /** Samples in the bin; empty bins are not drawn. */
  readonly count: number;
  /** Mean confidence of the bin's samples. */
  readonly confidence: number;
  /** Fraction of them predicted correctly. */
  readonly accuracy: number;
}

/** One model's calibration: a `calibrationCurve` result, optionally named and colored. */
export interface ReliabilitySeries {
  readonly bins: readonly ReliabilityBin[];
  /** Legend label (default 'model', or 'model 1', 'model 2', ... for several). */
  readonly name?: string;
  /** Shown in the legend as "ECE 0.042" when present (calibrationCurve sets it). */
  readonly expectedCalibrationError?: number;
  /** Any CSS color (default: the palette in order). */
  readonly color?: string;
}

/** Options of {@link reliabilityDiagram}. */
export interface ReliabilityDiagramOptions {
  title?: string;
  /** Total width in pixels (default 480); the reliability panel is square and the height follows. */
  width?: number;
  /** Draw the histogram of samples per bin below the curve (default true). */
  showCounts?: boolean;
}

interface Series {
  name: string;
  color: string;
  bins: ReliabilityBin[];
}

function readSeries(fn: string, input: unknown): Series[] {
  const list = Array.isArray(input) ? (input as unknown[]) : [input];
  if (list.length === 0)
    throw new ValueError(`${fn}: calibration must hold at least one series, got []`);
  return list.map((raw, i) => {
    const where = Array.isArray(input) ? `calibration[${i}]` : 'calibration';
    const s = checkObject(fn, where, raw);
    if (!Array.isArray(s.bins))
      throw new ValueError(
        `${fn}: ${where}.bins must be an array of bins (the result of calibrationCurve), got ${show(s.bins)}`,
      );
    const bins = s.bins.map((b: unknown, k): ReliabilityBin => {
      const o = checkObject(fn, `${where}.bins[${k}]`, b);
      const num = (key: string, lo: number, hi: number): number => {
        const v = o[key];
        if (typeof v !== 'number' || !(v >= lo && v <= hi))
          throw new ValueError(
            `${fn}: ${where}.bins[${k}].${key} must be a number in [${lo}, ${hi}], got ${show(v)}`,
          );
        return v;
      };
      const count = assertInteger(fn, `${where}.bins[${k}].count`, o.count);
      const lower = num('lower', 0, 1);
      const upper = num('upper', lower, 1);
      // An empty bin has no mean (NaN): it is not drawn, so it need not be checked.
      const confidence = count === 0 ? NaN : num('confidence', 0, 1);
      const accuracy = count === 0 ? NaN : num('accuracy', 0, 1);
      return { lower, upper, count, confidence, accuracy };
    });
    const ece = s.expectedCalibrationError;
    if (ece !== undefined && (typeof ece !== 'number' || !Number.isFinite(ece)))
      throw new ValueError(
        `${fn}: ${where}.expectedCalibrationError must be a finite number, got ${show(ece)}`,
      );
    const base =
      optionalString(fn, `${where}.name`, s.name) ??
      (list.length === 1 ? 'model' : `model ${i + 1}`);
    return {
      name: ece === undefined ? base : `${base} (ECE ${ece.toFixed(3)})`,
      color: optionalString(fn, `${where}.color`, s.color) ?? PALETTE[i % PALETTE.length]!,
      bins,
    };
  });
}

/**
 * A reliability diagram (DeGroot and Fienberg 1983; Niculescu-Mizil and
 * Caruana 2005; Guo et al. 2017, arXiv:1706.04599) as a standalone SVG string:
 * each non-empty confidence bin is a point at (mean confidence, accuracy),
 * joined into one line per model, against the diagonal of perfect
 * calibration. A point below the diagonal means the model was more confident
 * than right (overconfident); above, underconfident. Below the curve, a
 * histogram shows how many samples each bin holds, since a bin of three
 * samples says little.
 *
 * Pass the result of `calibrationCurve`, or several (`{ ...curve, name }`)
 * to compare models or a model before and after temperature scaling. All
 * text is XML-escaped.
 *
 * @example
 * ```ts
 * import { calibrationCurve, reliabilityDiagram } from 'myelin';
 * const probs = [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6]];
 * const svg = reliabilityDiagram({ ...calibrationCurve(probs, [0, 1, 1, 1]), name: 'validation' });
 * console.log(svg.startsWith('<svg')); // true
 * ```
 */
export function reliabilityDiagram(
  calibration: ReliabilitySeries | readonly ReliabilitySeries[],
  options: ReliabilityDiagramOptions = {},
): string {
  const fn = 'reliabilityDiagram';
  const o = checkObject(fn, 'options', options);
  assertKnownKeys(fn, 'options', o, ['title', 'width', 'showCounts']);
  const series = readSeries(fn, calibration);
  const title = optionalString(fn, 'title', o.title);
  const width = assertInteger(fn, 'width', o.width ?? 480, 200);
  if (o.showCounts !== undefined && typeof o.showCounts !== 'boolean')
    throw new ValueError(`${fn}: showCounts must be a boolean, got ${show(o.showCounts)}`);
  const showCounts = o.showCounts ?? true;

  // A square reliability panel (both axes are probabilities), the sample
  // histogram under it on the same x axis, and the legend below both, where
  // no curve can run under it.
  const left = 56;
  const top = title === undefined ? 16 : 40;
  const side = width - left - 24;
  const histH = showCounts ? Math.round(side / 4) : 0;
  const histTop = top + side + 8;
  const bottom = showCounts ? histTop + histH : top + side;
  const legendTop = bottom + 48;
  const height = legendTop + (series.length + 1) * 18 + 4;
  const sx = (v: number): number => left + v * side;
  const sy = (v: number): number => top + side - v * side;
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];

  const out: string[] = [svgOpen(width, height, title)];
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (title !== undefined)
    out.push(text(width / 2, 24, title, 'text-anchor="middle" font-size="15" font-weight="600"'));
  out.push('<g class="grid" stroke="#e5e5e5" stroke-width="1">');
  for (const v of ticks) {
    out.push(
      `<line x1="${px(left)}" x2="${px(left + side)}" y1="${px(sy(v))}" y2="${px(sy(v))}"/>`,
    );
    out.push(`<line x1="${px(sx(v))}" x2="${px(sx(v))}" y1="${px(top)}" y2="${px(bottom)}"/>`);
  }
  out.push('</g>');
  out.push(
    `<line class="diagonal" x1="${px(sx(0))}" y1="${px(sy(0))}" x2="${px(sx(1))}" y2="${px(sy(1))}" stroke="#999999" stroke-width="1" stroke-dasharray="4 4"/>`,
  );
  out.push(
    `<rect x="${px(left)}" y="${px(top)}" width="${px(side)}" height="${px(side)}" fill="none" stroke="#333333"/>`,
  );
  out.push('<g class="tick-labels" fill="#333333" font-size="11">');
  for (const v of ticks) {
    out.push(text(left - 6, sy(v) + 4, v.toFixed(1), 'text-anchor="end"'));
    out.push(text(sx(v), bottom + 16, v.toFixed(1), 'text-anchor="middle"'));
  }
  out.push('</g>');
  out.push(text(left + side / 2, bottom + 34, 'confidence', 'text-anchor="middle" fill="#333333"'));
  const vertical = (label: string, y: number): string =>
    text(14, y, label, `text-anchor="middle" fill="#333333" transform="rotate(-90 14 ${px(y)})"`);
  out.push(vertical('accuracy', top + side / 2));

  if (showCounts) {
    // Bars side by side within each bin, heights relative to the largest
    // share of samples (a share, so models scored on different sets compare).
    // (sharesOf: right even when the counts' sum overflows.)
    const shares = series.map((s) => sharesOf(s.bins.map((b) => b.count)));
    let maxShare = 1e-12;
    for (const sh of shares) for (const v of sh) maxShare = Math.max(maxShare, v);
    out.push(
      `<rect x="${px(left)}" y="${px(histTop)}" width="${px(side)}" height="${px(histH)}" fill="none" stroke="#333333"/>`,
    );
    out.push('<g class="counts">');
    series.forEach((s, i) => {
      s.bins.forEach((b, k) => {
        if (b.count === 0) return;
        const w = (sx(b.upper) - sx(b.lower)) / series.length;
        const h = (shares[i]![k]! / maxShare) * histH;
        out.push(
          `<rect class="count" x="${px(sx(b.lower) + i * w)}" y="${px(histTop + histH - h)}" width="${px(Math.max(0.5, w - 1))}" height="${px(h)}" fill="${esc(s.color)}" fill-opacity="0.6"><title>${esc(`${s.name}: ${b.count} samples in (${b.lower}, ${b.upper}]`)}</title></rect>`,
        );
      });
    });
    out.push('</g>');
    out.push(vertical('samples', histTop + histH / 2));
  }

  series.forEach((s) => {
    const points = s.bins.filter((b) => b.count > 0);
    const d = points
      .map((b, k) => `${k === 0 ? 'M' : 'L'}${px(sx(b.confidence))} ${px(sy(b.accuracy))}`)
      .join(' ');
    out.push(
      `<path class="series" data-name="${esc(s.name)}" d="${d}" fill="none" stroke="${esc(s.color)}" stroke-width="2" stroke-linejoin="round"/>`,
    );
    out.push(`<g class="markers" fill="${esc(s.color)}">`);
    for (const b of points) {
      out.push(
        `<circle cx="${px(sx(b.confidence))}" cy="${px(sy(b.accuracy))}" r="3.5"><title>${esc(
          `${s.name}: confidence ${b.confidence.toFixed(3)}, accuracy ${b.accuracy.toFixed(3)}, ${b.count} samples`,
        )}</title></circle>`,
      );
    }
    out.push('</g>');
  });

  const entries = [
    ...series.map((s) => ({ name: s.name, stroke: `stroke="${esc(s.color)}" stroke-width="2"` })),
    { name: 'perfectly calibrated', stroke: 'stroke="#999999" stroke-dasharray="4 4"' },
  ];
  out.push('<g class="legend" font-size="12" fill="#333333">');
  entries.forEach((e, i) => {
    const ly = legendTop + i * 18;
    out.push(
      `<line x1="${px(left)}" x2="${px(left + 24)}" y1="${px(ly)}" y2="${px(ly)}" ${e.stroke}/>`,
    );
    out.push(text(left + 30, ly + 4, e.name));
  });
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n');
}

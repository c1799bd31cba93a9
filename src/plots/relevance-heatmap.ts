import { assertInteger, assertKnownKeys, assertNumber, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { checkObject, esc, optionalString, px, svgOpen, text, textWidth } from './_svg.js';

/** Options of {@link relevanceHeatmap}. */
export interface RelevanceHeatmapOptions {
  /** The image explained, drawn in grey under the heatmap: [height, width] or [height, width, channels] (channels averaged), values in [0, 1] unless `imageRange` says otherwise. */
  image?: TensorLike;
  /** The range of the image's values (default [0, 1]). */
  imageRange?: readonly [number, number];
  /** Opacity of the heatmap (default 1); over an image each pixel is further as opaque as its relevance is strong. */
  opacity?: number;
  /** The value drawn at full colour, both signs (default the largest |relevance|). */
  scale?: number;
  /** Side of one pixel in SVG units (default 12). */
  cellSize?: number;
  title?: string;
}

// A diverging map centred on zero: blue (negative) through white to red
// (positive), the two ends of ColorBrewer's RdBu, interpolated in sRGB.
const NEG = [33, 102, 172] as const;
const MID = [255, 255, 255] as const;
const POS = [178, 24, 43] as const;

function hex(c: readonly number[]): string {
  return `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

/** The colour of t in [−1, 1]: blue at −1, white at 0, red at +1. */
function diverging(t: number): string {
  const u = Math.min(1, Math.abs(t));
  const end = t < 0 ? NEG : POS;
  return hex(MID.map((m, i) => m + (end[i]! - m) * u));
}

/** The 2-D map [height, width] of a relevance tensor (a batch of one and channels are summed away). */
function grid(fn: string, name: string, v: unknown, mean: boolean): [number[], number, number] {
  let t: Tensor;
  try {
    // Nested arrays are read as float64, the numbers exactly as given (as
    // float32, a value beyond 3.4e38 would become Infinity).
    t = v instanceof Tensor ? v : asTensor(v as TensorLike, 'float64');
  } catch {
    throw new ValueError(
      `${fn}: ${name} must be a tensor or nested arrays of numbers, got ${show(v)}`,
    );
  }
  let shape = t.shape;
  if (shape.length === 4 && shape[0] === 1) shape = shape.slice(1);
  if (shape.length !== 2 && shape.length !== 3)
    throw new ShapeError(
      `${fn}: ${name} must have shape [height, width] or [height, width, channels] (a batch of one allowed), got ${fmtShape(t.shape)}`,
    );
  const h = shape[0]!,
    w = shape[1]!;
  const c = shape.length === 3 ? shape[2]! : 1;
  if (h === 0 || w === 0)
    throw new ShapeError(`${fn}: ${name} is empty, shape ${fmtShape(t.shape)}`);
  const out = new Array<number>(h * w).fill(0);
  for (let p = 0; p < h * w; p++) {
    let s = 0;
    let finite = true;
    for (let k = 0; k < c; k++) {
      const v = t.data[p * c + k]!;
      if (!Number.isFinite(v))
        throw new ValueError(
          `${fn}: ${name} must hold finite numbers, got ${show(v)} at pixel ${p}${c > 1 ? `, channel ${k}` : ''}`,
        );
      s += v;
    }
    if (!Number.isFinite(s)) {
      // Finite values whose sum overflows (magnitudes near 1e308): a mean
      // is still a float64, taken over the values divided by c; a sum is not.
      if (!mean)
        throw new ValueError(
          `${fn}: ${name} sums its channels at pixel ${p} to more than float64 holds (${show(s)}); scale it down`,
        );
      s = 0;
      for (let k = 0; k < c; k++) s += t.data[p * c + k]! / c;
      finite = false;
    }
    out[p] = mean && finite ? s / c : s;
  }
  return [out, h, w];
}

/**
 * A relevance map (from `lrp`, `integratedGradients`, ...) as an SVG
 * heatmap: one square per pixel on a diverging colour map centred on zero
 * (red for evidence for the explained output, blue against, white for
 * none), optionally over the explained image in grey (each pixel's colour
 * then as opaque as its relevance is strong), with a colour bar.
 * Channels are summed (relevance is additive); a batch of one is accepted.
 * Returns a standalone SVG string.
 *
 * @param relevance [height, width] or [height, width, channels], or the same with a batch of one
 *   (nested arrays are read as float64). Finite values; channels whose sum overflows float64 are an error.
 * @example
 * ```ts
 * import { relevanceHeatmap } from 'myelin';
 * const svg = relevanceHeatmap([[0, 1], [-0.5, 0.25]], { image: [[0, 1], [1, 0]], title: 'digit 7' });
 * svg.startsWith('<svg'); // true
 * ```
 */
export function relevanceHeatmap(
  relevance: TensorLike,
  options: RelevanceHeatmapOptions = {},
): string {
  const fn = 'relevanceHeatmap';
  const o = checkObject(fn, 'options', options);
  assertKnownKeys(fn, 'options', o, [
    'image',
    'imageRange',
    'opacity',
    'scale',
    'cellSize',
    'title',
  ]);
  const [rel, h, w] = grid(fn, 'relevance', relevance, false);
  const title = optionalString(fn, 'title', o.title);
  const cell = assertInteger(fn, 'cellSize', o.cellSize ?? 12, 1);
  let img: number[] | null = null;
  if (o.image !== undefined) {
    const [g, ih, iw] = grid(fn, 'image', o.image, true);
    if (ih !== h || iw !== w)
      throw new ShapeError(
        `${fn}: image is ${ih}×${iw} but the relevance is ${h}×${w}; they must be the same size`,
      );
    img = g;
  }
  let lo = 0,
    hi = 1;
  if (o.imageRange !== undefined) {
    const r = o.imageRange as unknown;
    if (
      !Array.isArray(r) ||
      r.length !== 2 ||
      !r.every((v) => typeof v === 'number' && Number.isFinite(v)) ||
      !((r[1] as number) > (r[0] as number))
    )
      throw new ValueError(`${fn}: imageRange must be [low, high] with high > low, got ${show(r)}`);
    [lo, hi] = r as [number, number];
  }
  const opacity = assertNumber(fn, 'opacity', o.opacity ?? 1, {
    min: 0,
    max: 1,
  });
  let scale = 0;
  for (const v of rel) scale = Math.max(scale, Math.abs(v));
  if (o.scale !== undefined)
    scale = assertNumber(fn, 'scale', o.scale, { min: 0, minExclusive: true });

  const top = title === undefined ? 8 : 36;
  const left = 8;
  const barX = left + w * cell + 16;
  const barW = 12;
  // Three significant digits; near ±Number.MAX_VALUE rounding up would make
  // Infinity, so the digits are kept as text.
  const label = (v: number): string => {
    const r = Number(v.toPrecision(3));
    return Number.isFinite(r) ? String(r) : v.toPrecision(3).replace(/\.?0+e/, 'e');
  };
  const barWidth = Math.ceil(
    barX + barW + 8 + 7 * Math.max(label(scale).length, label(-scale).length) + 8,
  );
  const width = Math.max(barWidth, title === undefined ? 0 : Math.ceil(textWidth(title, 15) + 16));
  const height = Math.ceil(top + Math.max(h * cell, 120) + 12);
  const out: string[] = [svgOpen(width, height, title)];
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (title !== undefined)
    out.push(text(width / 2, 24, title, 'text-anchor="middle" font-size="15" font-weight="600"'));
  if (img !== null) {
    // Grey level (v − lo) / (hi − lo), in halves when the span overflows
    // (a range such as [−1e308, 1e308]), where v − lo could overflow too.
    const span = hi - lo;
    const level = Number.isFinite(span)
      ? (v: number): number => (v - lo) / span
      : (v: number): number => (v / 2 - lo / 2) / (hi / 2 - lo / 2);
    out.push('<g class="image">');
    img.forEach((v, p) => {
      const g = Math.round(255 * Math.min(1, Math.max(0, level(v))));
      out.push(
        `<rect x="${px(left + (p % w) * cell)}" y="${px(top + Math.floor(p / w) * cell)}" width="${cell}" height="${cell}" fill="${hex([g, g, g])}"/>`,
      );
    });
    out.push('</g>');
  }
  out.push(`<g class="relevance" fill-opacity="${px(opacity)}">`);
  rel.forEach((v, p) => {
    const t = scale > 0 ? Math.max(-1, Math.min(1, v / scale)) : 0;
    // Over an image, each pixel's colour is as opaque as its relevance is
    // strong: pixels of no relevance show the image, not a white veil.
    const alpha = img === null ? '' : ` fill-opacity="${px(Math.abs(t))}"`;
    out.push(
      `<rect class="pixel" x="${px(left + (p % w) * cell)}" y="${px(top + Math.floor(p / w) * cell)}" width="${cell}" height="${cell}" fill="${diverging(t)}"${alpha}><title>${esc(`(${Math.floor(p / w)}, ${p % w}): ${label(v)}`)}</title></rect>`,
    );
  });
  out.push('</g>');
  // Colour bar from +scale (top) to −scale, as stacked rects (no gradient ids to collide).
  const steps = 21;
  const barH = 120;
  out.push('<g class="color-bar">');
  for (let k = 0; k < steps; k++) {
    const t = 1 - (2 * k) / (steps - 1);
    out.push(
      `<rect x="${px(barX)}" y="${px(top + (k * barH) / steps)}" width="${barW}" height="${px(barH / steps + 0.5)}" fill="${diverging(t)}"/>`,
    );
  }
  out.push(text(barX + barW + 4, top + 10, label(scale), 'font-size="11" fill="#333333"'));
  out.push(text(barX + barW + 4, top + barH / 2 + 4, '0', 'font-size="11" fill="#333333"'));
  out.push(text(barX + barW + 4, top + barH, label(-scale), 'font-size="11" fill="#333333"'));
  out.push('</g></svg>');
  return out.join('');
}

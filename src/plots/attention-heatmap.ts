import { assertInteger, assertKnownKeys, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkObject, esc, optionalString, px, roundTo, svgOpen, text, textWidth } from './_svg.js';

/** Options of {@link attentionHeatmap}. */
export interface AttentionHeatmapOptions {
  /** Labels of the query steps (rows), default 0, 1, ... */
  queryTokens?: readonly string[];
  /** Labels of the key steps (columns), default the query labels when the map is square. */
  keyTokens?: readonly string[];
  /** Chart title. */
  title?: string;
  /** Side of a cell in pixels (default 32). */
  cellSize?: number;
  /**
   * Trim padding at the end: keep only the first `length` query and key
   * steps (an integer from 1 to the map's steps; a square map only).
   */
  length?: number;
  /**
   * Trim padding anywhere: one sample's step mask (1 or true = a real step),
   * one entry per step; only the real steps' rows and columns are drawn,
   * labelled with their positions by default (a square map only).
   */
  mask?: readonly (number | boolean)[] | Uint8Array | Tensor;
}

const LOW = [0xff, 0xff, 0xff];
const HIGH = [0xb3, 0x1b, 0x1b];

function colorAt(t: number): string {
  const c = LOW.map((lo, i) => Math.round(lo + (HIGH[i]! - lo) * t));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The labels of the kept steps: `v` may label every step of the map (n, and
 * the kept ones are picked) or only the kept steps.
 */
function labels(
  fn: string,
  name: string,
  v: unknown,
  n: number,
  keep: readonly number[] | null,
): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw new ValueError(`${fn}: ${name} must be an array of strings, got ${show(v)}`);
  if (keep !== null && v.length === keep.length) return v;
  if (v.length !== n)
    throw new ValueError(
      `${fn}: ${name} has ${v.length} labels but the map has ${n} steps there` +
        (keep === null ? '' : ` (${keep.length} after trimming the padding)`),
    );
  return keep === null ? v : keep.map((i) => v[i] as string);
}

/** The steps to draw, from the `length` or `mask` option, or null to draw them all. */
function keptSteps(fn: string, o: Record<string, unknown>, q: number, k: number): number[] | null {
  const { length, mask } = o;
  if (length === undefined && mask === undefined) return null;
  if (length !== undefined && mask !== undefined)
    throw new ValueError(`${fn}: give length or mask to trim the padding, not both`);
  if (q !== k)
    throw new ShapeError(
      `${fn}: ${length === undefined ? 'mask' : 'length'} trims the steps of a square (self-attention) map, got shape [${q}, ${k}]`,
    );
  if (length !== undefined) {
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 1 || length > q)
      throw new ValueError(
        `${fn}: length must be an integer from 1 to ${q} (the map's steps), got ${show(length)}`,
      );
    return Array.from({ length }, (_, i) => i);
  }
  let flat: unknown[];
  if (mask instanceof Tensor) {
    if (mask.rank !== 1)
      throw new ShapeError(
        `${fn}: mask must hold one entry per step (${q}), got shape [${mask.shape.join(', ')}]`,
      );
    flat = Array.from(mask.data);
  } else if (mask instanceof Uint8Array || Array.isArray(mask)) flat = Array.from(mask);
  else
    throw new ValueError(
      `${fn}: mask must be an array, Uint8Array or Tensor of 0/1 per step, got ${show(mask)}`,
    );
  if (flat.length !== q)
    throw new ShapeError(
      `${fn}: mask has ${flat.length} entries but the map has ${q} steps (one sample's mask, one entry per step)`,
    );
  const keep: number[] = [];
  flat.forEach((v, i) => {
    if (v === true || v === 1) keep.push(i);
    else if (v !== false && v !== 0)
      throw new ValueError(`${fn}: mask[${i}] must be 0, 1, true or false, got ${show(v)}`);
  });
  if (keep.length === 0)
    throw new ValueError(`${fn}: mask marks every step as padding: there is no cell to draw`);
  return keep;
}

/**
 * An attention map (tokens against tokens) as an SVG heatmap: row i is a
 * query step, column j a key step, each cell shaded white (0) to red (the
 * largest weight) with its weight in a tooltip. Returns a standalone SVG
 * string; labels are XML-escaped.
 *
 * A padded sequence's map has rows and columns for its padding (see
 * `attentionMaps`): `length` (padding at the end) or `mask` (one sample's
 * step mask) leaves them out of a square map. `queryTokens` and `keyTokens`
 * may then label every step (the kept ones are picked) or only the kept ones;
 * the shading scales to the largest weight drawn.
 *
 * @param weights [query steps, key steps] of weights in [0, 1], nested arrays or a Tensor
 *   (one head of an `attentionMaps` result, or a rollout), at least one step each way
 *   (an empty map is a ShapeError).
 * @example
 * ```ts
 * import { attentionHeatmap } from 'myelin';
 * const svg = attentionHeatmap([[0.9, 0.1], [0.3, 0.7]], { queryTokens: ['a', 'b'], title: 'head 0' });
 * // Three steps, the last one padding: a 2 × 2 heatmap of 'a' and 'b'.
 * const trimmed = attentionHeatmap([[0.6, 0.4, 0], [0.2, 0.8, 0], [0.5, 0.5, 0]], {
 *   queryTokens: ['a', 'b', '<pad>'],
 *   length: 2,
 * });
 * ```
 */
export function attentionHeatmap(
  weights: readonly (readonly number[])[] | Tensor,
  options: AttentionHeatmapOptions = {},
): string {
  const fn = 'attentionHeatmap';
  const o = checkObject(fn, 'options', options);
  assertKnownKeys(fn, 'options', o, [
    'queryTokens',
    'keyTokens',
    'title',
    'cellSize',
    'length',
    'mask',
  ]);
  let rows: number[][];
  if (weights instanceof Tensor) {
    if (weights.rank !== 2)
      throw new ValueError(
        `${fn}: weights must be [query steps, key steps], got shape [${weights.shape.join(', ')}]`,
      );
    const [q, k] = weights.shape as [number, number];
    rows = Array.from({ length: q }, (_, i) =>
      Array.from(weights.data.subarray(i * k, (i + 1) * k)),
    );
  } else if (
    Array.isArray(weights) &&
    weights.length > 0 &&
    weights.every((r) => Array.isArray(r))
  ) {
    rows = (weights as readonly (readonly number[])[]).map((r) => [...r]);
  } else
    throw new ValueError(
      `${fn}: weights must be a non-empty 2-D array or Tensor, got ${show(weights)}`,
    );
  const q = rows.length;
  const k = rows[0]?.length ?? 0;
  // A map with no query or no key steps has no cell to draw (and its
  // label column would be -Infinity pixels wide).
  if (q === 0 || k === 0)
    throw new ShapeError(
      `${fn}: weights must have at least one query step and one key step, got shape [${(weights instanceof Tensor ? weights.shape : [q, k]).join(', ')}]`,
    );
  rows.forEach((r, i) => {
    if (r.length !== k)
      throw new ValueError(`${fn}: row ${i} has ${r.length} weights, row 0 has ${k}`);
    r.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new ValueError(
          `${fn}: weights[${i}][${j}] must be a finite number >= 0, got ${show(v)}`,
        );
    });
  });
  const title = optionalString(fn, 'title', o.title);
  const cell = assertInteger(fn, 'cellSize', o.cellSize ?? 32, 4);
  const keep = keptSteps(fn, o, q, k);
  const qt =
    labels(fn, 'queryTokens', o.queryTokens, q, keep) ??
    (keep ?? rows.map((_, i) => i)).map((i) => String(i));
  const kt =
    labels(fn, 'keyTokens', o.keyTokens, k, keep) ??
    (k === q ? qt : Array.from({ length: k }, (_, j) => String(j)));
  if (keep !== null) rows = keep.map((i) => keep.map((j) => rows[i]![j]!));
  const nq = rows.length,
    nk = rows[0]!.length;
  let max = 0;
  for (const r of rows) for (const v of r) max = Math.max(max, v);
  const left = 16 + Math.max(...qt.map((s) => textWidth(s))) + 8;
  const top = (title === undefined ? 8 : 36) + Math.max(...kt.map((s) => textWidth(s))) + 8;
  const width = Math.ceil(left + nk * cell + 16);
  const height = Math.ceil(top + nq * cell + 16);
  const out: string[] = [svgOpen(width, height, title)];
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (title !== undefined)
    out.push(text(width / 2, 22, title, 'text-anchor="middle" font-size="15" font-weight="600"'));
  out.push('<g class="cells">');
  rows.forEach((r, i) => {
    r.forEach((v, j) => {
      out.push(
        `<rect class="cell" x="${px(left + j * cell)}" y="${px(top + i * cell)}" width="${cell}" height="${cell}" fill="${colorAt(max > 0 ? v / max : 0)}" stroke="#eeeeee"><title>${esc(`${qt[i]!} → ${kt[j]!}: ${roundTo(v, 3)}`)}</title></rect>`,
      );
    });
  });
  out.push('</g><g class="tokens" fill="#333333">');
  qt.forEach((s, i) => {
    out.push(text(left - 6, top + i * cell + cell / 2 + 4, s, 'text-anchor="end"'));
  });
  kt.forEach((s, j) => {
    const x = left + j * cell + cell / 2,
      y = top - 6;
    out.push(
      text(
        x,
        y,
        s,
        `text-anchor="start" transform="rotate(-90 ${px(x)} ${px(y)})" dominant-baseline="middle"`,
      ),
    );
  });
  out.push('</g></svg>');
  return out.join('');
}

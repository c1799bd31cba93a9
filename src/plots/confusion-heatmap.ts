import { assertInteger, assertKnownKeys, assertOneOf, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { Tensor } from '../tensor/tensor.js';
import {
  checkObject,
  esc,
  optionalString,
  px,
  roundTo,
  sharesOf,
  svgOpen,
  text,
  textWidth,
} from './_svg.js';

/** Options of {@link confusionMatrixHeatmap}. */
export interface ConfusionMatrixHeatmapOptions {
  /** Labels of the classes, in matrix order (default '0', '1', ...). */
  classNames?: readonly string[];
  title?: string;
  /**
   * Color by each row's fraction (`'true'`, recall per class, as
   * scikit-learn's `normalize='true'`) or by raw counts (`'none'`, the
   * default). Cells always print the raw count; with 'true' the
   * percentage is added.
   */
  normalize?: 'none' | 'true';
  /** Side of one cell in pixels (default 48). */
  cellSize?: number;
}

// Two ends of a white-to-blue sequential scale; interpolating in sRGB is
// not perceptually uniform, but monotone in lightness, which is what a
// count scale needs.
const LOW = [247, 251, 255] as const;
const HIGH = [8, 48, 107] as const;

function colorAt(t: number): string {
  const c = LOW.map((lo, i) => Math.round(lo + (HIGH[i]! - lo) * t));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function rowsOf(fn: string, matrix: unknown): number[][] {
  let rows: number[][];
  if (matrix instanceof Tensor) {
    if (matrix.rank !== 2 || matrix.shape[0] !== matrix.shape[1]) {
      throw new ShapeError(
        `${fn}: matrix must be a square tensor [classes, classes], got shape ${fmtShape(matrix.shape)}`,
      );
    }
    const c = matrix.shape[0]!;
    rows = Array.from({ length: c }, (_, i) =>
      Array.from(matrix.data.subarray(i * c, (i + 1) * c)),
    );
  } else if (Array.isArray(matrix)) {
    rows = matrix.map((r: unknown, i) => {
      if (!Array.isArray(r) && !(ArrayBuffer.isView(r) && !(r instanceof DataView))) {
        throw new ValueError(`${fn}: matrix[${i}] must be an array of counts, got ${show(r)}`);
      }
      return Array.from(r as ArrayLike<number>);
    });
    if (rows.some((r) => r.length !== rows.length)) {
      throw new ShapeError(
        `${fn}: matrix must be square, got ${rows.length} rows of lengths ${show(rows.map((r) => r.length))}`,
      );
    }
  } else {
    throw new ValueError(
      `${fn}: matrix must be a square array of counts or a Tensor, got ${show(matrix)}`,
    );
  }
  if (rows.length === 0) throw new ValueError(`${fn}: matrix must have at least one class`);
  rows.forEach((r, i) => {
    r.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new ValueError(
          `${fn}: matrix[${i}][${j}] must be a finite count >= 0, got ${show(v)}`,
        );
      }
    });
  });
  return rows;
}

/**
 * A confusion matrix as an SVG heatmap: rows are true classes, columns
 * predicted classes (scikit-learn's `ConfusionMatrixDisplay` layout), each
 * cell colored on a white-to-blue scale and labelled with its count, with a
 * color bar. Returns a standalone SVG string; text is XML-escaped.
 *
 * @param matrix Counts `[true class][predicted class]`, as nested arrays or a square Tensor.
 * @example
 * ```ts
 * import { confusionMatrixHeatmap } from 'myelin';
 * const svg = confusionMatrixHeatmap([[5, 1], [2, 7]], { classNames: ['cat', 'dog'], title: 'Test set' });
 * ```
 */
export function confusionMatrixHeatmap(
  matrix: readonly (readonly number[])[] | readonly ArrayLike<number>[] | Tensor,
  options: ConfusionMatrixHeatmapOptions = {},
): string {
  const fn = 'confusionMatrixHeatmap';
  const o = checkObject(fn, 'options', options);
  assertKnownKeys(fn, 'options', o, ['classNames', 'title', 'normalize', 'cellSize']);
  const rows = rowsOf(fn, matrix);
  const c = rows.length;
  const title = optionalString(fn, 'title', o.title);
  const normalize = assertOneOf(fn, 'normalize', o.normalize ?? 'none', ['none', 'true']);
  const cell = assertInteger(fn, 'cellSize', o.cellSize ?? 48, 8);
  let names: string[];
  if (o.classNames === undefined) names = rows.map((_, i) => String(i));
  else {
    if (!Array.isArray(o.classNames) || !o.classNames.every((x) => typeof x === 'string')) {
      throw new ValueError(
        `${fn}: classNames must be an array of strings, got ${show(o.classNames)}`,
      );
    }
    names = o.classNames;
    if (names.length !== c)
      throw new ValueError(
        `${fn}: classNames has ${names.length} names but the matrix has ${c} classes`,
      );
  }

  // Each cell's fraction of its row. A row with no samples (a class absent
  // from the targets) has no fraction: color it 0, not NaN. sharesOf keeps
  // the fractions right when a row's sum overflows (counts near 1e308).
  const fractions = rows.map(sharesOf);
  const shade = normalize === 'true' ? fractions : rows;
  let maxShade = 0;
  for (const r of shade) for (const v of r) maxShade = Math.max(maxShade, v);
  const unit = (v: number): number => (maxShade > 0 ? v / maxShade : 0);

  const labelW = Math.max(...names.map((n) => textWidth(n))) + 10;
  const left = 24 + labelW;
  const top = (title === undefined ? 12 : 40) + 8;
  const grid = c * cell;
  const barX = left + grid + 20;
  const barW = 14;
  const maxLabel = normalize === 'true' ? '100%' : String(roundTo(maxShade, 2));
  const width = Math.ceil(barX + barW + 8 + textWidth(maxLabel, 11) + 12);
  const bottom = 28 + labelW;
  const height = Math.ceil(top + grid + bottom);
  const fontSize = Math.max(8, Math.min(13, Math.floor(cell / 4)));

  const out: string[] = [svgOpen(width, height, title)];
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (title !== undefined)
    out.push(text(width / 2, 24, title, 'text-anchor="middle" font-size="15" font-weight="600"'));
  out.push(`<g class="cells" font-size="${fontSize}" text-anchor="middle">`);
  rows.forEach((r, i) => {
    r.forEach((v, j) => {
      const t = unit(shade[i]![j]!);
      const x = left + j * cell;
      const y = top + i * cell;
      const pct = `${Math.round(fractions[i]![j]! * 100)}%`;
      const label = normalize === 'true' ? `${v} (${pct})` : String(v);
      out.push(
        `<rect class="cell" x="${px(x)}" y="${px(y)}" width="${cell}" height="${cell}" fill="${colorAt(t)}" stroke="#ffffff"><title>${esc(`true ${names[i]!}, predicted ${names[j]!}: ${label}`)}</title></rect>`,
      );
      // Dark cells get white text so the count stays readable.
      const fill = `fill="${t > 0.5 ? '#ffffff' : '#222222'}"`;
      const cx = px(x + cell / 2);
      if (normalize === 'true') {
        // Count above, row percentage below in a smaller size: one line would overflow the cell.
        out.push(
          `<text class="count" x="${cx}" y="${px(y + cell / 2 - 1)}" ${fill}>${esc(String(v))}` +
            `<tspan class="percent" x="${cx}" dy="${px(fontSize)}" font-size="${px(fontSize * 0.8)}">${esc(pct)}</tspan></text>`,
        );
      } else {
        out.push(
          `<text class="count" x="${cx}" y="${px(y + cell / 2 + fontSize / 3)}" ${fill}>${esc(label)}</text>`,
        );
      }
    });
  });
  out.push('</g>');
  out.push('<g class="class-labels" font-size="12" fill="#333333">');
  names.forEach((n, i) =>
    out.push(text(left - 6, top + i * cell + cell / 2 + 4, n, 'text-anchor="end"')),
  );
  names.forEach((n, j) => {
    const x = left + j * cell + cell / 2;
    const y = top + grid + 10;
    // Column labels run downwards so long class names do not overlap.
    out.push(
      text(
        x,
        y,
        n,
        `text-anchor="end" transform="rotate(-90 ${px(x)} ${px(y)})" dominant-baseline="middle"`,
      ),
    );
  });
  out.push('</g>');
  out.push(text(left + grid / 2, height - 8, 'Predicted', 'text-anchor="middle" fill="#333333"'));
  out.push(
    text(
      12,
      top + grid / 2,
      'True',
      `text-anchor="middle" fill="#333333" transform="rotate(-90 12 ${px(top + grid / 2)})"`,
    ),
  );

  // Color bar as stacked rects (no gradient: a <linearGradient> needs an id,
  // and ids collide when several charts share one HTML page).
  const steps = 24;
  out.push('<g class="color-bar">');
  for (let k = 0; k < steps; k++) {
    const y = top + (k * grid) / steps;
    out.push(
      `<rect x="${px(barX)}" y="${px(y)}" width="${barW}" height="${px(grid / steps + 0.5)}" fill="${colorAt(1 - k / (steps - 1))}"/>`,
    );
  }
  out.push(
    `<rect x="${px(barX)}" y="${px(top)}" width="${barW}" height="${grid}" fill="none" stroke="#999999"/>`,
  );
  out.push(text(barX + barW + 4, top + 10, maxLabel, 'font-size="11" fill="#333333"'));
  out.push(
    text(
      barX + barW + 4,
      top + grid,
      normalize === 'true' ? '0%' : '0',
      'font-size="11" fill="#333333"',
    ),
  );
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n');
}

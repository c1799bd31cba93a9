import { fmtShape } from '../_lib/shape.js';
import type { Model } from './model.js';
import { checkModel } from './predict.js';

function shapesAfterEach(model: Model): (readonly number[] | null)[] {
  const out: (readonly number[] | null)[] = [];
  let shape: readonly number[] | null = null;
  for (const layer of model.layers) {
    if (shape === null && layer.inputShape !== null) shape = layer.inputShape;
    try {
      shape = shape === null ? null : layer.outputShape(shape);
    } catch {
      shape = null;
    }
    out.push(shape);
  }
  return out;
}

function group(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A printable table of a model's layers, as Keras's `model.summary()`: per
 * layer its index, kind, per-sample output shape (batch dimension left out;
 * `?` where no layer before it declares an input shape) and parameter count,
 * then the total, trainable and frozen parameter counts.
 *
 * @example
 * ```ts
 * import { sequential, dense, relu, summary } from 'myelin';
 * console.log(summary(sequential([dense(64, 32, { activation: relu }), dense(32, 10)])));
 * // #  layer  output shape  params
 * // ------------------------------
 * // 0  dense  [32]           2,080
 * // 1  dense  [10]             330
 * // ------------------------------
 * // total params: 2,410 (trainable 2,410, frozen 0)
 * ```
 */
export function summary(model: Model): string {
  checkModel('summary', model);
  const shapes = shapesAfterEach(model);
  let total = 0;
  let trainable = 0;
  const rows = model.layers.map((layer, i) => {
    let count = 0;
    for (const t of Object.values(layer.params)) count += t.size;
    total += count;
    if (layer.trainable) trainable += count;
    const shape = shapes[i];
    return [
      String(i),
      layer.trainable ? layer.kind : `${layer.kind} (frozen)`,
      shape === null || shape === undefined ? '?' : fmtShape(shape),
      group(count),
    ];
  });
  const head = ['#', 'layer', 'output shape', 'params'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  // Numbers right-aligned, text left-aligned.
  const fmt = (r: readonly string[]): string =>
    r
      .map((cell, c) => (c === 0 || c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1));
  return [
    fmt(head),
    rule,
    ...rows.map(fmt),
    rule,
    `total params: ${group(total)} (trainable ${group(trainable)}, frozen ${group(total - trainable)})`,
  ].join('\n');
}

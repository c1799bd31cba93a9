import { ValueError } from '../_lib/errors.js';
import type { Model } from './model.js';

/**
 * The one batch size `model` takes, with the first layer that sets it (its
 * name and kind: a
 * stateful recurrent layer's `batchSize`: see `Layer.batchRows`), or null
 * when any batch size runs. Throws, naming `fn`, when two layers disagree.
 */
export function batchRowsOf(
  fn: string,
  model: Model,
): { rows: number; layer: string; kind: string } | null {
  let found: { rows: number; layer: string; kind: string } | null = null;
  model.layers.forEach((l, i) => {
    const rows = l.batchRows;
    if (rows === undefined) return;
    const layer = model.layerNames[i]!;
    if (found !== null && found.rows !== rows)
      throw new ValueError(
        `${fn}: layers "${found.layer}" and "${layer}" are stateful with different batch sizes (${found.rows} and ${rows} rows), so no batch fits both`,
      );
    found ??= { rows, layer, kind: l.kind };
  });
  return found;
}

/**
 * Fails, naming `fn`, unless `n` rows of `what` split into batches of
 * `batchSize` rows that every stateful layer of `model` takes: checked
 * before anything runs, so that no carried state changes on the way to the
 * error.
 */
export function checkBatchRows(
  fn: string,
  model: Model,
  n: number,
  batchSize: number,
  what: string,
): void {
  const b = batchRowsOf(fn, model);
  if (b === null) return;
  if (batchSize !== b.rows)
    throw new ValueError(
      `${fn}: batchSize ${batchSize} does not fit layer "${b.layer}", which is stateful and takes batches of exactly ${b.rows} rows (its batchSize); pass batchSize: ${b.rows}`,
    );
  if (n % b.rows !== 0)
    throw new ValueError(
      `${fn}: the ${n} rows of ${what} do not split into batches of ${b.rows} rows, the only batch size stateful layer "${b.layer}" takes (the last batch would have ${n % b.rows}); give a multiple of ${b.rows} rows`,
    );
}

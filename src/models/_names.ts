import { ValueError } from '../_lib/errors.js';
import type { Layer } from '../layers/layer.js';

/** The name a layer was given (`options.name`), if any. */
export function givenName(layer: Layer): string | undefined {
  if (typeof layer.name === 'string') return layer.name;
  const n = (layer.config as { name?: unknown }).name;
  return typeof n === 'string' ? n : undefined;
}

/**
 * One unique name per layer: the given one, or the kind numbered in order
 * (`dense`, `dense_1`, ...) skipping names already taken, as Keras does.
 * Two layers given the same name are an error.
 */
export function layerNames(fn: string, layers: readonly Layer[]): string[] {
  const taken = new Map<string, number>();
  layers.forEach((l, i) => {
    const n = givenName(l);
    if (n === undefined) return;
    const prev = taken.get(n);
    if (prev !== undefined)
      throw new ValueError(
        `${fn}: layer names must be unique, but layers ${prev} (${layers[prev]!.kind}) and ${i} (${l.kind}) are both named "${n}"`,
      );
    taken.set(n, i);
  });
  const counters = new Map<string, number>();
  return layers.map((l, i) => {
    const n = givenName(l);
    if (n !== undefined) return n;
    let k = counters.get(l.kind) ?? 0;
    let candidate = k === 0 ? l.kind : `${l.kind}_${k}`;
    while (taken.has(candidate)) {
      k++;
      candidate = `${l.kind}_${k}`;
    }
    counters.set(l.kind, k + 1);
    taken.set(candidate, i);
    return candidate;
  });
}

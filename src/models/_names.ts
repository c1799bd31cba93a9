import { ValueError } from '../_lib/errors.js';
import type { Layer } from '../layers/layer.js';

/** The name a layer was given (`options.name`), if any. */
export function givenName(layer: Layer): string | undefined {
  if (typeof layer.name === 'string') return layer.name;
  const n = (layer.config as { name?: unknown }).name;
  return typeof n === 'string' ? n : undefined;
}

// The name fixed to each layer object that has no given name: the one the
// first model containing it generated, or one fixed explicitly (a loaded
// file's saved name, a cut model's source name). A WeakMap, so a layer
// object carries no extra field and nothing is kept alive by it.
const fixed = new WeakMap<Layer, string>();

/**
 * Fixes `layer`'s name to `name` for every model built from now on (when it
 * has no given name; a given name always wins). `fromJSON` fixes each loaded
 * layer to its saved name, and `extractFeatures` each layer of the cut to
 * its name in the source model, so the names survive both.
 */
export function fixName(layer: Layer, name: string): void {
  if (givenName(layer) === undefined) fixed.set(layer, name);
}

/**
 * One unique name per layer, as Keras's layer names, which are fixed when a
 * layer is made and survive every model built from it:
 *
 * 1. a given name (`options.name`); two layers given the same name are an error;
 * 2. else the name fixed to the layer object the first time a model named it
 *    (see {@link fixName}), unless an earlier layer of this model already
 *    holds that name: then this model generates another for it, and the
 *    layer keeps its fixed name for later models;
 * 3. else the kind numbered in order (`dense`, `dense_1`, ...) skipping the
 *    names above, so a model of fresh layers is named as before.
 *
 * Call {@link fixNames} once the model is built, so its generated names stick.
 */
export function layerNames(fn: string, layers: readonly Layer[]): string[] {
  const taken = new Map<string, number>();
  const names: (string | undefined)[] = layers.map((l, i) => {
    const n = givenName(l);
    if (n === undefined) return undefined;
    const prev = taken.get(n);
    if (prev !== undefined)
      throw new ValueError(
        `${fn}: layer names must be unique, but layers ${prev} (${layers[prev]!.kind}) and ${i} (${l.kind}) are both named "${n}"`,
      );
    taken.set(n, i);
    return n;
  });
  layers.forEach((l, i) => {
    if (names[i] !== undefined) return;
    const n = fixed.get(l);
    if (n === undefined || taken.has(n)) return;
    taken.set(n, i);
    names[i] = n;
  });
  const counters = new Map<string, number>();
  return layers.map((l, i) => {
    const n = names[i];
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

/** Fixes the names a built model gave to layers that had none yet (see {@link layerNames}). */
export function fixNames(layers: readonly Layer[], names: readonly string[]): void {
  layers.forEach((l, i) => {
    if (!fixed.has(l)) fixName(l, names[i]!);
  });
}

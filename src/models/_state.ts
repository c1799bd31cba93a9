import { asFloat, type FloatArray } from '../_lib/typed.js';
import { OWN_RNG } from '../layers/dropout.js';
import type { Layer } from '../layers/layer.js';
import { xoshiroState, type Rng } from '../random/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Model } from './model.js';

/**
 * Copies every state tensor of `model`'s layers (running statistics, a
 * stateful recurrent layer's carried state: tensors its layers update in
 * place) and returns a function that writes the copies back. Internal: fit
 * restores the state of a batch it rejects, and the explanations leave the
 * state as they found it. A model without state costs nothing.
 *
 * With `streams: true` it also copies the position of every private random
 * stream of the layers (a dropout built with its own `seed` or `rng`, see
 * {@link ownStreams}), so that each evaluation after a restore draws the same
 * masks: gradient checks in training mode need that. Every such stream must
 * be a `createRng` stream (see {@link unrestorableStreams}); any other is
 * left as it is.
 */
export function saveState(model: Model, options: { streams?: boolean } = {}): () => void {
  const saved = stateTensors(model).map((t): [Tensor, FloatArray] => [t, asFloat(t.data).slice()]);
  const words: [Int32Array, Int32Array][] = [];
  if (options.streams === true) {
    for (const { rng } of ownStreams(model)) {
      const live = xoshiroState(rng);
      if (live !== undefined) words.push([live, live.slice()]);
    }
  }
  return () => {
    for (const [t, copy] of saved) asFloat(t.data).set(copy);
    for (const [live, copy] of words) live.set(copy);
  };
}

/**
 * Every state tensor of `model`'s layers, in layer order, a tensor shared by
 * several layers once. Internal.
 */
export function stateTensors(model: Model): Tensor[] {
  const out = new Set<Tensor>();
  for (const layer of model.layers) for (const t of Object.values(layer.state ?? {})) out.add(t);
  return [...out];
}

/** Whether any layer of `model` carries state (see {@link saveState}). */
export function hasState(model: Model): boolean {
  return model.layers.some((l) => l.state !== undefined && Object.keys(l.state).length > 0);
}

/**
 * The private random streams of `model`'s layers: those a layer draws from
 * instead of the caller's `ctx.rng` (dropout and spatial dropout built with
 * `seed` or `rng` expose theirs under {@link OWN_RNG}), each with the layer
 * that owns it, in layer order. Internal.
 */
export function ownStreams(model: Model): { layer: Layer; rng: Rng }[] {
  const out: { layer: Layer; rng: Rng }[] = [];
  for (const layer of model.layers) {
    const rng = (layer as { [OWN_RNG]?: Rng })[OWN_RNG];
    if (rng !== undefined) out.push({ layer, rng });
  }
  return out;
}

/**
 * The private streams of {@link ownStreams} whose position cannot be saved
 * and restored: any Rng not made by `createRng` (a hand-written one, whose
 * algorithm is unknown). Internal.
 */
export function unrestorableStreams(model: Model): { layer: Layer; rng: Rng }[] {
  return ownStreams(model).filter(({ rng }) => xoshiroState(rng) === undefined);
}

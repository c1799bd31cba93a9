import { asFloat, type FloatArray } from '../_lib/typed.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Model } from './model.js';

/**
 * Copies every state tensor of `model`'s layers (running statistics, a
 * stateful recurrent layer's carried state: tensors its layers update in
 * place) and returns a function that writes the copies back. Internal: fit
 * restores the state of a batch it rejects, and the explanations leave the
 * state as they found it. A model without state costs nothing.
 */
export function saveState(model: Model): () => void {
  const saved = stateTensors(model).map((t): [Tensor, FloatArray] => [t, asFloat(t.data).slice()]);
  return () => {
    for (const [t, copy] of saved) asFloat(t.data).set(copy);
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

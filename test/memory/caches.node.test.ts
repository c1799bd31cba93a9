/// <reference types="node" />
// Memory over time: the caches of the planned and autograd drivers must
// neither pin a model the caller dropped nor keep one entry per input shape
// for a model's whole life (myelin has no dispose(): the garbage collector
// is the only way back). No timing: identities, and WeakRefs after a forced
// collection.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { compiledFor } from '../../src/layers/_run.js';
import { dense } from '../../src/layers/dense.js';
import { lstm } from '../../src/layers/lstm.js';
import { planFor } from '../../src/models/plan.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { zeros } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';

// gc() without --expose-gc on the command line: the flag set at run time
// exposes it in contexts created afterwards.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A full collection once the current job is over (WeakRefs made in it keep their targets until then). */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 0));
    gc();
  }
}

describe('plan cache', () => {
  it('keeps a bounded number of plans per model, the most recently used ones', () => {
    const rng = createRng(0);
    const model = sequential([lstm(2, 3, { rng })]);
    const first = planFor(model, [[1, 2]], ['float32']);
    expect(planFor(model, [[1, 2]], ['float32'])).toBe(first); // cached
    // sequences of 99 other lengths: a plan (with its buffers) each
    for (let steps = 2; steps <= 100; steps++) predict(model, zeros([2, steps, 2]));
    const last = planFor(model, [[100, 2]], ['float32']);
    expect(planFor(model, [[100, 2]], ['float32'])).toBe(last);
    // a cycle over 64 lengths stays cached (inference over sentence lengths)
    const cycle = Array.from({ length: 64 }, (_, i) => planFor(model, [[i + 200, 2]], ['float32']));
    cycle.forEach((p, i) => {
      expect(planFor(model, [[i + 200, 2]], ['float32'])).toBe(p);
    });
    // the first plan was dropped, not kept for the model's lifetime
    expect(planFor(model, [[1, 2]], ['float32'])).not.toBe(first);
  });

  it('lets the garbage collector take a plan the model no longer caches', async () => {
    const rng = createRng(0);
    const model = sequential([lstm(2, 3, { rng })]);
    predict(model, zeros([2, 1, 2]));
    const first = new WeakRef(planFor(model, [[1, 2]], ['float32']));
    for (let steps = 2; steps <= 100; steps++) predict(model, zeros([2, steps, 2]));
    await collect();
    expect(first.deref()).toBeUndefined();
    expect(predict(model, zeros([2, 1, 2])).shape).toEqual([2, 3]); // compiled again
  });
});

describe('compiled-layer cache', () => {
  it('keeps a bounded number of compilations per layer', () => {
    const layer = lstm(2, 3, { rng: createRng(0) });
    const first = compiledFor(layer, [[1, 2]], 'float32');
    expect(compiledFor(layer, [[1, 2]], 'float32')).toBe(first);
    for (let steps = 2; steps <= 100; steps++) compiledFor(layer, [[steps, 2]], 'float32');
    expect(compiledFor(layer, [[1, 2]], 'float32')).not.toBe(first);
  });
});

describe('a dropped model', () => {
  it('is collected right after its last predict (no module-level cache keeps it or its weights)', async () => {
    const rng = createRng(0);
    const refs = ((): { model: WeakRef<object>; kernel: WeakRef<Tensor> } => {
      const model = sequential([dense(4, 8, { activation: relu, rng }), dense(8, 2, { rng })]);
      // the repeated one-sample path (remembered plans) and the general one
      for (let i = 0; i < 3; i++) predict(model, zeros([1, 4]));
      predict(model, zeros([5, 4]));
      predict(model, zeros([1, 4]));
      return {
        model: new WeakRef(model),
        kernel: new WeakRef((model.layers[0] as ReturnType<typeof dense>).kernel),
      };
    })();
    // nothing predicted since: the last call's buffers must not stay behind either
    await collect();
    expect(refs.model.deref()).toBeUndefined();
    expect(refs.kernel.deref()).toBeUndefined();
  });
});
